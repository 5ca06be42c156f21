using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>DPO, direct preference optimisation on (chosen, rejected) pairs. Reads <see cref="DpoOptions.Beta"/> (β).</summary>
/// <remarks>
/// <code>
/// margin = [log π(y_w|x) − log π_ref(y_w|x)] − [log π(y_l|x) − log π_ref(y_l|x)]
/// loss   = −mean_pairs log σ(β · margin)
/// </code>
/// </remarks>
public static class Dpo
{
    /// <summary>The DPO loss averaged over the pairs.</summary>
    /// <param name="chosenLogProbs">log π_w(y_w|x) with gradient, shape [m].</param>
    /// <param name="rejectedLogProbs">log π_w(y_l|x) with gradient, shape [m].</param>
    /// <param name="referenceChosenLogProbs">log π_ref(y_w|x), shape [m].</param>
    /// <param name="referenceRejectedLogProbs">log π_ref(y_l|x), shape [m].</param>
    /// <param name="beta">β.</param>
    public static PolicyLoss Loss(Tensor chosenLogProbs, Tensor rejectedLogProbs, Tensor referenceChosenLogProbs, Tensor referenceRejectedLogProbs, double beta)
    {
        ArgumentNullException.ThrowIfNull(chosenLogProbs);
        int m = (int)chosenLogProbs.shape[0];
        if (m == 0) throw new ArgumentException("DPO: no preference pairs.", nameof(chosenLogProbs));
        var margin = (chosenLogProbs - referenceChosenLogProbs.detach()) - (rejectedLogProbs - referenceRejectedLogProbs.detach());
        var loss = -torch.nn.functional.logsigmoid(beta * margin).mean();
        return new PolicyLoss(loss) { Used = m };
    }

    /// <summary>
    /// Offline DPO's objective on a rollout of preference pairs: K = 2 rows per pair, the chosen response first, the rejected
    /// one second (see <see cref="CgpoTask.Pairs"/>); rewards and judges are not used.
    /// </summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, DpoOptions o) => mb =>
    {
        var logp = mb.Grouped(mb.LogProbs);
        var reference = mb.Grouped(mb.ReferenceLogProbs);
        return Loss(logp[.., 0], logp[.., 1], reference[.., 0], reference[.., 1], o.Beta);
    };
}
