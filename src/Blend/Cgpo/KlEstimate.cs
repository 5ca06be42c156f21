using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Monte-Carlo estimates of KL(π ‖ π_ref) from responses sampled from π, in nats per response. With the per-token
/// log-ratio d_t = log π(y_t) − log π_ref(y_t): k1 = Σ_t d_t (unbiased, but one batch can be negative) and
/// k3 = Σ_t (e^{−d_t} − 1 + d_t) (unbiased and never negative, since e^{−x} ≥ 1 − x).
/// </summary>
public static class KlEstimate
{
    /// <summary>Mean over the batch of Σ_t d_t, the raw sequence log-ratio (k1). Can be negative on a finite batch.</summary>
    public static double K1(ResponseScores policy, ResponseScores reference)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = NewDisposeScope();
        return (policy.SequenceLogProbs.detach() - reference.SequenceLogProbs.detach()).mean().item<float>();
    }

    /// <summary>Mean over the batch of Σ_t (e^{−d_t} − 1 + d_t) (k3): a non-negative estimate of the same KL.</summary>
    public static double K3(ResponseScores policy, ResponseScores reference)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = NewDisposeScope();
        var d = (policy.TokenLogProbs.detach() - reference.TokenLogProbs.detach()).to(ScalarType.Float64);
        var perToken = (torch.exp(-d) - 1 + d) * policy.Mask.to(ScalarType.Float64);
        return perToken.sum(1).mean().item<double>();
    }

    /// <summary>
    /// The same k3 estimate per token: the mean over all response tokens of e^{−d_t} − 1 + d_t. With the sampling policy π_old
    /// as <paramref name="policy"/> and the current π_w as <paramref name="reference"/>, this is the approximate KL(π_old ‖ π_w)
    /// of a multi-epoch update (ρ − 1 − log ρ with ρ = π_w/π_old), the number PPO-style early stops compare with a bound.
    /// </summary>
    public static double K3PerToken(ResponseScores policy, ResponseScores reference)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = NewDisposeScope();
        var d = (policy.TokenLogProbs.detach() - reference.TokenLogProbs.detach()).to(ScalarType.Float64);
        var mask = policy.Mask.to(ScalarType.Float64);
        double tokens = mask.sum().item<double>();
        return tokens == 0 ? 0 : ((torch.exp(-d) - 1 + d) * mask).sum().item<double>() / tokens;
    }
}
