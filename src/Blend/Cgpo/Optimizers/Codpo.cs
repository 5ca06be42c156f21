using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// CODPO, constrained online DPO (CGPO §4.2, eq. 14; docs/cgpo.md#codpo). Reads <see cref="CodpoOptions.Beta"/> (β) and
/// <see cref="CodpoOptions.Lambda"/> (λ).
/// </summary>
/// <remarks>
/// <code>
/// a+ = argmax_{a ∈ X+} r(s,a)       a− = argmin_{a ∈ X−} r(s,a)          (selection with ±∞ masks, docs/cgpo.md#masking)
/// no positive → skip the prompt;  no negative → a− = lowest-reward response other than a+ (fallback)
/// margin = [log π(a+) − log π_ref(a+)] − [log π(a−) − log π_ref(a−)]
/// loss   = −(1/B) Σ_i ( log σ(β·margin_i) + λ/|a+_i| · log π(a+_i) )            (skipped prompts add 0)
/// </code>
/// Masking by multiplying rewards with 0/1 (as TRL PR #2190 did) is wrong with negative rewards; masks here are ±∞.
/// </remarks>
public static class Codpo
{
    /// <summary>Picks (a+, a−) per prompt from the MoJ labels and the rewards.</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K], K ≥ 2.</param>
    /// <param name="passed">MoJ label per response (1 = passed every judge), shape [B, K].</param>
    public static IReadOnlyList<GroupChoice> Select(Tensor rewards, Tensor passed)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.shape[1] < 2) throw new ArgumentException($"CODPO needs at least 2 responses per prompt to form a pair; got K = {rewards.shape[1]}.", nameof(rewards));
        using var noGrad = torch.no_grad();
        var r = rewards.detach().to_type(ScalarType.Float64);
        var pos = passed.to_type(ScalarType.Bool);
        var chosen = r.masked_fill(pos.logical_not(), double.NegativeInfinity).argmax(1).data<long>().ToArray();
        var rejected = r.masked_fill(pos, double.PositiveInfinity).argmin(1).data<long>().ToArray();
        var anyPos = pos.any(1).data<bool>().ToArray();
        var anyNeg = pos.logical_not().any(1).data<bool>().ToArray();
        int b = anyPos.Length;
        var choices = new GroupChoice[b];
        for (int i = 0; i < b; i++)
        {
            if (!anyPos[i]) { choices[i] = GroupChoice.Skip; continue; }
            int plus = (int)chosen[i];
            if (anyNeg[i]) { choices[i] = new GroupChoice(ChoiceKind.Selected, plus, (int)rejected[i]); continue; }
            // All responses pass: a− is the lowest-reward response overall, excluding a+ itself (ties keep the first).
            var row = r[i].data<double>().ToArray();
            int minus = -1;
            for (int k = 0; k < row.Length; k++)
                if (k != plus && (minus < 0 || row[k] < row[minus])) minus = k;
            choices[i] = new GroupChoice(ChoiceKind.Fallback, plus, minus);
        }
        return choices;
    }

    /// <summary>The CODPO loss given the pairs of <see cref="Select"/>.</summary>
    /// <param name="sequenceLogProbs">log π_w(a|s) with gradient, shape [B, K].</param>
    /// <param name="referenceSequenceLogProbs">log π_ref(a|s), shape [B, K].</param>
    /// <param name="lengths">Number of response tokens |a| per response, shape [B, K].</param>
    /// <param name="choices">One choice per prompt.</param>
    /// <param name="beta">β.</param>
    /// <param name="lambda">λ.</param>
    public static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor referenceSequenceLogProbs, Tensor lengths, IReadOnlyList<GroupChoice> choices, double beta, double lambda)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        ArgumentNullException.ThrowIfNull(choices);
        int b = (int)sequenceLogProbs.shape[0];
        if (choices.Count != b) throw new ArgumentException($"CODPO: {b} prompts but {choices.Count} choices.", nameof(choices));
        var reference = referenceSequenceLogProbs.detach();
        var len = lengths.detach().to_type(sequenceLogProbs.dtype).clamp_min(1.0);
        var terms = new List<Tensor>();
        int skipped = 0, fallbacks = 0;
        foreach (var (c, i) in choices.Select((c, i) => (c, i)))
        {
            if (c.Kind == ChoiceKind.Skipped) { skipped++; continue; }
            if (c.Kind == ChoiceKind.Fallback) fallbacks++;
            var plus = sequenceLogProbs[i, c.Chosen];
            var margin = (plus - reference[i, c.Chosen]) - (sequenceLogProbs[i, c.Rejected] - reference[i, c.Rejected]);
            terms.Add(torch.nn.functional.logsigmoid(beta * margin) + lambda / len[i, c.Chosen] * plus);
        }
        var loss = terms.Count == 0 ? (sequenceLogProbs * 0.0).sum() : -torch.stack(terms).sum() / b;
        return new PolicyLoss(loss) { Used = terms.Count, Skipped = skipped, Fallbacks = fallbacks };
    }

    /// <summary>CODPO's objective on a rollout: pairs from rewards and MoJ labels (once per rollout), lengths |a| from the response mask; each minibatch's loss over its prompts.</summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, CodpoOptions o)
    {
        var choices = Select(r.Grouped(r.AsTensor(r.Rewards)), r.Grouped(r.PassedTensor()));
        return mb => Loss(mb.Grouped(mb.LogProbs), mb.Grouped(mb.ReferenceLogProbs), mb.Grouped(mb.Lengths()), mb.PerPrompt(choices), o.Beta, o.Lambda);
    }
}
