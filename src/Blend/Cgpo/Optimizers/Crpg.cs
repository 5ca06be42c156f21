using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// CRPG, calibrated-regularized policy gradient (CGPO §4.2, eq. 11–12; docs/cgpo.md#crpg). Reads <see cref="CrpgOptions.KlMax"/>.
/// </summary>
/// <remarks>
/// <code>
/// R_cr(s,a)  = R_calib(s,a) · 1[(s,a) passes every judge]
/// R̃_cr(s,a) = max(1 − (log π_w(a|s) − log π_ref(a|s)) / KL_max, 0) · R_cr(s,a)       (eq. 11)
/// ĝ = (1/n) Σ_i ∇ log π_w(a_i|s_i) · (R̃_cr,i − (1/n) Σ_j R̃_cr,j)                     (eq. 12)
/// loss = −(1/n) Σ_i log π_w(a_i|s_i) · A_i    with A = R̃_cr − mean(R̃_cr) held constant
/// </code>
/// The weight is detached (no gradient through the KL factor). A negative log-ratio gives a hinge above 1, exactly as eq. 11.
/// </remarks>
public static class Crpg
{
    /// <summary>R̃_cr of eq. 11 for each sample (detached).</summary>
    /// <param name="calibratedRewards">R_calib per sample, shape [n].</param>
    /// <param name="passed">1 where the sample passed every judge, 0 otherwise (bool or float), shape [n].</param>
    /// <param name="logRatio">log π_w(a|s) − log π_ref(a|s) per sample (sequence level), shape [n].</param>
    /// <param name="klMax">KL_max in nats.</param>
    public static Tensor Rewards(Tensor calibratedRewards, Tensor passed, Tensor logRatio, double klMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(klMax);
        using var noGrad = torch.no_grad();
        var hinge = (1.0 - logRatio.detach() / klMax).clamp_min(0.0);
        return hinge * calibratedRewards.detach() * passed.to_type(calibratedRewards.dtype);
    }

    /// <summary>The CRPG loss for a batch of n = B·K samples.</summary>
    /// <param name="sequenceLogProbs">log π_w(a_i|s_i) with gradient, shape [n].</param>
    /// <param name="referenceSequenceLogProbs">log π_ref(a_i|s_i), shape [n].</param>
    /// <param name="calibratedRewards">R_calib per sample, shape [n].</param>
    /// <param name="passed">MoJ label per sample (1 = passed all judges), shape [n].</param>
    /// <param name="klMax">KL_max in nats.</param>
    public static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor referenceSequenceLogProbs, Tensor calibratedRewards, Tensor passed, double klMax)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        int n = (int)sequenceLogProbs.shape[0];
        if (n == 0) throw new ArgumentException("CRPG: the batch is empty.", nameof(sequenceLogProbs));
        var advantages = Advantages(calibratedRewards, passed, sequenceLogProbs.detach() - referenceSequenceLogProbs.detach(), klMax);
        return Loss(sequenceLogProbs, advantages);
    }

    /// <summary>A = R̃_cr − mean(R̃_cr) over the batch (detached), the weights of eq. 12.</summary>
    /// <param name="calibratedRewards">R_calib per sample, shape [n].</param>
    /// <param name="passed">MoJ label per sample, shape [n].</param>
    /// <param name="logRatio">log π_w(a|s) − log π_ref(a|s) per sample, shape [n].</param>
    /// <param name="klMax">KL_max in nats.</param>
    public static Tensor Advantages(Tensor calibratedRewards, Tensor passed, Tensor logRatio, double klMax)
    {
        var weights = Rewards(calibratedRewards, passed, logRatio, klMax);
        return weights - weights.mean();
    }

    static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor advantages) =>
        new(-(sequenceLogProbs * advantages).mean()) { Used = (int)sequenceLogProbs.shape[0] };

    /// <summary>
    /// CRPG's objective on a rollout: A from R_calib, the MoJ labels and each response's sequence log-ratio under π_old, over
    /// the whole rollout; each minibatch's loss is −mean_i log π_w(a_i|s_i) · A_i over its rows.
    /// </summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, CrpgOptions o)
    {
        var advantages = Advantages(r.AsTensor(r.Calibrated), r.PassedTensor(), r.LogProbs.detach() - r.ReferenceLogProbs, o.KlMax);
        return mb => Loss(mb.LogProbs, mb.Rows(advantages));
    }
}
