using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>
/// GPT-2 adapters with the structure of PEFT-written files found in public repositories (checked against them with
/// tools/peft-check; the files themselves are not in this repository), rebuilt small: the same config fields, key names,
/// layouts and extra tensors, on a 2-layer GPT-2 (Conv1D weights stored [in, out]).
/// </summary>
/// <remarks>
/// <para>abrhaleyarefaine1997/gpt2-tigrinya-lora @ f9bbefc (adapter_config.json, adapter_model.safetensors; PEFT 0.17.1, base
/// gpt2): r 8, α 32, <c>target_modules</c> [c_attn, c_proj], <c>fan_in_fan_out</c> true, F32, 72 tensors
/// <c>base_model.model.transformer.h.N.{attn.c_attn, attn.c_proj, mlp.c_proj}.lora_{A,B}.weight</c>: "c_proj" selects both
/// the attention's and the MLP's output projection.</para>
/// <para>anirudh-ak/peft-gpt2 @ 36faf9e (model/lora_model/; PEFT 0.10.0, base gpt2): task_type SEQ_CLS, <c>modules_to_save</c>
/// null, r 8, α 8 on c_attn, plus <c>base_model.model.score.weight</c> [6, 768] (PEFT saves a classifier's head whole): a
/// six-label classifier, which Blend refuses by name on a causal LM and on its one-label reward model alike.</para>
/// </remarks>
[Collection("Torch")]
public class PeftGpt2LayoutTests
{
    const int Width = 32, Layers = 2, Rank = 4;

    static Blend.Policy Gpt2(int seed = 5) => Blend.Policy.Create(TinyPolicy.Codec,
        new Gpt2Config { VocabSize = TinyPolicy.Codec.VocabSize, ContextLength = 32, Layers = Layers, Width = Width, Heads = 4 }, seed);

    /// <summary>The field set of the PEFT 0.17.1 file (values of the real one except r, α and the targets).</summary>
    static JsonObject Peft0171(string taskType, string targetsJson, double alpha) => JsonNode.Parse($$"""
        {
          "alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "gpt2", "bias": "none", "corda_config": null,
          "eva_config": null, "exclude_modules": null, "fan_in_fan_out": true, "inference_mode": true, "init_lora_weights": true,
          "layer_replication": null, "layers_pattern": null, "layers_to_transform": null, "loftq_config": {}, "lora_alpha": {{alpha}},
          "lora_bias": false, "lora_dropout": 0.05, "megatron_config": null, "megatron_core": "megatron.core", "modules_to_save": null,
          "peft_type": "LORA", "qalora_group_size": 16, "r": {{Rank}}, "rank_pattern": {}, "revision": null,
          "target_modules": {{targetsJson}}, "target_parameters": null, "task_type": "{{taskType}}", "trainable_token_indices": null,
          "use_dora": false, "use_qalora": false, "use_rslora": false
        }
        """)!.AsObject();

    /// <summary>A [rows, cols] float32 tensor, N(0, std²), deterministic in <paramref name="seed"/>.</summary>
    static Tensor Random(long rows, long cols, int seed, double std)
    {
        using var gen = new Generator((ulong)seed, CPU);
        return empty([rows, cols], ScalarType.Float32).normal_(0, std, gen);
    }

    /// <summary>PEFT's module paths and (in, out) widths for targets c_attn and c_proj on GPT-2.</summary>
    static IEnumerable<(string Module, long In, long Out)> CAttnAndCProj() =>
        Enumerable.Range(0, Layers).SelectMany(i => new[]
        {
            ($"transformer.h.{i}.attn.c_attn", (long)Width, 3L * Width),
            ($"transformer.h.{i}.attn.c_proj", (long)Width, (long)Width),
            ($"transformer.h.{i}.mlp.c_proj", 4L * Width, (long)Width),
        });

    /// <summary>A and B of a c_attn-only adapter under PEFT's names.</summary>
    static IEnumerable<NamedTensor> CAttnOnly() => Enumerable.Range(0, Layers).SelectMany(i => new[]
    {
        new NamedTensor($"base_model.model.transformer.h.{i}.attn.c_attn.lora_A.weight", Random(Rank, Width, 10 + i, 0.1)),
        new NamedTensor($"base_model.model.transformer.h.{i}.attn.c_attn.lora_B.weight", Random(3 * Width, Rank, 20 + i, 0.1)),
    });

    static void Write(string dir, JsonObject config, IEnumerable<NamedTensor> tensors)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), config.ToJsonString());
        Safetensors.Write(Path.Combine(dir, "adapter_model.safetensors"), tensors, [new("format", "pt")]);
    }

    [Fact]
    public void A_c_attn_and_c_proj_adapter_adapts_the_attention_and_mlp_c_proj_and_merges_to_w_plus_the_transposed_update()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            var ab = new Dictionary<string, (Tensor A, Tensor B)>(StringComparer.Ordinal);
            int seed = 100;
            foreach (var (module, input, output) in CAttnAndCProj())
                ab[module] = (Random(Rank, input, seed++, 0.3), Random(output, Rank, seed++, 0.3));
            const double alpha = 32;
            Write(dir, Peft0171("CAUSAL_LM", """["c_attn", "c_proj"]""", alpha),
                ab.SelectMany(kv => new[] { new NamedTensor($"base_model.model.{kv.Key}.lora_A.weight", kv.Value.A), new NamedTensor($"base_model.model.{kv.Key}.lora_B.weight", kv.Value.B) }));

            using var policy = Gpt2();
            var before = BaseSnapshot(policy);
            var adapter = LoraAdapter.Load(policy, dir);
            Assert.Equal(ab.Keys.Order(StringComparer.Ordinal), adapter.Modules.Order(StringComparer.Ordinal));
            AssertBitIdentical(before, policy);

            using var merged = adapter.Merge();
            var weights = merged.Model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            var adapted = adapter.Layers.Select(l => l.ParameterPrefix + ".weight").ToHashSet(StringComparer.Ordinal);
            double scaling = alpha / Rank;
            foreach (var layer in adapter.Layers)
            {
                var (a, b) = ab[adapter.ModulePath(layer)];
                Assert.True(layer.FanInFanOut);
                // Conv1D stores W as [in, out]: the update B @ A ([out, in]) is added transposed
                var expected = before[layer.ParameterPrefix + ".weight"].to(ScalarType.Float64) + scaling * b.to(ScalarType.Float64).matmul(a.to(ScalarType.Float64)).t();
                double diff = MaxAbsDiff(weights[layer.ParameterPrefix + ".weight"], expected);
                Assert.True(diff < 1e-5, $"{layer.ParameterPrefix}: max |merged - (W + s·(BA)ᵀ)| = {diff}");
            }
            foreach (var (name, w) in weights.Where(kv => !adapted.Contains(kv.Key)))
                Assert.True(w.eq(before[name]).all().item<bool>(), $"{name} changed");
            double logits = MaxAbsDiff(Logits(policy), Logits(merged));
            Assert.True(logits < 1e-4, $"adapted vs merged logits differ by {logits}");
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void A_six_label_classifier_head_is_refused_naming_the_head_and_its_labels_on_a_causal_lm_and_on_a_reward_model()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            var tensors = CAttnOnly().Prepend(new NamedTensor("base_model.model.score.weight", Random(6, Width, 30, 0.1)));
            var config = Peft0171("SEQ_CLS", """["c_attn"]""", alpha: 8);
            Write(dir, config, tensors);

            using var lm = Gpt2();
            var e = Assert.Throws<FormatException>(() => LoraAdapter.Load(lm, dir));
            Assert.Contains("'base_model.model.score.weight' [6,32] is a sequence-classification head (6 labels", e.Message, StringComparison.Ordinal);
            Assert.Contains("causal LM", e.Message, StringComparison.Ordinal);

            using var backbone = Gpt2();
            using var reward = RewardModel.FromPolicy(backbone);
            e = Assert.Throws<FormatException>(() => LoraAdapter.Load(reward.Backbone, dir));
            Assert.Contains("'base_model.model.score.weight' has shape [6,32]: a classification head with 6 labels; Blend's reward model has one scalar label ([1,32])", e.Message, StringComparison.Ordinal);
        }
        finally { Delete(dir); }
    }

    [Theory]
    [InlineData("base_model.model.lm_head.lora_A.weight", "adapts module 'lm_head', which target_modules (c_attn) do not select")]
    [InlineData("base_model.model.h.1.attn.c_attn.lora_A.weight", "names module 'h.1.attn.c_attn', which is 'transformer.h.1.attn.c_attn' in this gpt2 model: the adapter was saved from the bare backbone")]
    [InlineData("base_model.model.transformer.wte.lora_embedding_A", "is a LoRA on the embedding 'transformer.wte'")]
    [InlineData("base_model.model.transformer.h.0.attn.c_attn.lora_magnitude_vector", "is a DoRA magnitude vector")]
    [InlineData("base_model.model.transformer.h.0.attn.c_attn.lora_B.bias", "is a LoRA bias (lora_bias)")]
    [InlineData("base_model.model.transformer.wte.weight", "is a module saved whole beside the adapter (modules_to_save)")]
    [InlineData("transformer.h.0.attn.c_attn.lora_A.weight", "does not start with 'base_model.model.'")]
    public void A_tensor_the_adapter_has_no_place_for_is_refused_saying_what_it_is(string extra, string expected)
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            var tensors = CAttnOnly().Append(new NamedTensor(extra, Random(Rank, Width, 40, 0.1)));
            Write(dir, Peft0171("CAUSAL_LM", """["c_attn"]""", alpha: 8), tensors);
            using var policy = Gpt2();
            var e = Assert.Throws<FormatException>(() => LoraAdapter.Load(policy, dir));
            Assert.Contains($"'{extra}'", e.Message, StringComparison.Ordinal);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
        finally { Delete(dir); }
    }
}
