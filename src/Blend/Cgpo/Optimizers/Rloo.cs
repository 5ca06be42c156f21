using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>RLOO, REINFORCE with a leave-one-out baseline (Ahmadian et al. 2024). Reads <see cref="RlooOptions.Beta"/> (β).</summary>
/// <remarks>
/// <code>
/// r'_i = r_i − β (log π_w(a_i|s) − log π_ref(a_i|s))                  (detached)
/// A_i  = r'_i − (1/(K−1)) Σ_{j ≠ i, same prompt} r'_j
/// loss = −mean_i A_i · log π_w(a_i|s)
/// </code>
/// </remarks>
public static class Rloo
{
    /// <summary>The RLOO loss for B prompts × K responses.</summary>
    /// <param name="sequenceLogProbs">log π_w(a|s) with gradient, shape [B, K].</param>
    /// <param name="referenceSequenceLogProbs">log π_ref(a|s), shape [B, K].</param>
    /// <param name="rewards">r(s,a), shape [B, K].</param>
    /// <param name="beta">β.</param>
    public static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor referenceSequenceLogProbs, Tensor rewards, double beta)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        long k = sequenceLogProbs.shape[1];
        if (k < 2) throw new ArgumentException($"RLOO's leave-one-out baseline needs K ≥ 2; got K = {k}.", nameof(sequenceLogProbs));
        return Loss(sequenceLogProbs, Advantages(sequenceLogProbs.detach(), referenceSequenceLogProbs, rewards, beta));
    }

    /// <summary>A_i = r'_i − the mean r' of the other K − 1 responses of its prompt (detached), shape [B, K].</summary>
    /// <param name="sequenceLogProbs">log π(a|s), shape [B, K] (the sampling policy's).</param>
    /// <param name="referenceSequenceLogProbs">log π_ref(a|s), shape [B, K].</param>
    /// <param name="rewards">r(s,a), shape [B, K].</param>
    /// <param name="beta">β.</param>
    public static Tensor Advantages(Tensor sequenceLogProbs, Tensor referenceSequenceLogProbs, Tensor rewards, double beta)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        long k = sequenceLogProbs.shape[1];
        if (k < 2) throw new ArgumentException($"RLOO's leave-one-out baseline needs K ≥ 2; got K = {k}.", nameof(sequenceLogProbs));
        using var noGrad = torch.no_grad();
        var shaped = rewards.detach().to_type(sequenceLogProbs.dtype) - beta * (sequenceLogProbs.detach() - referenceSequenceLogProbs.detach());
        var others = (shaped.sum(1, keepdim: true) - shaped) / (k - 1);
        return shaped - others;
    }

    static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor advantages) =>
        new(-(advantages * sequenceLogProbs).mean()) { Used = (int)sequenceLogProbs.numel() };

    /// <summary>RLOO's objective on a rollout: advantages from the rewards and π_old's sequence log-ratios, per prompt; each minibatch's loss over its rows.</summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, RlooOptions o)
    {
        var advantages = Advantages(r.Grouped(r.LogProbs), r.Grouped(r.ReferenceLogProbs), r.Grouped(r.AsTensor(r.Rewards)), o.Beta).reshape(-1);
        return mb => Loss(mb.Grouped(mb.LogProbs), mb.Grouped(mb.Rows(advantages)));
    }
}
