using System.Text.Json.Nodes;
using Blend.Cli;

namespace Blend.Tests.Cli;

/// <summary>Two tiny experts from one start (the second fine-tuned for a few SFT steps), saved as checkpoints, and a recipe that sweeps them.</summary>
public sealed class SweepFixture : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "blend-sweep-" + Guid.NewGuid().ToString("N"));

    public string Start => Path.Combine(Dir, "start");
    public string ExpertA => Path.Combine(Dir, "brevity");
    public string ExpertB => Path.Combine(Dir, "detail");
    public string Recipe => Path.Combine(Dir, "sweep.json");
    public static string Prompts => RepoRoot.Data("tasks/chat.test.jsonl").Replace("\\", "/", StringComparison.Ordinal);

    public SweepFixture()
    {
        Directory.CreateDirectory(Dir);
        var chat = PromptSet.Load(RepoRoot.Data("tasks/chat.train.jsonl"));
        var test = PromptSet.Load(Prompts);
        var codec = TextCodec.Cl100k().Compact(chat.Select(p => p.Text).Concat(chat.Responses.OfType<string>()).Concat(test.Select(p => p.Text)));
        using var start = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { Width = 32, Layers = 1, Heads = 2, ContextLength = 64 }, seed: 4);
        start.Save(Start);
        start.Save(ExpertA);
        using var b = start.Clone();
        Sft.Train(b, chat, options: new SftOptions { Steps = 4, BatchSize = 8, Seed = 4, LearningRate = 3e-3 });
        b.Save(ExpertB);
        File.WriteAllText(Recipe, $$$"""
            {"name": "tiny-sweep", "seed": 2, "output": "out", "model": {"checkpoint": "start"},
             "budget": {"max_new_tokens": 6},
             "tasks": [{"name": "chat", "prompts": "{{{Prompts}}}", "rewards": [{"type": "brevity", "max_words": 8}, {"type": "detail", "target_distinct_words": 4}],
                        "optimizer": {"type": "crpg"}}],
             "sweep": {"experts": ["brevity", "detail"], "lambdas": 3, "samples_per_prompt": 1, "eval_prompts": 4}}
            """);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary><c>blend sweep</c> on the fixture's experts: results against independent computations, the report in a real browser, bad input.</summary>
[Collection("Torch")]
public sealed class SweepCommandTests(SweepFixture fx) : IClassFixture<SweepFixture>
{
    [Fact]
    public void A_recipe_sweep_writes_the_front_and_hypervolume_of_its_points_and_the_endpoints_are_the_experts()
    {
        var outDir = Path.Combine(fx.Dir, "run");
        var r = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--out", outDir, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        var points = result["points"]!.AsArray();
        Assert.Equal([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], points.Select(p => p!["lambda"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray()));
        Assert.Equal(["brevity", "detail"], result["objectives"]!.AsArray().Select(o => o!.GetValue<string>()));
        var values = points.Select(p => new[] { p!["rewards"]!["brevity"]!.GetValue<double>(), p["rewards"]!["detail"]!.GetValue<double>() }).ToList();
        Assert.Equal(File.ReadAllLines(Path.Combine(outDir, "points.jsonl")).Length, values.Count);

        // The front and the hypervolume, recomputed here by brute force from the written points and reference.
        var front = Enumerable.Range(0, values.Count).Where(i => !Enumerable.Range(0, values.Count).Any(j =>
            values[j][0] >= values[i][0] && values[j][1] >= values[i][1] && (values[j][0] > values[i][0] || values[j][1] > values[i][1]) || j < i && values[j].SequenceEqual(values[i]))).ToHashSet();
        Assert.Equal(front, result["front"]!.AsArray().Select(i => i!.GetValue<int>()).ToHashSet());
        Assert.Equal(front, points.Where(p => p!["pareto"]!.GetValue<bool>()).Select(p => p!["index"]!.GetValue<int>()).ToHashSet());
        var reference = result["reference"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
        var staircase = front.Select(i => values[i]).OrderByDescending(v => v[0]).ToList();
        double hv = 0, top = reference[1];
        foreach (var v in staircase) { if (v[1] > top) { hv += (v[0] - reference[0]) * (v[1] - top); top = v[1]; } }
        Assert.Equal(hv, result["hypervolume"]!.GetValue<double>(), 10);

        // λ = (1, 0) is expert A's own weights and λ = (0, 1) expert B's: the soup scores equal the experts' scores in process.
        var objectives = Soup.Of(fx.ExpertA, fx.ExpertB).Objective("brevity", Reward.Brevity(8)).Objective("detail", Reward.Detail(4))
            .Generation(new GenerationOptions { MaxNewTokens = 6 }).SamplesPerPrompt(1).WithSeed(2);
        var prompts = PromptSet.Load(SweepFixture.Prompts).ForTask("chat").Take(4);
        using (var a = Blend.Policy.Load(fx.ExpertA)) Assert.Equal(objectives.Score(a, prompts), values[0]);
        using (var b = Blend.Policy.Load(fx.ExpertB)) Assert.Equal(objectives.Score(b, prompts), values[2]);
        using (var s = Blend.Policy.Load(fx.Start))
        {
            var start = objectives.Score(s, prompts);
            Assert.Equal(start[0], result["start"]!["brevity"]!.GetValue<double>());
            Assert.Equal(start[1], result["start"]!["detail"]!.GetValue<double>());
        }
        var done = JsonNode.Parse(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        Assert.Equal(hv, done["hypervolume"]!.GetValue<double>(), 10);

        // The report: offline, and chromium draws its Pareto chart (the control without plotly.js draws none).
        var report = Path.Combine(outDir, "report.html");
        ReportAssert.Offline(File.ReadAllText(report), plotly: true);
        Assert.Equal(1, ReportAssert.ChartsDrawn(report, out var dom));
        Assert.Contains("class=\"legendtext\"", dom, StringComparison.Ordinal);
        Assert.Contains(">start (the recipe's model)</text>", dom, StringComparison.Ordinal);   // the shared start, drawn on the front
    }

    [Fact]
    public void A_sweep_from_flags_runs_as_a_real_process()
    {
        var outDir = Path.Combine(fx.Dir, "flags");
        var (code, stdout, stderr) = CliRun.Process("sweep", "--experts", $"{fx.ExpertA},{fx.ExpertB}", "--prompts", SweepFixture.Prompts,
            "--objectives", "brevity,friendliness", "--lambdas", "2", "--samples-per-prompt", "1", "--eval-prompts", "3", "--max-new-tokens", "4", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Contains("hypervolume", stdout, StringComparison.Ordinal);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        Assert.Equal(2, result["points"]!.AsArray().Count);
        Assert.Equal(3, result["prompts"]!.GetValue<int>());
        Assert.Null(result["start"]);
        ReportAssert.Offline(File.ReadAllText(Path.Combine(outDir, "report.html")), plotly: true);
    }

    [Fact]
    public void Bad_input_exits_2_before_any_merge_and_writes_nothing()
    {
        var outDir = Path.Combine(fx.Dir, "bad");
        void Refused(string expected, params string[] args)
        {
            var r = CliRun.Invoke(["sweep", "--out", outDir, .. args]);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Err}");
            Assert.Contains(expected, r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(outDir), "nothing is written");
        }
        Refused("give --recipe R, or --experts A,B");
        Refused("at least two experts", "--experts", fx.ExpertA, "--prompts", SweepFixture.Prompts, "--objectives", "brevity");
        Refused($"folder '{Path.Combine(fx.Dir, "nope")}' does not exist", "--experts", $"{fx.ExpertA},{Path.Combine(fx.Dir, "nope")}", "--prompts", SweepFixture.Prompts, "--objectives", "brevity");
        Refused("unknown reward 'brevty'; did you mean 'brevity'?", "--experts", $"{fx.ExpertA},{fx.ExpertB}", "--prompts", SweepFixture.Prompts, "--objectives", "brevty");
        Refused("reward 'length' needs its 'target_words' option", "--experts", $"{fx.ExpertA},{fx.ExpertB}", "--prompts", SweepFixture.Prompts, "--objectives", "length");
        Refused("--lambdas must be at least 2", "--recipe", fx.Recipe, "--lambdas", "1");
        Refused("--prompts and --objectives are for sweeps without a recipe", "--recipe", fx.Recipe, "--objectives", "brevity");
        Refused("does not end in .html", "--recipe", fx.Recipe, "--report", Path.Combine(fx.Dir, "r.pdf"));
        Refused("unknown method 'tie'; did you mean 'ties'?", "--recipe", fx.Recipe, "--method", "tie");
        Refused("density must be in (0, 1]", "--recipe", fx.Recipe, "--method", "ties", "--from", "0");
        Refused("give the shared start with --base DIR", "--experts", $"{fx.ExpertA},{fx.ExpertB}", "--prompts", SweepFixture.Prompts, "--objectives", "brevity", "--method", "dare_ties");
        Refused("add --method", "--recipe", fx.Recipe, "--to", "0.5");

        var broken = Path.Combine(fx.Dir, "broken.json");
        File.WriteAllText(broken, File.ReadAllText(fx.Recipe).Replace("\"detail\"]", "\"detial\"]", StringComparison.Ordinal));
        Refused("$.sweep.experts[1]: folder 'detial' does not exist", "--recipe", broken);
        var noSweep = Path.Combine(fx.Dir, "nosweep.json");
        var json = JsonNode.Parse(File.ReadAllText(fx.Recipe))!.AsObject();
        json.Remove("sweep");
        File.WriteAllText(noSweep, json.ToJsonString());
        Refused("has no 'sweep' object with 'experts'; add one or pass --experts A,B", "--recipe", noSweep);

        var done = Path.Combine(fx.Dir, "done");
        Directory.CreateDirectory(done);
        File.WriteAllText(Path.Combine(done, "sweep.json"), "{}");
        var again = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--out", done);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a sweep; pass --force", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recipe_sweep_over_ties_density_and_slerp_t_reads_the_front_against_the_experts()
    {
        var ties = Path.Combine(fx.Dir, "ties");
        var r = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--method", "ties", "--from", "0.5", "--to", "1", "--out", ties);
        Assert.True(r.ExitCode == 0, r.Err);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(ties, "sweep.json")))!;
        Assert.Equal(("ties", "density"), (result["method"]!.GetValue<string>(), result["parameter"]!.GetValue<string>()));
        // lambdas: 3 in the recipe → three densities 0.5, 0.75, 1 at equal weights; θ₀ is the recipe's model (the experts' start).
        Assert.Equal(new[] { 0.5, 0.75, 1.0 }, result["points"]!.AsArray().Select(p => p!["setting"]!.GetValue<double>()));
        Assert.All(result["points"]!.AsArray(), p => Assert.Equal(new[] { 0.5, 0.5 }, p!["lambda"]!.AsArray().Select(l => l!.GetValue<double>())));
        var experts = result["expert_points"]!.AsArray();
        Assert.Equal(2, experts.Count);
        Assert.True(result["experts_hypervolume"]!.GetValue<double>() >= 0);
        Assert.True(result["hypervolume"]!.GetValue<double>() >= 0);
        // The start evaluated like the soups is expert A (saved from the same weights): the same rewards.
        Assert.Equal(result["start"]!.ToJsonString(), experts[0]!["rewards"]!.ToJsonString());
        Assert.Contains("for the experts alone", File.ReadAllText(Path.Combine(ties, "report.html")), StringComparison.Ordinal);

        var slerp = Path.Combine(fx.Dir, "slerp");
        Assert.Equal(0, CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--method", "slerp", "--out", slerp).ExitCode);
        var t = JsonNode.Parse(File.ReadAllText(Path.Combine(slerp, "sweep.json")))!;
        var points = t["points"]!.AsArray();
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, points.Select(p => p!["setting"]!.GetValue<double>()));
        // SLERP's ends are the experts bit for bit: the same rewards as each expert evaluated alone.
        Assert.Equal(t["expert_points"]![0]!["rewards"]!.ToJsonString(), points[0]!["rewards"]!.ToJsonString());
        Assert.Equal(t["expert_points"]![1]!["rewards"]!.ToJsonString(), points[2]!["rewards"]!.ToJsonString());
    }

    [Fact]
    public void Ctrl_C_stops_the_sweep_with_exit_130_and_writes_nothing_and_json_shows_progress()
    {
        var stopped = Path.Combine(fx.Dir, "stopped");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var output = new StringWriter();
        int code = SweepCommand.Run(new SweepCommand.Request { Recipe = fx.Recipe, Out = stopped, Json = true }, output, cancelled.Token);
        Assert.Equal(130, code);
        Assert.Contains("interrupted: Soup sweep stopped after 0 of 3 evaluations.", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(stopped, "sweep.json")));
        Assert.False(File.Exists(Path.Combine(stopped, "points.jsonl")));

        var run = Path.Combine(fx.Dir, "progress");
        var r = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--out", run, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var progress = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Where(j => j["progress"] is not null).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, progress.Select(j => j["progress"]!.GetValue<int>()));
        Assert.All(progress, j => Assert.Equal(3, j["of"]!.GetValue<int>()));
        Assert.Equal("λ=(1, 0)", progress[0]["soup"]!.GetValue<string>());
    }
}
