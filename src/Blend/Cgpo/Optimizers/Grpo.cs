using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// GRPO, group-relative policy optimisation (Shao et al. 2024). Reads <see cref="GrpoOptions.Beta"/> (β),
/// <see cref="GrpoOptions.Epsilon"/> (ε) and <see cref="GrpoOptions.StdEpsilon"/>.
/// </summary>
/// <remarks>
/// <code>
/// Â_i   = (r_i − mean_group(r)) / (std_group(r) + δ)              (std unbiased, per prompt's K responses)
/// ρ_t   = π_w(a_t|·) / π_old(a_t|·)
/// k3_t  = π_ref/π_w − log(π_ref/π_w) − 1
/// ℓ_i   = (1/|a_i|) Σ_t [ −min(ρ_t Â_i, clip(ρ_t, 1−ε, 1+ε) Â_i) + β k3_t ]
/// loss  = mean_i ℓ_i
/// </code>
/// With a reward mixture that aggregates normalize-then-sum (GDPO, <see cref="RewardAggregation"/>), Â_i is instead the
/// mixture's group-normalized signal standardized over the batch.
/// </remarks>
public static class Grpo
{
    /// <summary>Group-relative advantages (r − mean)/(std + δ) per prompt; shape [B, K] in, [B, K] out.</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K], K ≥ 2.</param>
    /// <param name="stdEpsilon">δ.</param>
    public static Tensor Advantages(Tensor rewards, double stdEpsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.shape[1] < 2) throw new ArgumentException($"GRPO normalises within a group and needs K ≥ 2; got K = {rewards.shape[1]}.", nameof(rewards));
        using var noGrad = torch.no_grad();
        var r = rewards.detach();
        var mean = r.mean([1], keepdim: true);
        var std = r.std(1, unbiased: true, keepdim: true);
        return (r - mean) / (std + stdEpsilon);
    }

    /// <summary>The GRPO loss for n = B·K responses.</summary>
    /// <param name="tokenLogProbs">log π_w per response token with gradient, shape [n, T].</param>
    /// <param name="oldTokenLogProbs">log π_old per token (the sampling policy), shape [n, T].</param>
    /// <param name="referenceTokenLogProbs">log π_ref per token, shape [n, T].</param>
    /// <param name="mask">1 for response tokens, 0 for padding, shape [n, T].</param>
    /// <param name="advantages">Â per response, shape [n] (flatten <see cref="Advantages"/>).</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="beta">β.</param>
    public static PolicyLoss Loss(Tensor tokenLogProbs, Tensor oldTokenLogProbs, Tensor referenceTokenLogProbs, Tensor mask, Tensor advantages, double epsilon, double beta)
    {
        ArgumentNullException.ThrowIfNull(tokenLogProbs);
        var m = mask.to_type(tokenLogProbs.dtype);
        var a = advantages.detach().reshape(-1, 1);
        var ratio = torch.exp(tokenLogProbs - oldTokenLogProbs.detach());
        var surrogate = torch.minimum(ratio * a, ratio.clamp(1.0 - epsilon, 1.0 + epsilon) * a);
        var logRefRatio = referenceTokenLogProbs.detach() - tokenLogProbs;
        var k3 = torch.exp(logRefRatio) - logRefRatio - 1.0;
        var perToken = -surrogate + beta * k3;
        var perSequence = (perToken * m).sum(1) / m.sum(1).clamp_min(1.0);
        return new PolicyLoss(perSequence.mean()) { Used = (int)tokenLogProbs.shape[0] };
    }

    /// <summary>GRPO's objective on a rollout: token log-probabilities (π_old = the detached π_w of the same pass) and group advantages.</summary>
    internal static PolicyLoss Objective(RolloutBatch r, GrpoOptions o)
    {
        var tokenLogp = r.PolicyScores.TokenLogProbs;
        var advantages = r.GroupRewards?.BatchStandardized(o.StdEpsilon) is { } gdpo ? r.AsTensor(gdpo) // RewardAggregation.NormalizeThenSum
            : Advantages(r.Grouped(r.AsTensor(r.Rewards)), o.StdEpsilon).reshape(-1);
        return Loss(tokenLogp, tokenLogp.detach(), r.ReferenceScores.TokenLogProbs, r.PolicyScores.Mask, advantages, o.Epsilon, o.Beta);
    }
}
