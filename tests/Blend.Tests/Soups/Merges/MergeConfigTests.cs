using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>mergekit YAML configs: the shipped examples run on tiny checkpoints; gradients, filters and slices as mergekit evaluates them; every bad key named with file and line.</summary>
[Collection("Torch")]
public class MergeConfigTests(MergeFolders folders) : IClassFixture<MergeFolders>
{
    /// <summary>Writes <paramref name="yaml"/> beside the model folders and loads it (model paths are relative to the file).</summary>
    MergeConfig Config(string yaml, string name = "merge.yml")
    {
        var path = Path.Combine(folders.Root, name);
        File.WriteAllText(path, yaml);
        return MergeConfig.Load(path);
    }

    MergeConfigException Bad(string yaml, bool validate = false)
    {
        return Assert.Throws<MergeConfigException>(() =>
        {
            var c = Config(yaml, "bad.yml");
            if (validate) c.Validate();
        });
    }

    static Tensor T(string dir, string name) => MergeFolders.Tensors(dir)[name];

    public static TheoryData<string> Examples() => [.. Directory.GetFiles(RepoRoot.File("recipes/merges"), "*.yml").Select(f => Path.GetFileName(f)!).Order()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_shipped_example_runs_on_tiny_checkpoints_and_the_output_loads_as_a_policy(string example)
    {
        File.Copy(RepoRoot.File(Path.Combine("recipes/merges", example)), Path.Combine(folders.Root, example), overwrite: true);
        var config = MergeConfig.Load(Path.Combine(folders.Root, example));
        var outDir = folders.NewOut();
        var result = config.Run(outDir);
        Assert.True(result.Tensors > 0);
        using var policy = Blend.Policy.Load(outDir, CPU);
        Assert.IsType<Blend.Models.Llama>(policy.Model);
        foreach (var (name, t) in policy.Model.state_dict()) Assert.True(t.isfinite().all().item<bool>(), $"{example}: {name} is not finite");
        var merged = MergeFolders.Tensors(outDir);
        var a = MergeFolders.Tensors(folders.Dir("expert-a"));
        var b = MergeFolders.Tensors(folders.Dir("expert-b"));
        switch (example)
        {
            case "linear.yml":
                // θ = (0.3 θa + 0.7 θb) / 1.0, every tensor.
                foreach (var (name, t) in merged) Assert.True(t.allclose(a[name] * 0.3 + b[name] * 0.7, 1e-6, 1e-6), name);
                break;
            case "passthrough-slices.yml":
                Assert.Equal(3, JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "config.json")))!["num_hidden_layers"]!.GetValue<int>());
                Assert.Equal(a["model.layers.1.mlp.up_proj.weight"].data<float>().ToArray(), merged["model.layers.1.mlp.up_proj.weight"].data<float>().ToArray());
                Assert.Equal(b["model.layers.1.self_attn.q_proj.weight"].data<float>().ToArray(), merged["model.layers.2.self_attn.q_proj.weight"].data<float>().ToArray());
                Assert.Equal(a["model.embed_tokens.weight"].data<float>().ToArray(), merged["model.embed_tokens.weight"].data<float>().ToArray());
                Assert.Equal(b["model.norm.weight"].data<float>().ToArray(), merged["model.norm.weight"].data<float>().ToArray());
                break;
            case "slerp.yml":
                // Layer 0 of 2 is t = 0 for self_attn (the gradient's first entry): θa exactly; mlp layer 0 is t = 1: θb.
                Assert.True(merged["model.layers.0.self_attn.q_proj.weight"].allclose(a["model.layers.0.self_attn.q_proj.weight"], 1e-6, 1e-6));
                Assert.True(merged["model.layers.0.mlp.up_proj.weight"].allclose(b["model.layers.0.mlp.up_proj.weight"], 1e-6, 1e-6));
                break;
        }
    }

    [Fact]
    public void A_weight_gradient_is_interpolated_across_the_layers_and_tensors_outside_the_layers_use_t_zero()
    {
        var config = Config("""
            merge_method: linear
            models:
              - model: expert-a
                parameters: {weight: [1, 0]}
              - model: expert-b
                parameters: {weight: [0, 1]}
            """);
        var outDir = folders.NewOut();
        config.Run(outDir);
        var a = MergeFolders.Tensors(folders.Dir("expert-a"));
        var b = MergeFolders.Tensors(folders.Dir("expert-b"));
        var m = MergeFolders.Tensors(outDir);
        Assert.Equal(a["model.layers.0.mlp.down_proj.weight"].data<float>().ToArray(), m["model.layers.0.mlp.down_proj.weight"].data<float>().ToArray());
        Assert.Equal(b["model.layers.1.mlp.down_proj.weight"].data<float>().ToArray(), m["model.layers.1.mlp.down_proj.weight"].data<float>().ToArray());
        Assert.Equal(a["model.embed_tokens.weight"].data<float>().ToArray(), m["model.embed_tokens.weight"].data<float>().ToArray());
    }

    [Fact]
    public void Settings_evaluate_gradients_picks_and_filters_as_mergekit_does()
    {
        var c = Config("""
            merge_method: slerp
            base_model: expert-a
            models: [{model: expert-a}, {model: expert-b}]
            parameters:
              t:
                - filter: self_attn
                  value: [0, 0.5, 1]
                - value: 0.25
            """);
        var t = c.Parameters["t"];
        Assert.Equal(0.25, (double)t.Evaluate("model.layers.0.self_attn.q_proj.weight", 0.25)!.Value.Value, 12);
        Assert.Equal(0.75, (double)t.Evaluate("model.layers.1.self_attn.q_proj.weight", 0.75)!.Value.Value, 12);
        Assert.Equal(1.0, (double)t.Evaluate("model.layers.1.self_attn.q_proj.weight", 1)!.Value.Value, 12);
        Assert.Equal(0.25, (double)t.Evaluate("model.layers.1.mlp.up_proj.weight", 0.6)!.Value.Value, 12);
        // [0, 1, 3] at t = 0.75: s = 1.5 → halfway between 1 and 3.
        var g = MergeSetting.Parse("f", "g", new YamlDotNet.RepresentationModel.YamlSequenceNode(new YamlDotNet.RepresentationModel.YamlScalarNode("0"), new YamlDotNet.RepresentationModel.YamlScalarNode("1"), new YamlDotNet.RepresentationModel.YamlScalarNode("3")));
        Assert.Equal(2.0, (double)g.Evaluate("w", 0.75)!.Value.Value, 12);
    }

    [Fact]
    public void Unsupported_keys_values_and_folders_name_the_file_the_line_and_the_key()
    {
        var e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1}\nmodules: {}\n");
        Assert.Equal(5, e.Line);
        Assert.Equal("modules", e.Key);
        Assert.StartsWith(Path.Combine(folders.Root, "bad.yml") + ":5: modules: unsupported key", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1, densty: 0.5}\n");
        Assert.Equal((4, "models[0].parameters.densty"), (e.Line, e.Key));
        Assert.Contains("linear takes no parameter 'densty'", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: frankenstein\nmodels: []\n");
        Assert.Equal((1, "merge_method"), (e.Line, e.Key));
        Assert.Contains("unsupported method 'frankenstein'", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: ties\nbase_model: base\nmodels:\n  - model: expert-a\n    parameters: {weight: 1, normalize: false}\n");
        Assert.Contains("parameter of the whole ties merge", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1}\ntokenizer_source: union\n");
        Assert.Equal((5, "tokenizer_source"), (e.Line, e.Key));

        e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1}\n  - model: nowhere/model\n    parameters: {weight: 1}\n", validate: true);
        Assert.Equal((5, "models[1].model"), (e.Line, e.Key));
        Assert.Contains("downloads nothing", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: ties\nbase_model: base\nmodels:\n  - model: expert-a\n    parameters: {weight: 1, density: 1.5}\n", validate: true);
        Assert.Equal((4, "models[0].parameters.density"), (e.Line, e.Key));

        e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n", validate: true);
        Assert.Contains("missing parameter 'weight'", e.Message, StringComparison.Ordinal);

        e = Bad("merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1}\nbase_model: base\n", validate: true);
        Assert.Equal((5, "base_model"), (e.Line, e.Key));

        e = Bad("merge_method: linear\nmodels: [\n");
        Assert.Equal("(yaml)", e.Key);

        e = Bad("merge_method: della\nbase_model: base\nmodels:\n  - model: expert-a\n    parameters: {weight: 1, density: 0.1}\n", validate: true);
        Assert.Contains("± epsilon", e.Message, StringComparison.Ordinal);
    }
}
