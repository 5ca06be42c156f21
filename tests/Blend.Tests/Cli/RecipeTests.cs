using System.Diagnostics;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;

namespace Blend.Tests.Cli;

public sealed class RecipeTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-recipe-" + Guid.NewGuid().ToString("N"));

    public RecipeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ShippedRecipes()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoRoot.File("recipes"), "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedRecipes))]
    public void Shipped_recipes_validate_and_build_their_mixtures(string name)
    {
        var file = RepoRoot.File(Path.Combine("recipes", name));
        var r = CliRun.Invoke("recipe", "validate", file);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Contains(": ok", r.Out, StringComparison.Ordinal);
        using var builder = new RecipeBuilder(RecipeReader.Read(file));
        var judges = builder.Judges();
        Assert.Equal(builder.TaskNames, judges.Tasks.Select(t => t.Name));
        foreach (var task in builder.TaskNames)
            Assert.Equal(builder.Task(task).Children("judges").Count, judges.JudgesFor(task).Count);
    }

    [Fact]
    public void Committed_schema_is_the_generated_one()
    {
        var committed = File.ReadAllText(RepoRoot.File("recipes/recipe.schema.json"));
        Assert.True(committed == RecipeSchema.Text(), "recipes/recipe.schema.json is stale: run `blend recipe schema > recipes/recipe.schema.json`");
    }

    [Fact]
    public async Task Shipped_recipes_pass_and_a_bad_one_fails_a_real_json_schema_validator()
    {
        // Debian's python3-jsonschema, an implementation Blend did not write, reads the committed schema.
        var bad = Write("bad.json", """{"name": "x", "model": {"tiny": {}}, "tasks": [{"name": "m", "optimizer": {"type": "crpg", "klmax": 1}}]}""");
        var files = Directory.GetFiles(RepoRoot.File("recipes"), "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Order().ToList();
        var script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            v = jsonschema.Draft202012Validator(schema)
            for f in sys.argv[2:]:
                errors = list(v.iter_errors(json.load(open(f))))
                print(f, "ok" if not errors else "invalid")
            """;
        var py = Write("check.py", script.Replace("\n            ", "\n"));
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { py, RepoRoot.File("recipes/recipe.schema.json") }.Concat(files).Append(bad)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(deadline.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var f in files) Assert.Contains(f + " ok", lines);
        Assert.Contains(bad + " invalid", lines);
    }

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static string Data(string file) => RepoRoot.Data(Path.Combine("tasks", file)).Replace("\\", "/", StringComparison.Ordinal);

    [Fact]
    public void Every_problem_is_reported_with_line_path_and_a_did_you_mean_and_nothing_is_written()
    {
        var recipe = Write("bad.json", $$"""
            {
              "name": "bad",
              "seed": "seven",
              "devise": "cpu",
              "model": { "tiny": { "width": 64.5 } },
              "tasks": [
                {
                  "name": "math",
                  "prompts": "{{Data("math.train.jsonl")}}",
                  "eval_prompts": "nowhere.jsonl",
                  "judges": [ { "type": "regex", "patern": "x" }, { "type": "math_answr" }, { "type": "math_answer" } ],
                  "rewards": [ { "type": "judge", "judge": "math-answr" }, { "type": "length" } ],
                  "optimizer": { "type": "crpg", "kl_max": -3 },
                  "prompts_per_step": 0
                }
              ]
            }
            """);
        var before = Directory.GetFileSystemEntries(_dir).Order().ToList();
        var r = CliRun.Invoke("recipe", "validate", recipe);
        Assert.Equal(2, r.ExitCode);
        string[] expected =
        [
            $"{recipe}:3: $.seed: must be a whole number, found a string",
            $"{recipe}:4: $.devise: unknown field 'devise' in Blend recipe; did you mean 'device'?",
            $"{recipe}:5: $.model.tiny.width: must be a whole number, found 64.5",
            $"{recipe}:10: $.tasks[0].eval_prompts: file 'nowhere.jsonl' does not exist",
            $"{recipe}:11: $.tasks[0].judges[0].patern: unknown field 'patern' in judge 'regex'; did you mean 'pattern'?",
            $"{recipe}:11: $.tasks[0].judges[0]: missing required field 'pattern'",
            $"{recipe}:11: $.tasks[0].judges[1].type: unknown judge 'math_answr'; did you mean 'math_answer'?",
            $"{recipe}:12: $.tasks[0].rewards[1]: missing required field 'target_words'",
            $"{recipe}:13: $.tasks[0].optimizer: Task 'math': kl_max must be a finite number > 0; got -3.",
            $"{recipe}:14: $.tasks[0].prompts_per_step: must be ≥ 1, found 0",
        ];
        var lines = r.Err.Split('\n');
        foreach (var e in expected) Assert.True(lines.Any(l => l.StartsWith(e, StringComparison.Ordinal)), $"missing: {e}\n--- got:\n{r.Err}");
        Assert.EndsWith($"{recipe}: {expected.Length} problems", r.Err.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir).Order().ToList());
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reward_that_names_a_missing_judge_gets_a_did_you_mean()
    {
        var recipe = Write("ref.json", $$$"""
            {"name": "r", "model": {"tiny": {}}, "tasks": [{"name": "math", "prompts": "{{{Data("math.train.jsonl")}}}",
              "judges": [{"type": "math_answer"}], "rewards": [{"type": "judge", "judge": "math-answr"}], "optimizer": {"type": "crpg"}}]}
            """);
        var (_, errors) = RecipeReader.Check(recipe);
        var e = Assert.Single(errors);
        Assert.Equal("$.tasks[0].rewards[0].judge", e.Path);
        Assert.Contains("no judge named 'math-answr'; did you mean 'math-answer'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_errors_and_duplicate_keys_name_their_line()
    {
        var syntax = Write("syntax.json", "{\n  \"name\": \"x\",\n  \"tasks\": [1,]\n}");
        var e = Assert.Single(RecipeReader.Check(syntax).Errors);
        Assert.Equal(3, e.Line);
        Assert.StartsWith("not valid JSON", e.Message, StringComparison.Ordinal);
        var dup = Write("dup.json", "{\n  \"name\": \"x\",\n  \"name\": \"y\"\n}");
        var d = Assert.Single(RecipeReader.Check(dup).Errors);
        Assert.Equal((3, "$.name"), (d.Line, d.Path));
        Assert.Contains("duplicate field 'name'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_prompt_file_is_reported_with_its_own_file_and_line()
    {
        var prompts = Write("prompts.jsonl", "{\"task\": \"math\", \"prompt\": \"1+1?\"}\n{\"task\": \"math\", \"prompt\": 3}\n");
        var recipe = Write("p.json", """{"name": "p", "model": {"tiny": {}}, "tasks": [{"name": "math", "prompts": "prompts.jsonl", "rewards": [{"type": "brevity"}], "optimizer": {"type": "crpg"}}]}""");
        var e = Assert.Single(RecipeReader.Check(recipe).Errors);
        Assert.Equal("$.tasks[0].prompts", e.Path);
        Assert.Contains("prompts.jsonl:2: field 'prompt' must be a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_recipe_file_and_wrong_root_type_exit_2()
    {
        Assert.Equal(2, CliRun.Invoke("recipe", "validate", Path.Combine(_dir, "none.json")).ExitCode);
        var arr = Write("arr.json", "[1, 2]");
        var r = CliRun.Invoke("recipe", "validate", "--json", arr);
        Assert.Equal(2, r.ExitCode);
        var json = JsonNode.Parse(r.Out)!;
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Contains("a recipe is a JSON object", json["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Optimizer_options_bind_to_the_library_records()
    {
        var recipe = Write("o.json", $$$"""
            {"name": "o", "model": {"tiny": {}}, "tasks": [{"name": "math", "prompts": "{{{Data("math.train.jsonl")}}}", "samples_per_prompt": 6,
              "rewards": [{"type": "brevity"}], "optimizer": {"type": "ppo", "kl_coef": 0.2, "whiten_advantages": false}}]}
            """);
        using var b = new RecipeBuilder(RecipeReader.Read(recipe));
        var options = Assert.IsType<PpoOptions>(OptimizerCatalog.Create(b.Task("math").Child("optimizer")!, 6));
        Assert.Equal(new PpoOptions { KlCoef = 0.2, WhitenAdvantages = false, SamplesPerPrompt = 6 }, options);
        // Integer options bind as integers (SftOptions.Steps, BatchSize) and numbers as numbers.
        var sft = OptionsBinder.Bind<SftOptions>(new RecipeValues(JsonNode.Parse("""{"steps": 12, "batch_size": 3, "learning_rate": 0.01}""")!.AsObject(), "$.sft"));
        Assert.Equal((12, 3, 0.01), (sft.Steps, sft.BatchSize, sft.LearningRate));
    }

    [Fact]
    public void Reward_mixture_settings_reach_the_training_reward()
    {
        var recipe = Write("m.json", $$$"""
            {"name": "m", "model": {"tiny": {}}, "tasks": [{"name": "chat", "prompts": "{{{Data("chat.train.jsonl")}}}",
              "rewards": [{"type": "brevity"}, {"type": "friendliness", "weight": 0.5}], "optimizer": {"type": "grpo"},
              "reward_mixture": {"aggregation": "normalize-then-sum", "normalize": "ema", "ema_decay": 0.9, "epsilon": 1e-6, "clip_min": -3, "clip_max": 3}}]}
            """);
        using var b = new RecipeBuilder(RecipeReader.Read(recipe));
        var mix = b.TrainingReward("chat");
        Assert.Equal(RewardAggregation.NormalizeThenSum, mix.AggregationMode);
        Assert.Equal((RewardNormalization.Ema, 0.9, 1e-6), (mix.Normalizer!.Method, mix.Normalizer.Decay, mix.Normalizer.Epsilon));
        Assert.Equal((-3.0, 3.0), (mix.ClipMin, mix.ClipMax));
        Assert.Equal(new[] { 1.0, 0.5 }, mix.Components.Select(c => c.Weight));
        // Without the object the training reward is the plain weighted sum, as before.
        Assert.Null(b.TaskReward("chat").Normalizer);
    }

    [Fact]
    public void Reward_mixture_problems_name_their_field()
    {
        var recipe = Write("mb.json", $$$"""
            {"name": "m", "model": {"tiny": {}}, "tasks": [{"name": "chat", "prompts": "{{{Data("chat.train.jsonl")}}}",
              "rewards": [{"type": "brevity"}], "optimizer": {"type": "grpo"},
              "reward_mixture": {"aggregation": "normalise-then-sum", "clip_min": -1, "ema_decay": 0.5}}]}
            """);
        var errors = RecipeReader.Check(recipe).Errors;
        Assert.Contains(errors, e => e.Path == "$.tasks[0].reward_mixture.aggregation" && e.Message.Contains("normalize-then-sum", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.tasks[0].reward_mixture" && e.Message.Contains("add clip_max", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.tasks[0].reward_mixture.ema_decay");
    }

    [Fact]
    public void Grpo_variants_multi_epoch_updates_and_the_schedule_are_recipe_fields()
    {
        var recipe = Write("g.json", $$$"""
            {"name": "g", "model": {"tiny": {}}, "training": {"learning_rate": 0.001, "lr_schedule": "cosine", "warmup_steps": 3, "min_learning_rate": 0.0001},
              "tasks": [{"name": "math", "prompts": "{{{Data("math.train.jsonl")}}}", "rewards": [{"type": "brevity"}],
              "optimizer": {"type": "grpo", "loss_type": "dapo", "importance_sampling_level": "sequence", "scale_rewards": "batch", "epsilon_high": 0.3,
                "dynamic_sampling": true, "overlong_buffer": 4, "epochs": 2, "mini_batches": 2, "target_kl": 0.05}}]}
            """);
        using var b = new RecipeBuilder(RecipeReader.Read(recipe));
        var options = Assert.IsType<GrpoOptions>(OptimizerCatalog.Create(b.Task("math").Child("optimizer")!, 4));
        Assert.Equal(new GrpoOptions
        {
            LossType = GrpoLossType.Dapo, ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence, ScaleRewards = RewardScaling.Batch, EpsilonHigh = 0.3,
            DynamicSampling = true, OverlongBuffer = 4, Epochs = 2, MiniBatches = 2, TargetKl = 0.05, SamplesPerPrompt = 4,
        }, options);
        // unset nullable options stay null: the variant's paper default applies (GSPO's ε 3e-4, β 0)
        Assert.Equal((null, null), (options.Beta, options.Epsilon));
        var codec = TextCodec.Cl100k().Compact(["x"]);
        using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), 1);
        Assert.Equal(LearningRateSchedule.Cosine(3, 1e-4), b.Run(policy, policy).Schedule);
        var bad = Write("bad-loss.json", """{"name": "x", "model": {"tiny": {}}, "tasks": [{"name": "m", "optimizer": {"type": "grpo", "loss_type": "drgrpo"}}]}""");
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Read(bad));
        Assert.Contains("dr_grpo", e.Message, StringComparison.Ordinal);
    }
}
