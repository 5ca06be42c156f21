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
}
