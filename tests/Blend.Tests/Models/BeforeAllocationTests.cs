using Blend.Models;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Models;

/// <summary>
/// Every architecture's safetensors headers are held to its config before the model is built (<see cref="CheckpointCheck.BeforeAllocation"/>),
/// from the config's parameter list (<see cref="ParameterShapes"/>), which must be exactly what the built model has.
/// </summary>
[Collection("Torch")]
public class BeforeAllocationTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    public static TheoryData<string> Folders => new(TinyHuggingFace.Variants.Concat(TinyHuggingFace.RewardVariants));

    static void AssertSameParameters(ModelConfig config)
    {
        using var model = config.CreateEmpty(ScalarType.Float32, CPU);
        var built = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var listed = ParameterShapes.Of(config).ToDictionary(p => p.Name, p => p.Shape);
        Assert.Equal(built.Keys.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in built) Assert.Equal(shape, listed[name]);
        Assert.Equal(model.ParameterCount, ParameterShapes.Count(ParameterShapes.Of(config), "config.json"));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void The_parameter_list_of_every_hugging_face_config_is_the_built_models(string variant)
    {
        var config = Blend.Policy.ReadConfig(Path.Combine(hf.Dir(variant), "config.json"));
        AssertSameParameters(config);
        AssertSameParameters(config with { ValueHead = true });
        AssertSameParameters(config with { RewardHead = !config.RewardHead });
    }

    [Theory]
    [InlineData(GptPositions.Learned, true)]
    [InlineData(GptPositions.Rotary, false)]
    public void The_parameter_list_of_blends_gpt_is_the_built_models(GptPositions positions, bool tied)
    {
        var config = GptConfig.Tiny(50) with { Positions = positions, TieEmbeddings = tied };
        AssertSameParameters(config);
        AssertSameParameters(config with { ValueHead = true, RewardHead = true });
    }

    /// <summary>
    /// A config describing 2^48 bytes of weights (beyond the 47-bit address space of a Linux process) beside the tiny weights:
    /// were any parameter allocated before the check, the allocation itself would fail with a native out-of-memory error (or,
    /// with overcommit, the 2^46-element embedding would be touched when filled); instead the header check answers, naming the
    /// first tensor that disagrees and its file, without allocating.
    /// </summary>
    [Theory]
    [InlineData("llama-gqa-tied", "model.embed_tokens.weight", "hidden_size", "vocab_size")]
    [InlineData("gpt2", "transformer.wte.weight", "n_embd", "vocab_size")]
    [InlineData("qwen2-bias-reward", "model.embed_tokens.weight", "hidden_size", "vocab_size")]
    public void A_huge_config_beside_tiny_weights_is_refused_naming_the_tensor_and_the_file_without_allocating(string variant, string tensor, string width, string vocab)
    {
        var dir = hf.Copy(variant);
        try
        {
            var path = TinyHuggingFace.EditConfig(dir, c => { c[width] = 1 << 22; c[vocab] = 1 << 24; });
            var parsed = Blend.Policy.ReadConfig(path);
            long bytes = checked(ParameterShapes.Count(ParameterShapes.Of(parsed), path) * 4);
            Assert.True(bytes > 1L << 48, $"the config describes {bytes:N0} bytes");
            var e = Assert.Throws<FormatException>(() => variant.EndsWith("-reward", StringComparison.Ordinal) ? (IDisposable)RewardModel.Load(dir, CPU) : Blend.Policy.Load(dir, CPU));
            Assert.Contains($"tensor '{tensor}' has shape [160,", e.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(dir, "model.safetensors"), e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("checked before building the model", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_config_whose_parameter_count_overflows_is_a_format_error_naming_the_config()
    {
        var dir = hf.Copy("llama-gqa-tied");
        try
        {
            var path = TinyHuggingFace.EditConfig(dir, c =>
            {
                c["hidden_size"] = int.MaxValue - 1;
                c["num_attention_heads"] = 1;
                c["num_key_value_heads"] = 1;
                c["head_dim"] = 1 << 30;
                c["intermediate_size"] = int.MaxValue;
            });
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("overflows a 64-bit size", e.Message, StringComparison.Ordinal);   // q, k, v: 3 × 2^61 elements
            Assert.Contains(path, e.Message, StringComparison.Ordinal);

            // A layer count beyond the files' tensor count is refused before the parameter list is even made.
            TinyHuggingFace.EditConfig(dir, c =>
            {
                c["hidden_size"] = 32;
                c.Remove("head_dim");
                c["intermediate_size"] = 64;
                c["num_hidden_layers"] = int.MaxValue;
            });
            e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains($"fewer than the {int.MaxValue} layers", e.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(dir, "model.safetensors"), e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_weight_of_an_integer_dtype_is_refused_before_building_the_model()
    {
        var dir = hf.Copy("qwen3-qknorm");
        try
        {
            var weights = Path.Combine(dir, "model.safetensors");
            Dictionary<string, Tensor> all;
            using (var f = SafetensorsFile.Open(weights)) all = f.Names.ToDictionary(n => n, n => f.Read(n, CPU));
            all["model.norm.weight"] = ones([32], ScalarType.Int32);
            Safetensors.Write(weights, all.Select(kv => new NamedTensor(kv.Key, kv.Value)));
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("'model.norm.weight' has dtype I32", e.Message, StringComparison.Ordinal);
            Assert.Contains(weights, e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }
}
