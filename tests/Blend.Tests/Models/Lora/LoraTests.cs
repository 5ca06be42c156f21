using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>
/// LoRA adapters: W' = W + (α/r)·B·A with B = 0 at attach (logits identical), training moves only the adapter, PEFT's folder
/// layout round-trips, an independent NumPy merge of the saved adapter equals Blend's merge (weights and transformers-layout
/// logits), the merged model equals the adapted forward, and bad adapters are refused naming the field.
/// </summary>
[Collection("Torch")]
public class LoraTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    static readonly IReadOnlyList<Sample> Pairs =
    [
        new("chat", "What is 23 + 45?", "The answer is 68."),
        new("chat", "Say hello in French.", "Bonjour!"),
        new("chat", "Name a color.", "Blue."),
    ];

    static readonly string[] LlamaAll = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    [Theory]
    [InlineData("blend")]
    [InlineData("gpt2")]
    [InlineData("llama-gqa-tied")]
    public void An_attached_adapter_leaves_the_logits_identical_until_it_trains(string variant)
    {
        using var policy = variant == "blend" ? Tiny() : Blend.Policy.Load(hf.Dir(variant), CPU);
        using var before = Logits(policy);
        var targets = variant == "blend" ? new[] { "c_attn", "c_proj", "c_fc" } : variant == "gpt2" ? ["c_attn", "c_proj", "c_fc"] : LlamaAll;
        var adapter = LoraAdapter.Attach(policy, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = targets });
        Assert.Same(adapter, LoraAdapter.Of(policy));
        using var after = Logits(policy);
        Assert.True(before.eq(after).all().item<bool>(), "B = 0 must leave the forward unchanged");
        // A is Kaiming-uniform as PEFT (bound 1/√in), B is zero.
        foreach (var layer in adapter.Layers)
        {
            Assert.True(layer.A.Weight.abs().max().item<float>() <= 1 / Math.Sqrt(layer.InFeatures) + 1e-7);
            Assert.True(layer.A.Weight.abs().max().item<float>() > 0.5 / Math.Sqrt(layer.InFeatures));
            Assert.Equal(0f, layer.B.Weight.abs().max().item<float>());
        }
        // Only A and B train; the base is frozen.
        var trainable = policy.Model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(2 * adapter.Layers.Count, trainable.Count);
        Assert.All(trainable, n => Assert.True(n.EndsWith(".lora_A.weight", StringComparison.Ordinal) || n.EndsWith(".lora_B.weight", StringComparison.Ordinal), n));
        // The GPT-2 adapter covers every attention and MLP projection: c_attn, attn.c_proj, c_fc, mlp.c_proj per layer.
        if (variant != "llama-gqa-tied") Assert.Equal(4 * policy.Config.Layers, adapter.Layers.Count);
        else Assert.Equal(7 * policy.Config.Layers, adapter.Layers.Count);
        // Moving B changes the output: the hook is live.
        Randomize(adapter, 1);
        using var moved = Logits(policy);
        Assert.True(MaxAbsDiff(before, moved) > 1e-4);
    }

    [Fact]
    public void Sft_with_lora_moves_only_adapter_weights_and_the_loss_falls()
    {
        using var policy = Tiny(5);
        var frozen = BaseSnapshot(policy);
        var result = Sft.Train(policy, Pairs, options: new SftOptions
        {
            Steps = 40, BatchSize = 3, LearningRate = 1e-2, WarmupSteps = 0, EvalEvery = 0, Seed = 3,
            Lora = new LoraOptions { Rank = 4, Alpha = 16, Dropout = 0.1, TargetModules = ["c_attn", "c_proj", "c_fc"] },
        });
        var adapter = LoraAdapter.Of(policy);
        Assert.NotNull(adapter);
        AssertBitIdentical(frozen, policy);
        Assert.True(adapter!.Layers.All(l => l.B.Weight.abs().max().item<float>() > 0), "every B moved");
        double first = result.Steps.Take(3).Average(s => s.Loss), last = result.Steps.TakeLast(3).Average(s => s.Loss);
        Assert.True(last < 0.9 * first, $"loss {first:F3} → {last:F3}");
    }

    [Fact]
    public void Peft_layout_round_trip_keeps_every_tensor_and_the_logits()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Load(hf.Dir("gpt2"), CPU);
            var adapter = Randomize(LoraAdapter.Attach(policy, new LoraOptions { Rank = 4, Alpha = 12, Dropout = 0.05, TargetModules = ["c_attn", "c_fc"] }), 7);
            adapter.Save(dir, baseModel: "openai-community/gpt2");
            var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!.AsObject();
            Assert.Equal("LORA", (string?)cfg["peft_type"]);
            Assert.Equal("CAUSAL_LM", (string?)cfg["task_type"]);
            Assert.Equal(4, (int)cfg["r"]!);
            Assert.Equal(12.0, (double)cfg["lora_alpha"]!);
            Assert.Equal(0.05, (double)cfg["lora_dropout"]!);
            Assert.Equal(["c_attn", "c_fc"], cfg["target_modules"]!.AsArray().Select(n => (string)n!));
            Assert.Equal("openai-community/gpt2", (string?)cfg["base_model_name_or_path"]);
            Assert.Equal("none", (string?)cfg["bias"]);
            Assert.True((bool)cfg["fan_in_fan_out"]!);   // GPT-2's Conv1D
            using (var file = SafetensorsFile.Open(Path.Combine(dir, "adapter_model.safetensors")))
            {
                Assert.Contains("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", file.Names);
                Assert.Contains("base_model.model.transformer.h.1.mlp.c_fc.lora_B.weight", file.Names);
                Assert.Equal(4 * policy.Config.Layers, file.Names.Count);
                var a = file.Entry("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight");
                var b = file.Entry("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight");
                Assert.Equal([4L, policy.Config.Width], a.Shape);        // A [r, in]
                Assert.Equal([3L * policy.Config.Width, 4], b.Shape);    // B [out, r]
            }

            using var fresh = Blend.Policy.Load(hf.Dir("gpt2"), CPU);
            var loaded = LoraAdapter.Load(fresh, dir);
            Assert.Equal(adapter.Options, loaded.Options with { TargetModules = adapter.Options.TargetModules });
            Assert.Equal(adapter.Options.TargetModules, loaded.Options.TargetModules);
            Assert.Equal(adapter.Modules, loaded.Modules);
            for (int i = 0; i < adapter.Layers.Count; i++)
            {
                Assert.True(adapter.Layers[i].A.Weight.eq(loaded.Layers[i].A.Weight).all().item<bool>());
                Assert.True(adapter.Layers[i].B.Weight.eq(loaded.Layers[i].B.Weight).all().item<bool>());
            }
            using var x = Logits(policy);
            using var y = Logits(fresh);
            Assert.True(x.eq(y).all().item<bool>());
        }
        finally { Delete(dir); }
    }

    [Theory]
    [InlineData("gpt2", new[] { "c_attn", "c_proj", "c_fc" })]
    [InlineData("llama-gqa-tied", new[] { "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj" })]
    [InlineData("qwen2-bias", new[] { "q_proj", "v_proj" })]
    public void An_independent_numpy_merge_of_the_saved_adapter_equals_blends_merge_and_the_adapted_forward(string variant, string[] targets)
    {
        string adapterDir = TinyPolicy.TempDir(), numpyDir = TinyPolicy.TempDir(), blendDir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Load(hf.Dir(variant), CPU);
            var adapter = Randomize(LoraAdapter.Attach(policy, new LoraOptions { Rank = 3, Alpha = 6, TargetModules = targets, Seed = 4 }), 11);
            adapter.Save(adapterDir);
            NumPyMerge(adapterDir, hf.Dir(variant), numpyDir);
            using var merged = adapter.Merge();
            Assert.Null(LoraAdapter.Of(merged));
            merged.Save(blendDir);

            using var numpy = SafetensorsFile.Open(Path.Combine(numpyDir, "model.safetensors"));
            using var blend = SafetensorsFile.Open(Path.Combine(blendDir, "model.safetensors"));
            Assert.DoesNotContain(blend.Names, n => n.Contains("lora", StringComparison.Ordinal));
            int changed = 0;
            foreach (var name in blend.Names)
            {
                using var b = blend.Read(name, CPU);
                using var n = numpy.Read(name, CPU);
                Assert.True(MaxAbsDiff(b, n) < 1e-6, $"{variant} {name}: Blend's merge and NumPy's differ by {MaxAbsDiff(b, n)}");
                using var original = SafetensorsFile.Open(Path.Combine(hf.Dir(variant), "model.safetensors"));
                if (original.Contains(name)) { using var o = original.Read(name, CPU); if (MaxAbsDiff(o, b) > 1e-4) changed++; }
            }
            Assert.Equal(adapter.Layers.Count, changed);

            // The NumPy-merged folder, read by the independent transformers-layout forward, gives the adapted model's logits.
            var reference = TinyHuggingFace.Score(numpyDir, Ids);
            var expected = reference["logits"]!.AsArray().Select(v => (double)v!).ToArray();
            using var adapted = Logits(policy);
            var last = adapted[-1].data<float>().ToArray();
            for (int i = 0; i < last.Length; i++) Assert.True(Math.Abs(expected[i] - last[i]) < 1e-4, $"logit {i}: NumPy {expected[i]} vs adapted {last[i]}");
        }
        finally { Delete(adapterDir, numpyDir, blendDir); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merging_into_the_base_equals_the_adapted_forward_and_saves_a_plain_checkpoint(bool bf16)
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Load(hf.Dir("llama-gqa-tied", bf16), CPU);
            using var plain = Logits(policy);
            var adapter = Randomize(LoraAdapter.Attach(policy, new LoraOptions { Rank = 4, Alpha = 4, TargetModules = LlamaAll }), 3);
            using var adapted = Logits(policy);
            using var merged = adapter.Merge();
            using var direct = Logits(merged);
            // float32: equal to rounding. bfloat16: the merged weights are W + ΔW rounded once to bf16 (8 bits of mantissa), the
            // adapted forward rounds W x and the adapter's term separately, so they agree to bf16 precision: far closer to each
            // other than either is to the base.
            double gap = MaxAbsDiff(adapted, direct), effect = MaxAbsDiff(adapted, plain);
            Assert.True(bf16 ? gap < 0.2 * effect : gap < 1e-5, $"max |Δlogit| merged vs adapted {gap}, adapted vs base {effect}");
            Assert.Equal(policy.Model.DType, merged.Model.DType);
            merged.Save(dir);
            using var reloaded = Blend.Policy.Load(dir, CPU);
            using var again = Logits(reloaded);
            Assert.True(direct.eq(again).all().item<bool>());
            Assert.All(reloaded.Model.parameters(), p => Assert.True(p.requires_grad));
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void An_adapted_policy_clones_with_its_adapter_and_refuses_a_plain_save()
    {
        using var policy = Tiny(8);
        var adapter = Randomize(LoraAdapter.Attach(policy, new LoraOptions { Rank = 2 }), 5);
        using var clone = policy.Clone();
        var copy = LoraAdapter.Of(clone);
        Assert.NotNull(copy);
        Assert.NotSame(adapter, copy);
        using (var a = Logits(policy)) using (var b = Logits(clone)) Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(2 * copy!.Layers.Count, clone.Model.parameters().Count(p => p.requires_grad));
        var dir = TinyPolicy.TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => policy.Save(dir));
        Assert.Contains("LoraAdapter.Save", e.Message);
        Assert.False(Directory.Exists(dir));
        var twice = Assert.Throws<InvalidOperationException>(() => LoraAdapter.Attach(policy, new LoraOptions()));
        Assert.Contains("already carries", twice.Message);
    }

    [Fact]
    public void Bad_targets_and_bad_adapter_files_are_refused_naming_what_is_wrong()
    {
        using (var policy = Tiny(9))
        {
            var e = Assert.Throws<ArgumentException>(() => LoraAdapter.Attach(policy, new LoraOptions { TargetModules = ["q_proj"] }));
            Assert.Contains("'q_proj'", e.Message);
            Assert.Contains("c_attn", e.Message);   // lists the projections it has
            Assert.Throws<ArgumentException>(() => LoraAdapter.Attach(policy, new LoraOptions { TargetModules = ["ln_1"] }));
            Assert.Throws<ArgumentException>(() => LoraAdapter.Attach(policy, new LoraOptions { Rank = 0 }));
            Assert.Null(LoraAdapter.Of(policy));
        }
        var dir = TinyPolicy.TempDir();
        try
        {
            using (var policy = Tiny(9)) LoraAdapter.Attach(policy, new LoraOptions { Rank = 2 }).Save(dir);
            var configPath = Path.Combine(dir, "adapter_config.json");
            var good = File.ReadAllText(configPath);
            foreach (var (field, value, says) in new (string, JsonNode, string)[]
            {
                ("use_dora", true, "use_dora"), ("peft_type", "IA3", "peft_type"), ("target_modules", ".*attn.*", "target_modules"),
                ("r", 3, "shape"), ("bias", "all", "bias"),
            })
            {
                var cfg = JsonNode.Parse(good)!.AsObject();
                cfg[field] = value;
                File.WriteAllText(configPath, cfg.ToJsonString());
                using var policy = Tiny(9);
                var e = Assert.Throws<FormatException>(() => LoraAdapter.Load(policy, dir));
                Assert.Contains(says, e.Message);
            }
        }
        finally { Delete(dir); }
    }
}
