using System.Text.Json.Nodes;
using Blend.Tests.Cgpo;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>Every trainer reaches LoRA with one option: reward models (adapter + score head) and CGPO's online optimizers (adapter, plus PPO's value head).</summary>
[Collection("Torch")]
public class LoraTrainersTests
{
    static readonly LoraOptions Options = EveryProjection;

    static IReadOnlyList<PreferencePair> ToyPairs() =>
        Enumerable.Range(0, 24).Select(i => new PreferencePair("chat", $"Question number {i}?", $"A clear helpful answer about {i}.", $"no {i}!!")).ToList();

    [Fact]
    public void A_reward_model_trains_its_adapter_and_score_head_only_and_saves_as_a_peft_sequence_classifier()
    {
        var pairs = ToyPairs();
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(pairs.SelectMany(p => new[] { p.Prompt, p.Chosen, p.Rejected }));
        var config = new GptConfig(1) { Layers = 1, Heads = 2, Width = 32, ContextLength = 96 };
        var dir = TinyPolicy.TempDir();
        try
        {
            using var model = RewardModel.Create(codec, config, seed: 1, name: "toy");
            var before = model.Backbone.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            var result = RewardModel.Train(model, pairs, new RewardTrainingOptions { Steps = 40, BatchSize = 8, EvalEvery = 10, HeldOutFraction = 0.25, WarmupSteps = 5, LearningRate = 1e-2, Lora = Options });
            var adapter = LoraAdapter.Of(model.Backbone);
            Assert.NotNull(adapter);
            foreach (var (name, p) in model.Backbone.Model.named_parameters())
            {
                bool trained = name.Contains(".lora_B.", StringComparison.Ordinal) || name.StartsWith("reward_head.", StringComparison.Ordinal);
                bool same = before.TryGetValue(name, out var b) && b.eq(p).all().item<bool>();
                if (name.Contains(".lora_", StringComparison.Ordinal) && !trained) continue;   // A may or may not move
                Assert.True(trained != same, $"{name}: {(trained ? "did not move" : "moved")}");
            }
            Assert.True(result.History[^1].Loss < result.History[0].Loss, string.Join("\n", result.History));
            Assert.True(result.Train.Accuracy > 0.8, result.ToString());

            adapter!.Save(dir);
            var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!.AsObject();
            Assert.Equal("SEQ_CLS", (string?)cfg["task_type"]);
            Assert.Equal("score", (string?)cfg["modules_to_save"]![0]);
            Assert.False((bool)cfg["fan_in_fan_out"]!);   // Blend's GPT uses torch's Linear layout
            using (var file = SafetensorsFile.Open(Path.Combine(dir, "adapter_model.safetensors")))
            {
                Assert.Contains("base_model.model.score.weight", file.Names);
                Assert.Contains("base_model.model.h.0.attn.c_attn.lora_A.weight", file.Names);
            }
            using var fresh = RewardModel.Create(codec, config, seed: 1, name: "toy");
            LoraAdapter.Load(fresh.Backbone, dir);
            var samples = pairs.Take(4).Select(p => new Sample("chat", p.Prompt, p.Chosen)).ToList();
            Assert.Equal(model.Score(samples), fresh.Score(samples));
        }
        finally { Delete(dir); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cgpo_with_lora_updates_only_the_adapter_and_ppos_value_head(bool ppo)
    {
        using var policy = CgpoFixture.Policy(seed: 5);
        var start = BaseSnapshot(policy);
        var run = ppo
            ? global::Blend.Cgpo.Create(policy, seed: 11)
                .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits).Optimizer(new PpoOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
                .Sampling(maxNewTokens: 6).LearningRate(2e-3)
            : CgpoCheckpointTests.Run(policy);
        var result = run.Steps(2).Lora(Options).Train();
        using var trained = result.Policy;
        var adapter = LoraAdapter.Of(trained);
        Assert.NotNull(adapter);
        AssertBitIdentical(start, trained);
        Assert.Null(LoraAdapter.Of(policy));
        Assert.True(adapter!.Layers.Any(l => l.B.Weight.abs().max().item<float>() > 0), "the adapter moved");
        if (ppo)
        {
            Assert.True(trained.Config.ValueHead);
            Assert.True(trained.Model.named_parameters().Where(p => p.name.StartsWith("value_head.", StringComparison.Ordinal)).All(p => p.parameter.requires_grad));
        }
        using var merged = adapter.Merge();
        Assert.Null(LoraAdapter.Of(merged));
    }
}
