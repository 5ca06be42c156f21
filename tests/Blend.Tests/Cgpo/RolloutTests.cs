using Blend.Tests.Policy;
using TorchSharp;

namespace Blend.Tests.Cgpo;

/// <summary>The one rollout: layout, judging, calibration, and log π taken from the generation where it is exact.</summary>
[Collection("Torch")]
public class RolloutTests
{
    static readonly PromptItem[] Prompts = [new("a", "chat", "Name a color."), new("b", "chat", "Say hello in French.")];

    [Fact]
    public void Generation_log_probs_are_the_policys_own_scores()
    {
        using var policy = TinyPolicy.Create(5);
        using var scope = torch.NewDisposeScope();
        var generation = new GenerationOptions { MaxNewTokens = 6, Seed = 3 };
        var fromGeneration = Rollout.Of(policy).Scoring(PolicyScoring.Generation).Generate(Prompts, 3, generation);
        var scored = Rollout.Of(policy).Scoring(PolicyScoring.Gradient).Generate(Prompts, 3, generation);
        // Same seed, same responses; the generation's log-probs match a second forward pass (KV cache vs full pass: float noise).
        Assert.Equal(scored.Samples.Select(s => s.Response), fromGeneration.Samples.Select(s => s.Response));
        var a = fromGeneration.LogProbs.data<float>().ToArray();
        var b = scored.LogProbs.detach().data<float>().ToArray();
        Assert.Equal(6, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 3);
        Assert.False(fromGeneration.LogProbs.requires_grad);
        Assert.True(scored.LogProbs.requires_grad);
        Assert.Null(fromGeneration.Scorer);
    }

    [Fact]
    public void Rows_are_prompt_major_and_judged_rewarded_and_calibrated()
    {
        using var policy = TinyPolicy.Create(5);
        using var scope = torch.NewDisposeScope();
        var boom = Judge.From("boom", Throws);
        var batch = Rollout.Of(policy).Judges([Judge.From("any", _ => true), boom]).Reward(Reward.From("len", s => s.Response.Length))
            .Scoring(PolicyScoring.None).Generate(Prompts, 2, new GenerationOptions { MaxNewTokens = 4, Seed = 1 },
                [new BaselineResponse("x", [], [], 1.0, true), new BaselineResponse("y", [], [], 3.0, true)]);
        Assert.Equal(new[] { "a", "a", "b", "b" }, batch.Samples.Select(s => s.Id));
        // A judge that throws gives Error verdicts: every sample fails and is counted as errored, apart from failures.
        Assert.All(batch.Passed, p => Assert.False(p));
        Assert.Equal(4, batch.Judged.ErroredSamples);
        Assert.Equal(new[] { 1.0, 0.0 }, batch.Judged.Rates.Select(r => r.PassRate));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(batch.Samples[i].Response.Length, batch.Rewards[i]);
            double baseline = i < 2 ? 1.0 : 3.0;
            Assert.Equal(1.0 / (1.0 + Math.Exp(-(batch.Rewards[i] - baseline))), batch.Calibrated[i], 12);
        }
        Assert.Null(batch.Policy);
        Assert.Throws<InvalidOperationException>(() => batch.LogProbs);
    }

    static bool Throws(Sample sample) => throw new InvalidOperationException($"no verdict for '{sample.Response}'");
}
