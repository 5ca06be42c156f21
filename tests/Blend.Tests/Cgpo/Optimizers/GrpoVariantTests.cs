using static Blend.Tests.Cgpo.Optimizers.T;

namespace Blend.Tests.Cgpo.Optimizers;

/// <summary>The GRPO loss variants of <see cref="Grpo"/>, each against numbers computed by hand from the rules in its file.</summary>
[Collection("Torch")]
public class GrpoVariantTests
{
    // Two responses, π_old = 0 per token: ρ row 0 = [1.5, 0.5, pad] with Â = 1, row 1 = [1.1, 0.7, 1.3] with Â = −1; β = 0.
    static readonly float[] LogP = [MathF.Log(1.5f), MathF.Log(0.5f), 0, MathF.Log(1.1f), MathF.Log(0.7f), MathF.Log(1.3f)];
    static readonly float[] Mask = [1, 1, 0, 1, 1, 1];

    static PolicyLoss Loss(GrpoOptions o, int maxLength = 0, TorchSharp.torch.Tensor? kept = null)
    {
        var zeros = M(2, 0, 0, 0, 0, 0, 0);
        return Grpo.Loss(MG(2, LogP), zeros, zeros, M(2, Mask), V(1, -1), o with { Beta = 0 }, maxLength, kept);
    }

    [Fact]
    public void Grpo_takes_the_mean_per_sequence_then_over_responses()
    {
        // ε = 0.2: row 0 ℓ = [−min(1.5, 1.2), −min(0.5, 0.5)] = [−1.2, −0.5] → −0.85
        //          row 1 ℓ = [1.1, −min(−0.7, −0.8), −min(−1.3, −1.2)] = [1.1, 0.8, 1.3] → 3.2/3
        // loss = (−0.85 + 1.0666667)/2 = 0.1083333
        Close(0.10833333, S(Loss(new GrpoOptions()).Loss));
    }

    [Fact]
    public void Dr_grpo_divides_token_sums_by_responses_times_the_length_limit()
    {
        // same ℓ as GRPO; Σ = −1.2 − 0.5 + 1.1 + 0.8 + 1.3 = 1.5; ÷ (G = 2 · L_max = 4) = 0.1875
        Close(0.1875, S(Loss(new GrpoOptions { LossType = GrpoLossType.DrGrpo }, maxLength: 4).Loss));
    }

    [Fact]
    public void Dapo_aggregates_over_tokens_with_an_asymmetric_clip()
    {
        // ε_low 0.2, ε_high 0.28 (dapo's default): row 0 [−min(1.5, 1.28), −0.5] = [−1.28, −0.5]; row 1 [1.1, 0.8, 1.3]
        // Σ = 1.42 over 5 tokens = 0.284; clipped tokens: ρ 1.5 > 1.28 with Â > 0, ρ 0.7 < 0.8 with Â < 0 → 2/5
        var result = Loss(new GrpoOptions { LossType = GrpoLossType.Dapo });
        Close(0.284, S(result.Loss));
        Close(0.4, result.ClipFraction);
    }

    [Fact]
    public void Gspo_uses_one_ratio_per_sequence()
    {
        // s_0 = exp((ln 1.5 + ln 0.5)/2) = √0.75 = 0.8660254 (inside [0.8, 1.2]) → ℓ_0 = −0.8660254
        // s_1 = (1.1 · 0.7 · 1.3)^(1/3) = 1.0003332 with Â = −1 → ℓ_1 = 1.0003332 ; mean = 0.0671539
        var o = new GrpoOptions { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence, Epsilon = 0.2, EpsilonHigh = 0.2 };
        var result = Loss(o);
        Close(0.06715391, S(result.Loss));
        Assert.Equal(0, result.ClipFraction);
    }

    [Fact]
    public void Dynamic_sampling_drops_uniform_groups_from_the_loss_and_from_G()
    {
        Assert.Equal([false, true], Grpo.InformativeGroups(M(2, 1, 1, 0, 2)).data<bool>().ToArray());
        // only row 1 kept: its per-sequence mean 3.2/3, G = 1
        Close(1.06666667, S(Loss(new GrpoOptions(), kept: V(0, 1)).Loss));
    }

    [Fact]
    public void Rewards_are_scaled_per_group_per_batch_or_not_at_all()
    {
        var r = M(2, 1, 3, 0, 4);
        // per group: centred [−1, 1 | −2, 2] ÷ (std + 1e-4), std [√2, 2√2]
        Close([-0.70705678, 0.70705678, -0.70708178, 0.70708178], A(Grpo.Advantages(r, RewardScaling.Group).reshape(-1)));
        // per batch: std of [1, 3, 0, 4] = 1.8257419 → centred ÷ 1.8258419
        Close([-0.54769256, 0.54769256, -1.09538512, 1.09538512], A(Grpo.Advantages(r, RewardScaling.Batch).reshape(-1)));
        Close([-1, 1, -2, 2], A(Grpo.Advantages(r, RewardScaling.None).reshape(-1)));
    }

    [Fact]
    public void The_soft_overlong_penalty_falls_linearly_over_the_buffer()
    {
        // L_max = 10, L_cache = 4: 0 up to 6 tokens, then (6 − |o|)/4: 8 → −0.5, 10 → −1
        Close([0, 0, -0.5, -1], A(Grpo.OverlongPenalty(V(5, 6, 8, 10), maxLength: 10, buffer: 4)));
    }

    [Fact]
    public void Each_variant_takes_its_papers_defaults_unless_set()
    {
        var grpo = new GrpoOptions();
        Assert.Equal((0.2, 0.2, 0.04, RewardScaling.Group), (grpo.ClipLow, grpo.ClipHigh, grpo.KlWeight, grpo.Scaling));
        var dapo = new GrpoOptions { LossType = GrpoLossType.Dapo };
        Assert.Equal((0.2, 0.28, 0.0, RewardScaling.Group), (dapo.ClipLow, dapo.ClipHigh, dapo.KlWeight, dapo.Scaling));
        Assert.Equal(RewardScaling.None, new GrpoOptions { LossType = GrpoLossType.DrGrpo }.Scaling);
        var gspo = new GrpoOptions { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence };
        Assert.Equal((3e-4, 4e-4, 0.0), (gspo.ClipLow, gspo.ClipHigh, gspo.KlWeight));
        Assert.Equal(0.1, new GrpoOptions { LossType = GrpoLossType.Dapo, Beta = 0.1 }.KlWeight);
    }
}
