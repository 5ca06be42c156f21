using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>
/// Adapter folders as PEFT writes them, built here from PEFT's documented field set (PEFT cannot run on this machine; files
/// written by PEFT itself are checked by hand with tools/peft-check, and <see cref="PeftGpt2LayoutTests"/> rebuilds two).
/// Every field PEFT 0.9–0.21 writes is accepted at its default; an unsupported one at another value is refused by name. The weights file has only PEFT's <c>{"format": "pt"}</c> metadata and PEFT's key
/// names (<c>base_model.model.</c> + the transformers module path, no adapter name).
/// </summary>
[Collection("Torch")]
public class PeftConfigTests
{
    /// <summary>A tiny Llama with grouped-query attention (its module paths are transformers': <c>model.layers.N.self_attn.q_proj</c>).</summary>
    static Blend.Policy Llama() => Blend.Policy.Create(TinyPolicy.Codec,
        new LlamaConfig("llama") { VocabSize = TinyPolicy.Codec.VocabSize, Width = 32, Layers = 2, Heads = 4, KvHeads = 2, IntermediateSize = 64 }, seed: 7);

    static readonly string[] LlamaTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>
    /// PEFT 0.10: <c>LoraConfig</c> + <c>PeftConfig</c> fields as <c>save_pretrained</c> writes them (dataclass fields, sorted;
    /// <c>target_modules</c>, a set in memory, written as a list in set order).
    /// </summary>
    static JsonObject Peft010(string targetsJson, string taskType = "CAUSAL_LM") => JsonNode.Parse($$"""
        {
          "alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "tiny-llama", "bias": "none",
          "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true, "layer_replication": null,
          "layers_pattern": null, "layers_to_transform": null, "loftq_config": {}, "lora_alpha": 16, "lora_dropout": 0.05,
          "megatron_config": null, "megatron_core": "megatron.core", "modules_to_save": null, "peft_type": "LORA", "r": 4,
          "rank_pattern": {}, "revision": null, "target_modules": {{targetsJson}}, "task_type": "{{taskType}}",
          "use_dora": false, "use_rslora": false
        }
        """)!.AsObject();

    /// <summary>The fields later versions added, cumulatively, at their defaults.</summary>
    static JsonObject Version(string version, string targetsJson)
    {
        var cfg = Peft010(targetsJson);
        void Add(string json) { foreach (var (k, v) in JsonNode.Parse(json)!.AsObject()) cfg[k] = v?.DeepClone(); }
        // 0.9.0: the field set of a PEFT 0.9.0-written adapter_config.json (MuzammelMokhtar/HIGH-PERFORMANCE-INFERENCE-ENGINE-
        // USING-QWEN-2.5 @ ba4aada, lora_adapter/; loaded and merged with tools/peft-check): 0.10's without layer_replication
        if (version == "0.9.0") cfg.Remove("layer_replication");
        // 0.13: huggingface/peft src/peft/tuners/lora/config.py (exclude_modules; runtime_config is dropped by to_dict)
        if (version is "0.13" or "0.18.1" or "0.19.1" or "0.21.2") Add("""{"exclude_modules": null}""");
        // 0.18.1 and 0.19.1: the sorted field lists of PEFT-written adapter_config.json files quoted in public repositories
        // (peft_version 0.18.1 / 0.19.1): eva_config, lora_bias, corda_config, trainable_token_indices, target_parameters,
        // use_qalora / qalora_group_size, alora_invocation_tokens, arrow_config, ensure_weight_tying, peft_version
        if (version is "0.18.1" or "0.19.1" or "0.21.2")
            Add($$"""
                {"alora_invocation_tokens": null, "arrow_config": null, "corda_config": null, "ensure_weight_tying": false, "eva_config": null,
                 "lora_bias": false, "peft_version": "{{version}}", "qalora_group_size": 16, "target_parameters": null,
                 "trainable_token_indices": null, "use_qalora": false}
                """);
        if (version is "0.19.1" or "0.21.2") Add("""{"lora_ga_config": null, "use_bdlora": null}""");
        // 0.21.2 (a PEFT-written file quoted in a public repository): kasa_config, monteclora_config, velora_config
        if (version is "0.21.2") Add("""{"kasa_config": null, "monteclora_config": null, "velora_config": null}""");
        return cfg;
    }

    /// <summary>Writes a PEFT-style folder: <paramref name="config"/> and the adapter's tensors under PEFT's names with PEFT's metadata only.</summary>
    static void WritePeftFolder(string dir, JsonObject config, LoraAdapter adapter)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var tensors = adapter.Layers.SelectMany(l => new[]
        {
            new NamedTensor($"base_model.model.{adapter.ModulePath(l)}.lora_A.weight", l.A.Weight),
            new NamedTensor($"base_model.model.{adapter.ModulePath(l)}.lora_B.weight", l.B.Weight),
        });
        Safetensors.Write(Path.Combine(dir, "adapter_model.safetensors"), tensors, [new("format", "pt")]);
    }

    [Theory]
    [InlineData("0.9.0")]
    [InlineData("0.10")]
    [InlineData("0.13")]
    [InlineData("0.18.1")]
    [InlineData("0.19.1")]
    [InlineData("0.21.2")]
    public void A_peft_written_config_of_each_version_loads_and_gives_the_adapted_logits(string version)
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var trained = Llama();
            var adapter = Randomize(LoraAdapter.Attach(trained, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = LlamaTargets }), seed: 3);
            using var expected = Logits(trained);
            // a set written by json.dumps: any order; α as PEFT's float when given as 16.0
            var cfg = Version(version, """["v_proj", "down_proj", "q_proj", "up_proj", "o_proj", "gate_proj", "k_proj"]""");
            if (version == "0.19.1") cfg["lora_alpha"] = 16.0;
            WritePeftFolder(dir, cfg, adapter);
            using (var file = SafetensorsFile.Open(Path.Combine(dir, "adapter_model.safetensors")))
                Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", file.Names);

            using var fresh = Llama();
            var loaded = LoraAdapter.Load(fresh, dir);
            Assert.Equal((4, 16.0, 0.05), (loaded.Options.Rank, loaded.Options.Alpha, loaded.Options.Dropout));
            using var actual = Logits(fresh);
            Assert.True(actual.eq(expected).all().item<bool>(), $"PEFT {version}: logits differ by {MaxAbsDiff(actual, expected)}");
        }
        finally { Delete(dir); }
    }

    public static TheoryData<string, string> Unsupported => new()
    {
        { "use_dora", "true" }, { "use_rslora", "true" }, { "lora_bias", "true" }, { "use_qalora", "true" },
        { "rank_pattern", """{"q_proj": 8}""" }, { "alpha_pattern", """{"q_proj": 32}""" }, { "loftq_config", """{"loftq_bits": 4, "loftq_iter": 1}""" },
        { "layers_to_transform", "[0]" }, { "layers_pattern", "\"layers\"" }, { "exclude_modules", """["down_proj"]""" },
        { "layer_replication", "[[0, 1], [0, 1]]" }, { "megatron_config", """{"tensor_model_parallel_size": 2}""" },
        { "target_parameters", """["mlp.experts.gate_up_proj"]""" }, { "trainable_token_indices", "[1, 2]" },
        { "corda_config", """{"corda_method": "kpm"}""" }, { "lora_ga_config", """{"direction": "ArB2r"}""" },
        { "alora_invocation_tokens", "[5, 6]" }, { "arrow_config", """{"top_k": 3}""" }, { "use_bdlora", """{"nblocks": 2}""" },
        { "init_lora_weights", "\"pissa\"" }, { "init_lora_weights", "\"olora\"" }, { "bias", "\"lora_only\"" },
        { "target_modules", "\"all-linear\"" }, { "target_modules", "\".*self_attn.*(q_proj|v_proj)$\"" },
        { "modules_to_save", """["lm_head"]""" }, { "task_type", "\"SEQ_2_SEQ_LM\"" }, { "some_future_option", "{\"on\": true}" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void A_non_default_unsupported_field_is_refused_by_name(string field, string json)
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using (var host = Llama())
            {
                var cfg = Version("0.19.1", """["q_proj", "v_proj"]""");
                cfg[field] = JsonNode.Parse(json);
                WritePeftFolder(dir, cfg, LoraAdapter.Attach(host, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["q_proj", "v_proj"] }));
            }
            using var fresh = Llama();
            var e = Assert.Throws<FormatException>(() => LoraAdapter.Load(fresh, dir));
            Assert.Contains($"field '{field}'", e.Message, StringComparison.Ordinal);
            Assert.Contains("adapter_config.json", e.Message, StringComparison.Ordinal);
            Assert.Null(LoraAdapter.Of(fresh));
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void Init_only_and_informational_fields_load_at_any_value()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var host = Llama();
            var adapter = Randomize(LoraAdapter.Attach(host, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["q_proj", "v_proj"] }), seed: 4);
            using var expected = Logits(host);
            var cfg = Version("0.19.1", """["q_proj", "v_proj"]""");
            cfg["init_lora_weights"] = "gaussian";
            cfg["eva_config"] = JsonNode.Parse("""{"rho": 2.0, "tau": 0.99}""");
            cfg["inference_mode"] = false;
            cfg["revision"] = "main";
            cfg["auto_mapping"] = JsonNode.Parse("""{"base_model_class": "LlamaForCausalLM", "parent_library": "transformers.models.llama.modeling_llama"}""");
            cfg["megatron_core"] = "megatron.core";
            cfg["task_type"] = null;
            WritePeftFolder(dir, cfg, adapter);
            using var fresh = Llama();
            LoraAdapter.Load(fresh, dir);
            using var actual = Logits(fresh);
            Assert.True(actual.eq(expected).all().item<bool>());
        }
        finally { Delete(dir); }
    }
}
