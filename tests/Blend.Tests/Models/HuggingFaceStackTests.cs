using Blend.Tests.Cgpo;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Models;

/// <summary>Every stage on top of a Hugging Face architecture (tiny random Llama-family checkpoints): SFT, reward model, model judge, CGPO with CRPG, a soup.</summary>
[Collection("Torch")]
public class HuggingFaceStackTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    static readonly Sample[] Train =
    [
        new("chat", "What is 23 + 45?", "The answer is 68."), new("chat", "Say hello in French.", "Bonjour!"),
        new("chat", "Name a color.", "Blue."),
    ];

    static SftOptions Sft(int steps) => new() { Steps = steps, BatchSize = 3, LearningRate = 3e-3, WarmupSteps = 0, MinLearningRate = 3e-3 };

    static float[] Logits(Blend.Policy policy) => Soups.SoupTests.Logits(policy);

    [Fact]
    public void Sft_lowers_the_loss_of_a_llama_and_the_saved_policy_reloads_in_the_hugging_face_layout()
    {
        using var policy = Blend.Policy.Load(hf.Dir("llama-gqa-tied"), CPU);
        var result = Blend.Sft.Train(policy, Train, options: Sft(25));
        Assert.True(result.FinalLoss < 0.5 * result.Steps[0].Loss, $"loss {result.Steps[0].Loss:F3} -> {result.FinalLoss:F3}");
        var dir = TinyPolicy.TempDir();
        try
        {
            policy.Save(dir);
            Assert.Contains("\"model_type\": \"llama\"", File.ReadAllText(Path.Combine(dir, "config.json")), StringComparison.Ordinal);
            using var loaded = Blend.Policy.Load(dir, CPU);
            Assert.Equal(Logits(policy), Logits(loaded));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_reward_model_on_a_qwen2_backbone_learns_preferences_and_round_trips()
    {
        using var backbone = Blend.Policy.Load(hf.Dir("qwen2-bias"), CPU);
        var pairs = Enumerable.Range(0, 24).Select(i => new PreferencePair("chat", $"Name a color {i}.", "Blue.", "no no no no")).ToList();
        var start = RewardModel.FromPolicy(backbone, "tiny-rm", seed: 3);
        Assert.IsType<Blend.Models.Llama>(start.Backbone.Model);
        var trained = RewardModel.Train(start, pairs, new RewardTrainingOptions { Steps = 30, BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 0, EvalEvery = 30, HeldOutFraction = 0.25 });
        using var rm = trained.Model;
        Assert.Equal(1.0, trained.HeldOutAccuracy);
        var dir = TinyPolicy.TempDir();
        try
        {
            rm.Save(dir);
            Assert.Contains("\"Qwen2ForSequenceClassification\"", File.ReadAllText(Path.Combine(dir, "config.json")), StringComparison.Ordinal);
            using var loaded = RewardModel.Load(dir, CPU);
            var samples = new[] { new Sample("chat", "Name a color 1.", "Blue."), new Sample("chat", "Name a color 1.", "no no no no") };
            Assert.Equal(rm.Score(samples), loaded.Score(samples));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_model_judge_on_qwen3_scores_the_candidates_as_a_direct_forward_pass_does()
    {
        using var policy = Blend.Policy.Load(hf.Dir("qwen3-qknorm"), CPU);
        var judge = Judge.Model("lm", policy);
        var sample = new Sample("chat", "q", "Blue.");
        var verdict = judge.Judge([sample])[0];
        Assert.NotEqual(VerdictOutcome.Error, verdict.Outcome);
        // Independent check: log p(candidate | chat prompt) from one unpadded forward pass per candidate.
        double LogP(string candidate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var prompt = policy.Codec.EncodeChat(judge.Question(sample)).PromptIds;
            var cand = policy.Codec.Encode(candidate);
            var ids = prompt.Concat(cand).Select(i => (long)i).ToArray();
            var logp = policy.Model.forward(tensor(ids, [1, ids.Length])).log_softmax(-1)[0];
            return cand.Select((id, j) => logp[prompt.Count - 1 + j, id].item<float>()).Sum(x => (double)x);
        }
        double diff = LogP(judge.Options.ViolationToken) - LogP(judge.Options.PassToken);
        Assert.Equal(1 / (1 + Math.Exp(diff)), verdict.Score!.Value, 4);
    }

    [Fact]
    public void One_cgpo_step_with_crpg_trains_a_copy_of_a_llama3_scaled_policy()
    {
        using var policy = Blend.Policy.Load(hf.Dir("llama3-scaling"), CPU);
        var before = policy.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var result = global::Blend.Cgpo.Create(policy, seed: 5)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits).Optimizer(new CrpgOptions { SamplesPerPrompt = 2, KlMax = 8 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 6).LearningRate(1e-3).Steps(1).Train();
        Assert.Single(result.Metrics);
        var m = result.Metrics[0];
        Assert.True(double.IsFinite(m.Loss) && double.IsFinite(m.Kl) && double.IsFinite(m.GradNorm) && m.GradNorm > 0, m.ToString());
        Assert.IsType<Blend.Models.Llama>(result.Policy.Model);
        var after = result.Policy.Model.state_dict();
        Assert.Contains(before.Keys, k => !after[k].allclose(before[k], 0, 0));
        Assert.All(policy.Model.state_dict(), kv => Assert.True(kv.Value.allclose(before[kv.Key], 0, 0), kv.Key));
    }

    [Fact]
    public void A_soup_of_two_fine_tuned_gpt2_copies_interpolates_their_weights()
    {
        using var init = Blend.Policy.Load(hf.Dir("gpt2"), CPU);
        using var a = init.Clone();
        using var b = init.Clone();
        Blend.Sft.Train(a, Train[..2], options: Sft(4));
        Blend.Sft.Train(b, Train[1..], options: Sft(4) with { Seed = 9 });
        Assert.NotEqual(Logits(a), Logits(b));
        var soup = Soup.Of(a, b);
        using (var first = soup.Mix(1, 0)) Assert.Equal(Logits(a), Logits(first));
        using var half = soup.Mix(0.5, 0.5);
        Assert.IsType<Blend.Models.Gpt2>(half.Model);
        var wa = a.Model.state_dict();
        var wb = b.Model.state_dict();
        foreach (var (name, t) in half.Model.state_dict())
            Assert.True(t.allclose((wa[name] + wb[name]) / 2, 1e-6, 1e-6), name);
    }
}
