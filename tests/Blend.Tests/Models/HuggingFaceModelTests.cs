using System.Text.Json.Nodes;
using Blend.Models;
using Blend.Tests.Policy;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Tests.Models;

/// <summary>GPT-2 and Llama-family checkpoints in the Hugging Face layout against an independent NumPy forward pass.</summary>
[Collection("Torch")]
public class HuggingFaceModelTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    public static TheoryData<string> Variants => new(TinyHuggingFace.Variants);

    static (Tensor Ids, Tensor Logits) Reference(string dir)
    {
        using var file = SafetensorsFile.Open(Path.Combine(dir, "reference.safetensors"));
        return (file.Read("input_ids", CPU), file.Read("logits", CPU));
    }

    static double MaxDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();

    [Theory]
    [MemberData(nameof(Variants))]
    public void Float32_logits_match_the_numpy_reference(string variant)
    {
        using var scope = NewDisposeScope();
        using var policy = Blend.Policy.Load(hf.Dir(variant), CPU);
        Assert.Equal(variant.Split('-')[0].Replace("llama3", "llama"), policy.Config.Architecture);
        Assert.Equal(ScalarType.Float32, policy.Model.DType);
        var (ids, expected) = Reference(hf.Dir(variant));
        using var noGrad = no_grad();
        var logits = policy.Model.forward(ids);
        double diff = MaxDiff(logits, expected);
        Assert.True(diff < 1e-4, $"{variant}: max |Blend - NumPy| = {diff:E2}");
        Assert.True(expected.abs().max().item<float>() > 1, "the reference logits are not trivially small");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Bfloat16_logits_match_the_numpy_reference_within_bf16_precision(string variant)
    {
        using var scope = NewDisposeScope();
        using var policy = Blend.Policy.Load(hf.Dir(variant, bf16: true), CPU);
        Assert.Equal(ScalarType.BFloat16, policy.Model.DType);
        var (ids, expected) = Reference(hf.Dir(variant, bf16: true));
        using var noGrad = no_grad();
        var logits = policy.Model.forward(ids).to(ScalarType.Float32);
        // bf16 keeps 8 significant bits (relative step 2^-8 = 0.4 %); activations are rounded at every layer.
        double diff = MaxDiff(logits, expected), scale = expected.abs().max().item<float>();
        Assert.True(diff < 0.05 * scale, $"{variant}: max |Blend bf16 - NumPy| = {diff:F4} against logits up to {scale:F2}");
        // The same weights loaded as float32 match the reference of the rounded weights to float32 precision.
        using var wide = Blend.Policy.Load(hf.Dir(variant, bf16: true), CPU, ScalarType.Float32);
        Assert.True(MaxDiff(wide.Model.forward(ids), expected) < 1e-4);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Kv_cache_decoding_and_left_padding_equal_the_full_forward(string variant)
    {
        using var scope = NewDisposeScope();
        using var policy = Blend.Policy.Load(hf.Dir(variant), CPU);
        var (ids, _) = Reference(hf.Dir(variant));
        using var noGrad = no_grad();
        var full = policy.Model.forward(ids);
        long b = ids.shape[0], t = ids.shape[1];
        using var cache = policy.Model.NewCache((int)b, (int)t);
        var first = policy.Model.Logits(policy.Model.Hidden(ids[.., ..5], ones([b, 5], ScalarType.Int64), cache));
        Assert.True(MaxDiff(first, full[.., ..5]) < 1e-5);
        for (int s = 5; s < t; s++)
        {
            var step = policy.Model.Logits(policy.Model.Hidden(ids[.., s..(s + 1)], ones([b, 1], ScalarType.Int64), cache));
            Assert.True(MaxDiff(step[.., 0], full[.., s]) < 1e-4, $"{variant}: cached step {s} differs");
        }
        // Row 1 left-padded by 3 (its first 3 tokens dropped) computes what the unpadded shorter sequence does.
        var shorter = ids[1..2, 3..];
        var padded = cat([zeros([1, 3], ScalarType.Int64), shorter], 1);
        var mask = cat([zeros([1, 3], ScalarType.Int64), ones([1, t - 3], ScalarType.Int64)], 1);
        var a = policy.Model.Logits(policy.Model.Hidden(padded, mask))[.., 3..];
        Assert.True(MaxDiff(a, policy.Model.forward(shorter)) < 1e-4);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen3-qknorm")]
    public void Greedy_generation_is_the_same_with_and_without_the_cache(string variant)
    {
        using var policy = Blend.Policy.Load(hf.Dir(variant), CPU);
        string[] prompts = ["What is 23 + 45?", "Name a color."];
        var cached = policy.Generate(prompts, new GenerationOptions { Greedy = true, MaxNewTokens = 8 });
        var plain = policy.Generate(prompts, new GenerationOptions { Greedy = true, MaxNewTokens = 8, UseKvCache = false });
        Assert.Equal(cached.Select(g => g.Tokens), plain.Select(g => g.Tokens));
        Assert.All(cached, g => Assert.NotEmpty(g.Tokens));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama-gqa-tied")]
    [InlineData("qwen2-bias")]
    public void Save_in_the_hugging_face_layout_round_trips_every_tensor_with_shards(string variant)
    {
        using var scope = NewDisposeScope();
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Load(hf.Dir(variant), CPU);
            policy.Save(dir, maxShardBytes: 40_000);
            Assert.True(File.Exists(Path.Combine(dir, "model.safetensors.index.json")));
            var shards = Directory.GetFiles(dir, "model-*-of-*.safetensors");
            Assert.True(shards.Length > 1, $"expected several shards, got {shards.Length}");
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();
            var original = JsonNode.Parse(File.ReadAllText(Path.Combine(hf.Dir(variant), "config.json")))!.AsObject();
            foreach (var (key, value) in original)
                if (key != "torch_dtype") Assert.True(JsonNode.DeepEquals(value, config[key]), $"config field '{key}': {value?.ToJsonString()} became {config[key]?.ToJsonString()}");
            // The file names are the Hugging Face ones (GPT2LMHeadModel prefixes the backbone with "transformer.").
            var names = shards.SelectMany(s => { using var f = SafetensorsFile.Open(s); return f.Names; }).ToHashSet();
            using (var src = SafetensorsFile.Open(Path.Combine(hf.Dir(variant), "model.safetensors")))
                Assert.Equal(src.Names.ToHashSet(), names);
            using var loaded = Blend.Policy.Load(dir, CPU);
            Assert.Equal(policy.Config, loaded.Config);
            var a = policy.Model.state_dict();
            foreach (var (name, t) in loaded.Model.state_dict()) Assert.True(t.eq(a[name]).all().item<bool>(), name);
            // Saving again (from the loaded copy) without sharding gives one file with the same tensors.
            var one = dir + "-one";
            loaded.Save(one);
            using var again = Blend.Policy.Load(one, CPU);
            foreach (var (name, t) in again.Model.state_dict()) Assert.True(t.eq(a[name]).all().item<bool>(), name);
            Directory.Delete(one, true);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_missing_tensor_or_wrong_shape_names_the_tensor_and_the_file()
    {
        var dir = hf.Copy("llama-gqa-tied");
        try
        {
            var weights = Path.Combine(dir, "model.safetensors");
            Dictionary<string, Tensor> all;
            using (var f = SafetensorsFile.Open(weights)) all = f.Names.ToDictionary(n => n, n => f.Read(n, CPU));
            Safetensors.Write(weights, all.Where(kv => kv.Key != "model.layers.1.mlp.up_proj.weight").Select(kv => new NamedTensor(kv.Key, kv.Value)));
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("model.layers.1.mlp.up_proj.weight", e.Message, StringComparison.Ordinal);
            Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);

            all["model.norm.weight"] = zeros(31);
            Safetensors.Write(weights, all.Select(kv => new NamedTensor(kv.Key, kv.Value)));
            e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("'model.norm.weight' has shape [31]", e.Message, StringComparison.Ordinal);
            Assert.Contains(weights, e.Message, StringComparison.Ordinal);

            all["model.norm.weight"] = ones(32);
            all["model.layers.0.self_attn.extra.weight"] = ones(2);
            Safetensors.Write(weights, all.Select(kv => new NamedTensor(kv.Key, kv.Value)));
            e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("unexpected tensor 'model.layers.0.self_attn.extra.weight'", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_missing_shard_names_the_shard_and_a_tensor_in_it()
    {
        using var policy = Blend.Policy.Load(hf.Dir("qwen2-bias"), CPU);
        var dir = TinyPolicy.TempDir();
        try
        {
            policy.Save(dir, maxShardBytes: 40_000);
            var shard = Directory.GetFiles(dir, "model-*-of-*.safetensors").OrderBy(s => s, StringComparer.Ordinal).Last();
            File.Delete(shard);
            // Blend's own save: its manifest already names the missing shard.
            var incomplete = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains(Path.GetFileName(shard), incomplete.Message, StringComparison.Ordinal);
            // A folder from another tool (no manifest): the loader names the shard and a tensor it holds.
            File.Delete(Path.Combine(dir, "manifest.json"));
            var e = Assert.Throws<FileNotFoundException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains(Path.GetFileName(shard), e.Message, StringComparison.Ordinal);
            Assert.Contains("holding tensor '", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act")]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}", "yarn")]
    [InlineData("use_sliding_window", "true", "use_sliding_window")]
    [InlineData("model_type", "\"gemma\"", "gemma")]
    [InlineData("architectures", "[\"Qwen2ForTokenClassification\"]", "Qwen2ForTokenClassification")]
    [InlineData("attn_logit_softcapping", "50.0", "attn_logit_softcapping")]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads")]
    [InlineData("rope_interleaved", "true", "rope_interleaved")]
    public void An_unsupported_config_field_is_an_error_naming_it(string field, string json, string named)
    {
        var dir = hf.Copy("qwen2-bias");
        try
        {
            var path = Path.Combine(dir, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            config[field] = JsonNode.Parse(json);
            File.WriteAllText(path, config.ToJsonString());
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>distilgpt2's config.json, as the Hub serves it (transformers 2.x wrote the label count as <c>_num_labels</c>).</summary>
    const string Distilgpt2Config = """
        {"_num_labels": 1, "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256,
         "embd_pdrop": 0.1, "eos_token_id": 50256, "id2label": {"0": "LABEL_0"}, "initializer_range": 0.02, "label2id": {"LABEL_0": 0},
         "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_layer": 6, "n_positions": 1024,
         "resid_pdrop": 0.1, "summary_activation": null, "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index",
         "summary_use_proj": true, "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}}, "vocab_size": 50257}
        """;

    [Fact]
    public void Distilgpt2s_config_with_the_legacy_num_labels_field_reads_as_its_causal_lm()
    {
        var c = Assert.IsType<Gpt2Config>(HuggingFaceConfig.Parse(JsonNode.Parse(Distilgpt2Config)!.AsObject()));
        Assert.Equal((6, 768, 12, 50257, 1024, false), (c.Layers, c.Width, c.Heads, c.VocabSize, c.ContextLength, c.RewardHead));
        Assert.Equal(1, HuggingFaceConfig.ToJson(c)["_num_labels"]!.GetValue<int>());

        var sequenceClassifier = JsonNode.Parse(Distilgpt2Config)!.AsObject();
        sequenceClassifier["architectures"] = new JsonArray("GPT2ForSequenceClassification");
        Assert.True(HuggingFaceConfig.Parse(sequenceClassifier).RewardHead);
        var dir = TinyPolicy.TempDir();
        try
        {
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "config.json");
            sequenceClassifier["_num_labels"] = 2;
            File.WriteAllText(path, sequenceClassifier.ToJsonString());
            var e = Assert.Throws<FormatException>(() => HuggingFaceConfig.Read(path));
            Assert.Contains("field '_num_labels' is 2 but 'id2label' has 1 entries", e.Message, StringComparison.Ordinal);
            sequenceClassifier["num_labels"] = 1;
            File.WriteAllText(path, sequenceClassifier.ToJsonString());
            e = Assert.Throws<FormatException>(() => HuggingFaceConfig.Read(path));
            Assert.Contains("field 'num_labels' is 1 but '_num_labels' is 2", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Mistral_context_is_capped_at_its_sliding_window_and_read_back_unchanged()
    {
        var dir = hf.Copy("mistral");
        try
        {
            var path = Path.Combine(dir, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            config["max_position_embeddings"] = 32768;
            File.WriteAllText(path, config.ToJsonString());
            var c = Assert.IsType<LlamaConfig>(HuggingFaceConfig.Read(path));
            Assert.Equal(4096, c.ContextLength);
            Assert.Equal(32768, HuggingFaceConfig.ToJson(c)["max_position_embeddings"]!.GetValue<int>());
        }
        finally { Directory.Delete(dir, true); }
    }
}
