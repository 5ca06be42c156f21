using Blend.Cli;
using Blend.Cli.Recipes;

namespace Blend.Tests.Cli;

/// <summary>Recipes reach LoRA: <c>sft.lora</c> and <c>training.lora</c> train adapters, written in PEFT's layout beside the merged policy; bad values are errors naming the field.</summary>
[Collection("Torch")]
public sealed class RecipeLoraTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-recipe-lora-" + Guid.NewGuid().ToString("N"));

    public RecipeLoraTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Recipe(string sftLora, string trainingLora)
    {
        var path = Path.Combine(_dir, "lora.json");
        var math = RepoRoot.Data("tasks/math.train.jsonl").Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(path, $$$"""
            {"name": "tiny-lora", "seed": 5, "output": "out", "model": {"tiny": {"context_length": 48, "width": 32}},
             "sft": {"prompts": ["{{{math}}}"], "steps": 3, "batch_size": 4, "eval_every": 0, "lora": {{{sftLora}}}},
             "budget": {"steps": 2, "eval_prompts": 0, "max_new_tokens": 4},
             "training": {"learning_rate": 0.003, "lora": {{{trainingLora}}}},
             "tasks": [{"name": "math", "prompts": "{{{math}}}", "judges": [{"type": "math_answer"}],
                        "rewards": [{"type": "gold_overlap"}], "optimizer": {"type": "crpg"}, "prompts_per_step": 2, "samples_per_prompt": 2}]}
            """);
        return path;
    }

    [Fact]
    public void A_recipe_with_lora_stages_writes_peft_adapters_and_merged_policies()
    {
        var recipe = Recipe("""{"rank": 4, "alpha": 8, "target_modules": ["c_attn", "c_fc"]}""", """{"rank": 2, "dropout": 0.1}""");
        using (var builder = new RecipeBuilder(RecipeReader.Read(recipe)))
        {
            var lora = builder.Sft()!.Value.Options.Lora!;
            Assert.Equal((4, 8.0, 0.0, 5), (lora.Rank, lora.Alpha, lora.Dropout, lora.Seed));
            Assert.Equal(["c_attn", "c_fc"], lora.TargetModules!);
            Assert.Equal((2, 0.1), (builder.Lora(RecipeReader.Read(recipe).Training)!.Rank, builder.Lora(RecipeReader.Read(recipe).Training)!.Dropout));
        }
        var output = Path.Combine(_dir, "run");
        Assert.Equal(0, TrainCommand.Run(recipe, false, output, json: false, TextWriter.Null, CancellationToken.None));
        foreach (var adapter in new[] { "sft-adapter", "adapter" })
        {
            Assert.True(File.Exists(Path.Combine(output, adapter, "adapter_config.json")), adapter);
            Assert.True(File.Exists(Path.Combine(output, adapter, "adapter_model.safetensors")), adapter);
        }
        // CGPO's checkpoint holds the adapter in PEFT's layout, not the whole policy
        Assert.True(File.Exists(Path.Combine(output, "checkpoint", "adapter_config.json")));
        Assert.False(File.Exists(Path.Combine(output, "checkpoint", "model.safetensors")));
        using var sft = Blend.Policy.Load(Path.Combine(output, "sft"));
        using var policy = Blend.Policy.Load(Path.Combine(output, "policy"));
        // The CGPO adapter loads onto the SFT policy and gives the merged policy's weights.
        var attached = LoraAdapter.Load(sft, Path.Combine(output, "adapter"));
        Assert.Equal(["c_attn"], attached.Options.TargetModules!);   // PEFT's default for GPT-style models
        using var merged = attached.Merge();
        var a = merged.Model.state_dict();
        var b = policy.Model.state_dict();
        Assert.All(a.Keys, k => Assert.True(a[k].eq(b[k]).all().item<bool>(), k));
        // --resume of the finished run restores the adapter from the checkpoint onto the saved SFT policy: the same merged policy
        Assert.Equal(0, TrainCommand.Run(recipe, true, output, json: false, TextWriter.Null, CancellationToken.None));
        using var again = Blend.Policy.Load(Path.Combine(output, "policy"));
        var c = again.Model.state_dict();
        Assert.All(a.Keys, k => Assert.True(a[k].eq(c[k]).all().item<bool>(), k));
    }

    [Fact]
    public void Bad_lora_values_are_errors_naming_the_field()
    {
        var recipe = Recipe("""{"rank": 0}""", """{"dropout": 1.5, "target_modules": []}""");
        var errors = RecipeReader.Check(recipe).Errors;
        Assert.Contains(errors, e => e.Path == "$.sft.lora" && e.Message.Contains("rank", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.training.lora" && e.Message.Contains("dropout", StringComparison.Ordinal));
        var unknown = Recipe("""{"rnak": 4}""", "{}");
        Assert.Contains(RecipeReader.Check(unknown).Errors, e => e.Path == "$.sft.lora.rnak");
    }
}
