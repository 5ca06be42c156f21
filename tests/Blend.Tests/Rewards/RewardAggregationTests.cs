using Blend.Tests.Policy;
using TorchSharp;

namespace Blend.Tests.Rewards;

/// <summary>
/// sum-then-normalize vs normalize-then-sum (GDPO) on hand-computed groups, with TRL's rule: per-component z-scores within
/// each group of K (unbiased std, δ = 1e-4), weighted sum, then standardization over the batch.
/// </summary>
[Collection("Torch")]
public class RewardAggregationTests
{
    const double Delta = 1e-4;

    // Two 0/1 rewards read from the response: "ab" with a = first char, b = second char.
    static readonly IRewardModel A = Reward.From("a", s => s.Response[0] == '1' ? 1 : 0);
    static readonly IRewardModel B = Reward.From("b", s => s.Response[1] == '1' ? 1 : 0);

    // Two prompts, K = 2 (prompt-major): group 1 scores (0,0),(1,0); group 2 scores (0,0),(1,1).
    static readonly Sample[] Groups =
    [
        new("chat", "p1", "00"), new("chat", "p1", "10"),
        new("chat", "p2", "00"), new("chat", "p2", "11"),
    ];

    static RewardMixture Mixture(double wa = 1, double wb = 1) => RewardMixture.Create().Add("a", A, wa).Add("b", B, wb);

    [Fact]
    public void Sum_then_normalize_collapses_different_component_combinations_to_one_advantage()
    {
        var grouped = Mixture().ScoreGroups(Groups, 2);
        Assert.Equal(new[] { 0.0, 1.0, 0.0, 2.0 }, grouped.Rewards);
        Assert.Null(grouped.GroupNormalized);
        // GRPO normalizes the sums (0, 1) and (0, 2) within their groups: both become ∓0.5/(√0.5 + δ) ≈ ∓1/(√2 + δ) ≈ ∓0.7070.
        var advantages = Grpo.Advantages(torch.tensor(grouped.Rewards.ToArray(), [2, 2]), Delta).data<double>().ToArray();
        Assert.Equal(-0.5 / (Math.Sqrt(0.5) + Delta), advantages[0], 12);
        Assert.Equal(-1.0 / (Math.Sqrt(2.0) + Delta), advantages[2], 12);
        Assert.Equal(advantages[1], advantages[3], 1e-4); // the collapse: (1,0) and (1,1) get the same advantage
    }

    [Fact]
    public void Normalize_then_sum_keeps_the_groups_apart_as_TRL_computes_it()
    {
        var grouped = Mixture().Aggregation(RewardAggregation.NormalizeThenSum).ScoreGroups(Groups, 2);
        // The rewards that metrics and calibration read are the plain weighted sums in both modes.
        Assert.Equal(new[] { 0.0, 1.0, 0.0, 2.0 }, grouped.Rewards);
        // z of a 0/1 pair: ∓0.5/(√0.5 + δ) = ∓0.7070068; a constant pair (b in group 1) gives 0/(0 + δ) = 0.
        double z = 0.5 / (Math.Sqrt(0.5) + Delta);
        var signal = grouped.GroupNormalized!;
        Assert.Equal(new[] { -z, z, -2 * z, 2 * z }, signal.ToArray(), new Tolerance(1e-12));
        // Batch standardization: mean 0, unbiased std √((2z² + 2(2z)²)/3) = 1.2908119 → ∓0.5476801, ∓1.0953603.
        var advantages = grouped.BatchStandardized()!;
        Assert.Equal(new[] { -0.5476801283853052, 0.5476801283853052, -1.0953602567706104, 1.0953602567706104 }, advantages, new Tolerance(1e-12));
        Assert.Equal(2.0, advantages[3] / advantages[1], 12);
    }

    [Fact]
    public void Weights_scale_each_normalized_component()
    {
        var grouped = Mixture(wa: 2.0, wb: 0.5).Aggregation(RewardAggregation.NormalizeThenSum).ScoreGroups(Groups, 2);
        double z = 0.5 / (Math.Sqrt(0.5) + Delta);
        // Group 1: 2·(∓z) + 0.5·0; group 2: 2·(∓z) + 0.5·(∓z) = ∓2.5z.
        Assert.Equal(new[] { -2 * z, 2 * z, -2.5 * z, 2.5 * z }, grouped.GroupNormalized!.ToArray(), new Tolerance(1e-12));
        Assert.Equal(new[] { 0.0, 2.0, 0.0, 2.5 }, grouped.Rewards);
    }

    [Fact]
    public void Equal_sums_with_different_components_differ_only_under_normalize_then_sum()
    {
        // Group 1: (1,0),(0,0),(0,0); group 2: (0,1),(0,0),(0,0) — the same sums (1,0,0); and a third group (1,1),(0,0),(0,0).
        Sample S(string p, string r) => new("chat", p, r);
        var batch = new[] { S("p1", "10"), S("p1", "00"), S("p1", "00"), S("p2", "01"), S("p2", "00"), S("p2", "00"), S("p3", "11"), S("p3", "00"), S("p3", "00") };
        var sum = Mixture().ScoreGroups(batch, 3);
        var gdpo = Mixture().Aggregation(RewardAggregation.NormalizeThenSum).ScoreGroups(batch, 3).GroupNormalized!;
        // K = 3, one 1 among (1,0,0): mean 1/3, unbiased std 1/√3 → z = (2/3)/(1/√3 + δ) and (−1/3)/(1/√3 + δ).
        double hi = (2.0 / 3) / (1 / Math.Sqrt(3) + Delta), lo = (-1.0 / 3) / (1 / Math.Sqrt(3) + Delta);
        Assert.Equal(new[] { hi, lo, lo, hi, lo, lo, 2 * hi, 2 * lo, 2 * lo }, gdpo.ToArray(), new Tolerance(1e-12));
        // Sum-then-normalize: group 3's sums (2,0,0) normalize to group 1's (1,0,0); GDPO gives group 3 twice the signal.
        var grpo = Grpo.Advantages(torch.tensor(sum.Rewards.ToArray(), [3, 3]), Delta).data<double>().ToArray();
        Assert.Equal(grpo[0], grpo[6], 3);
    }

    [Fact]
    public void A_task_component_counts_only_in_its_own_groups_and_K_of_one_gives_zero()
    {
        var mix = RewardMixture.Create().Add("a", A).Task("math", t => t.Add("b", B)).Aggregation(RewardAggregation.NormalizeThenSum);
        var batch = new Sample[] { new("chat", "p1", "01"), new("chat", "p1", "11"), new("math", "p2", "01"), new("math", "p2", "11") };
        var signal = mix.ScoreGroups(batch, 2).GroupNormalized!;
        double z = 0.5 / (Math.Sqrt(0.5) + Delta);
        // chat: only a applies (0,1); math: a (0,1) and b constant (1,1) → 0.
        Assert.Equal(new[] { -z, z, -z, z }, signal.ToArray(), new Tolerance(1e-12));
        Assert.All(mix.ScoreGroups(batch, 1).GroupNormalized!, x => Assert.Equal(0.0, x));
    }

    [Fact]
    public void Rows_that_are_not_whole_groups_or_mix_tasks_are_refused()
    {
        var mix = Mixture().Aggregation(RewardAggregation.NormalizeThenSum);
        Assert.Contains("groups of K = 3", Assert.Throws<ArgumentException>(() => mix.ScoreGroups(Groups, 3)).Message);
        var mixed = new Sample[] { new("chat", "p", "00"), new("math", "p", "11") };
        Assert.Contains("one prompt", Assert.Throws<ArgumentException>(() => mix.ScoreGroups(mixed, 2)).Message);
    }

    [Fact]
    public void A_plain_reward_has_no_group_signal()
    {
        var grouped = A.ScoreGroups(Groups, 2);
        Assert.Equal(new[] { 0.0, 1.0, 0.0, 1.0 }, grouped.Rewards);
        Assert.Null(grouped.GroupNormalized);
        Assert.Null(grouped.BatchStandardized());
    }

    [Fact]
    public void A_rollout_carries_the_signal_and_GRPO_uses_it()
    {
        using var policy = TinyPolicy.Create(5);
        using var scope = torch.NewDisposeScope();
        var prompts = new PromptItem[] { new("p1", "chat", "p1"), new("p2", "chat", "p2") };
        var responses = Groups.Select(s => (s.Response, (IReadOnlyList<int>)policy.Codec.EncodeChat(s.Prompt).PromptIds, (IReadOnlyList<int>)policy.Codec.EncodeResponse(s.Response))).ToList();
        RolloutBatch Run(RewardAggregation mode) => Rollout.Of(policy).Reference(policy).Reward(Mixture().Aggregation(mode)).Given(prompts, 2, responses);
        var gdpo = Run(RewardAggregation.NormalizeThenSum);
        var grpo = Run(RewardAggregation.SumThenNormalize);
        Assert.Equal(new[] { 0.0, 1.0, 0.0, 2.0 }, gdpo.Rewards);
        Assert.Equal(gdpo.Rewards, grpo.Rewards);
        Assert.Null(grpo.GroupRewards!.GroupNormalized);
        // At π_w = π_old the GRPO loss is −mean_i Â_i = 0 in both modes (advantages are centred), so read Â from the gradient:
        // ∂loss/∂log π(a_t) = −Â_i / (|a_i|·n) on each response token, so n·Σ_t of it is −Â_i.
        var options = new GrpoOptions { Beta = 0 };
        var lossGdpo = Grpo.Objective(gdpo, options)(gdpo).Loss;
        var lossGrpo = Grpo.Objective(grpo, options)(grpo).Loss;
        Assert.Equal(0.0, lossGdpo.item<float>(), 5);
        Assert.Equal(0.0, lossGrpo.item<float>(), 5);
        var grads = torch.autograd.grad([lossGdpo], [gdpo.PolicyScores.TokenLogProbs])[0];
        var perSequence = (grads * gdpo.PolicyScores.Mask.to_type(grads.dtype)).sum(1) * 4;
        var expected = new[] { 0.5476801283853052, -0.5476801283853052, 1.0953602567706104, -1.0953602567706104 };
        var got = perSequence.data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], got[i], 4);
    }

    sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }
}
