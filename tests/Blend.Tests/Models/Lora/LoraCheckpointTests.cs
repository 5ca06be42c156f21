using System.Globalization;
using System.Text.Json.Nodes;
using Blend.Tests.Cgpo;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>
/// LoRA runs checkpoint and resume in Blend's one checkpoint layout: the adapter in PEFT's layout (+ a value head), the
/// adapter's AdamW state, the run state and the base's fingerprint; the resumed run equals the uninterrupted one exactly.
/// </summary>
[Collection("Torch")]
public class LoraCheckpointTests
{
    static readonly LoraOptions Options = EveryProjection;

    static CgpoRun Run(Blend.Policy policy, bool ppo) => ppo
        ? global::Blend.Cgpo.Create(policy, seed: 11)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits).Optimizer(new PpoOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 6).LearningRate(2e-3).Lora(Options)
        : CgpoCheckpointTests.Run(policy).Lora(Options);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_resumed_cgpo_lora_run_equals_the_uninterrupted_run(bool ppo)
    {
        var dir = CgpoFixture.TempDir();
        try
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            var straight = Run(policy, ppo).Steps(4).Train();
            var first = Run(policy, ppo).Steps(2).Checkpoints(dir, every: 1).Train();

            // the adapter in PEFT's layout instead of the whole policy; the optimizer state holds only what trains
            Assert.True(File.Exists(Path.Combine(dir, "adapter_config.json")));
            Assert.True(File.Exists(Path.Combine(dir, "adapter_model.safetensors")));
            Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")));
            Assert.Equal(ppo, File.Exists(Path.Combine(dir, "heads.safetensors")));
            Assert.Null(CheckpointFolder.Problem(dir, "cgpo"));
            var state = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "trainer_state.json")))!.AsObject();
            Assert.Equal(LoraCheckpoint.BaseFingerprint(policy), (string?)state["base_model_sha256"]);
            using (var optimizer = SafetensorsFile.Open(Path.Combine(dir, "optimizer.safetensors")))
            {
                Assert.Contains("h.0.attn.c_attn.lora_A.weight.exp_avg", optimizer.Names);
                Assert.DoesNotContain("wte.weight.exp_avg", optimizer.Names);
                Assert.Equal(ppo, optimizer.Names.Any(n => n.StartsWith("value_head.", StringComparison.Ordinal)));
            }
            // PEFT's folder loads on its own as an adapter of the start policy
            using (var host = policy.Clone())
            {
                var loaded = LoraAdapter.Load(host, dir);
                Assert.Equal(Options.Rank, loaded.Options.Rank);
            }

            var resumed = Run(policy, ppo).Steps(4).ResumeFrom(dir).Train();
            Assert.Equal(straight.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Select(CgpoTrainerTests.Numbers));
            Assert.Equal(first.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Take(first.Metrics.Count).Select(CgpoTrainerTests.Numbers));
            AssertSameWeights(straight.Policy, resumed.Policy);
            Assert.NotNull(LoraAdapter.Of(resumed.Policy));
            // and the adapter really moved between the checkpoint and the end (not two untouched copies)
            var atCheckpoint = LoraAdapter.Of(first.Policy)!.Layers[0].B.Weight;
            Assert.False(atCheckpoint.allclose(LoraAdapter.Of(resumed.Policy)!.Layers[0].B.Weight, 0, 0));
            foreach (var p in new[] { straight.Policy, first.Policy, resumed.Policy }) p.Dispose();
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void A_resumed_sft_lora_run_equals_the_uninterrupted_run()
    {
        var train = Enumerable.Range(0, 16).Select(i => new Sample("math", $"What is {i % 7} + {i % 3}?", ((i % 7) + (i % 3)).ToString(CultureInfo.InvariantCulture))).ToList();
        var options = new SftOptions { Steps = 8, BatchSize = 4, LearningRate = 5e-3, WarmupSteps = 2, Seed = 5, Lora = Options };
        var dir = TinyPolicy.TempDir();
        try
        {
            using var whole = CgpoFixture.Policy(seed: 5);
            var full = Sft.Train(whole, train, null, options);

            using var first = CgpoFixture.Policy(seed: 5);
            var stopped = Sft.Train(first, train, null, options with { MaxSeconds = 1e-9, CheckpointDir = dir });   // stops after step 1
            Assert.True(stopped.StoppedEarly);
            Assert.True(File.Exists(Path.Combine(dir, "adapter_model.safetensors")));
            Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")));

            using var second = CgpoFixture.Policy(seed: 5);   // the same base; its fresh adapter is overwritten by the checkpoint's
            var rest = Sft.Train(second, train, null, options with { Lora = Options with { Seed = 77 }, ResumeFrom = dir });
            Assert.Equal(full.Steps.Skip(1).Select(s => s.Step), rest.Steps.Select(s => s.Step));
            Assert.Equal(full.Steps.Skip(1).Select(s => s.Loss), rest.Steps.Select(s => s.Loss));
            Assert.Equal(full.Steps.Skip(1).Select(s => s.GradNorm), rest.Steps.Select(s => s.GradNorm));
            AssertSameWeights(whole, second);
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void Resuming_on_another_base_or_with_other_adapter_options_is_refused_naming_the_field()
    {
        var train = Enumerable.Range(0, 8).Select(i => new Sample("math", $"What is {i % 7} + 2?", "5")).ToList();
        var options = new SftOptions { Steps = 2, BatchSize = 4, Seed = 5, Lora = Options };
        var dir = TinyPolicy.TempDir();
        var cgpo = CgpoFixture.TempDir();
        try
        {
            using (var start = CgpoFixture.Policy(seed: 5)) Sft.Train(start, train, null, options with { CheckpointDir = dir });

            using (var other = CgpoFixture.Policy(seed: 6))
            {
                var e = Assert.Throws<InvalidOperationException>(() => Sft.Train(other, train, null, options with { ResumeFrom = dir }));
                Assert.Contains("'base_model_sha256'", e.Message, StringComparison.Ordinal);
                Assert.Contains("another base model", e.Message, StringComparison.Ordinal);
            }
            using (var same = CgpoFixture.Policy(seed: 5))
            {
                var e = Assert.Throws<InvalidOperationException>(() => Sft.Train(same, train, null, options with { Lora = Options with { Rank = 2 }, ResumeFrom = dir }));
                Assert.Contains("field 'r' is 4", e.Message, StringComparison.Ordinal);
            }
            using (var same = CgpoFixture.Policy(seed: 5))
            {
                var e = Assert.Throws<InvalidOperationException>(() => Sft.Train(same, train, null, options with { Lora = Options with { TargetModules = ["c_attn"] }, ResumeFrom = dir }));
                Assert.Contains("'target_modules'", e.Message, StringComparison.Ordinal);
            }
            using (var plain = CgpoFixture.Policy(seed: 5))
            {
                var e = Assert.Throws<InvalidOperationException>(() => Sft.Train(plain, train, null, options with { Lora = null, ResumeFrom = dir }));
                Assert.Contains("holds a LoRA adapter", e.Message, StringComparison.Ordinal);
            }

            // CGPO: a full checkpoint does not resume a LoRA run, a LoRA checkpoint does not resume another base
            using var policy = CgpoFixture.Policy(seed: 5);
            CgpoCheckpointTests.Run(policy).Steps(1).Checkpoints(cgpo, every: 1).Train().Policy.Dispose();
            var full = Assert.Throws<InvalidOperationException>(() => CgpoCheckpointTests.Run(policy).Lora(Options).Steps(2).ResumeFrom(cgpo).Train());
            Assert.Contains("holds a whole policy, not a LoRA adapter", full.Message, StringComparison.Ordinal);
            Delete(cgpo);
            CgpoCheckpointTests.Run(policy).Lora(Options).Steps(1).Checkpoints(cgpo, every: 1).Train().Policy.Dispose();
            using var otherBase = CgpoFixture.Policy(seed: 6);
            var moved = Assert.Throws<InvalidOperationException>(() => CgpoCheckpointTests.Run(otherBase).Lora(Options).Steps(2).ResumeFrom(cgpo).Train());
            Assert.Contains("'base_model_sha256'", moved.Message, StringComparison.Ordinal);
            var plainRun = Assert.Throws<InvalidOperationException>(() => CgpoCheckpointTests.Run(policy).Steps(2).ResumeFrom(cgpo).Train());
            Assert.Contains("holds a LoRA adapter", plainRun.Message, StringComparison.Ordinal);
        }
        finally { Delete(dir, cgpo); }
    }
}
