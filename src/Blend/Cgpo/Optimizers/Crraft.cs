using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// CRRAFT, calibrated-regularized reward-ranked fine-tuning (CGPO §4.2, eq. 17–18; docs/cgpo.md#crraft). Reads
/// <see cref="CrraftOptions.KlMax"/>.
/// </summary>
/// <remarks>
/// <code>
/// per prompt: survivors = { a^k : passes every judge and log π_w(a^k|s) − log π_ref(a^k|s) ≤ KL_max }
///             a* = argmax_{survivors} r(s,a)                                       (eq. 17, ±∞ masks)
///             no survivor → ā (the baseline) if ā passes every judge, with R_calib(s,ā) = σ(0) = 0.5; else skip
/// loss = −(1/B) Σ_i R_calib(s_i, a*_i) · log π_w(a*_i|s_i)                          (eq. 18; skipped prompts add 0)
/// </code>
/// Negatives are ignored. n in eq. 18 is the number of prompts B in the batch, skipped prompts included.
/// </remarks>
public static class Crraft
{
    /// <summary>The calibrated reward CRRAFT gives the baseline response when it falls back to it: σ(r̄ − r̄) = 0.5.</summary>
    public const double BaselineWeight = 0.5;

    /// <summary>Picks a* per prompt (filter by judges and KL, argmax reward, baseline fallback, else skip).</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K].</param>
    /// <param name="passed">MoJ label per response (1 = passed every judge), shape [B, K].</param>
    /// <param name="logRatio">log π_w(a|s) − log π_ref(a|s) per response, shape [B, K].</param>
    /// <param name="baselinePassed">Whether each prompt's baseline ā passes every judge, one per prompt.</param>
    /// <param name="klMax">KL_max in nats.</param>
    public static IReadOnlyList<GroupChoice> Select(Tensor rewards, Tensor passed, Tensor logRatio, IReadOnlyList<bool> baselinePassed, double klMax)
    {
        ArgumentNullException.ThrowIfNull(baselinePassed);
        using var noGrad = torch.no_grad();
        var survives = passed.to_type(ScalarType.Bool).logical_and(logRatio.detach() <= klMax);
        var masked = rewards.detach().to_type(ScalarType.Float64).masked_fill(survives.logical_not(), double.NegativeInfinity);
        var best = masked.argmax(1).data<long>().ToArray();
        var any = survives.any(1).data<bool>().ToArray();
        if (baselinePassed.Count != any.Length) throw new ArgumentException($"CRRAFT: {any.Length} prompts but {baselinePassed.Count} baseline flags.", nameof(baselinePassed));
        var choices = new GroupChoice[any.Length];
        for (int i = 0; i < any.Length; i++)
            choices[i] = any[i] ? new GroupChoice(ChoiceKind.Selected, (int)best[i])
                : baselinePassed[i] ? new GroupChoice(ChoiceKind.Fallback, -1)
                : GroupChoice.Skip;
        return choices;
    }

    /// <summary>The R_calib-weighted NLL of eq. 18 given the choices of <see cref="Select"/>.</summary>
    /// <param name="sequenceLogProbs">log π_w(a|s) with gradient, shape [B, K].</param>
    /// <param name="calibratedRewards">R_calib per response, shape [B, K].</param>
    /// <param name="choices">One choice per prompt.</param>
    /// <param name="baselineSequenceLogProbs">log π_w(ā|s) with gradient, shape [B]; needed only when a choice is a fallback.</param>
    public static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor calibratedRewards, IReadOnlyList<GroupChoice> choices, Tensor? baselineSequenceLogProbs = null)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        ArgumentNullException.ThrowIfNull(choices);
        int b = (int)sequenceLogProbs.shape[0];
        if (choices.Count != b) throw new ArgumentException($"CRRAFT: {b} prompts but {choices.Count} choices.", nameof(choices));
        var weights = calibratedRewards.detach().to_type(sequenceLogProbs.dtype);
        var terms = new List<Tensor>();
        int used = 0, fallbacks = 0, skipped = 0;
        for (int i = 0; i < b; i++)
        {
            var c = choices[i];
            switch (c.Kind)
            {
                case ChoiceKind.Selected:
                    terms.Add(weights[i, c.Chosen] * sequenceLogProbs[i, c.Chosen]);
                    used++;
                    break;
                case ChoiceKind.Fallback:
                    if (baselineSequenceLogProbs is null) throw new ArgumentException($"CRRAFT: prompt {i} falls back to its baseline response but no baseline log-probabilities were given.", nameof(baselineSequenceLogProbs));
                    terms.Add(BaselineWeight * baselineSequenceLogProbs[i]);
                    used++;
                    fallbacks++;
                    break;
                default:
                    skipped++;
                    break;
            }
        }
        var loss = terms.Count == 0 ? (sequenceLogProbs * 0.0).sum() : -torch.stack(terms).sum() / b;
        return new PolicyLoss(loss) { Used = used, Skipped = skipped, Fallbacks = fallbacks };
    }

    /// <summary>
    /// CRRAFT's objective on a rollout: a* per prompt from rewards, MoJ labels and π_old's log-ratios, chosen once on the whole
    /// rollout; each minibatch's loss over its prompts, with the baseline ā scored under π_w with gradient only when one of them
    /// falls back to it.
    /// </summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, CrraftOptions o)
    {
        var choices = Select(r.Grouped(r.AsTensor(r.Rewards)), r.Grouped(r.PassedTensor()), r.Grouped(r.LogProbs.detach() - r.ReferenceLogProbs),
            r.Baselines.Select(x => x.Passed).ToList(), o.KlMax);
        return mb =>
        {
            var mine = mb.PerPrompt(choices);
            var baselineLogp = mine.Any(c => c.Kind == ChoiceKind.Fallback) ? mb.BaselineLogProbs() : null;
            return Loss(mb.Grouped(mb.LogProbs), mb.Grouped(mb.AsTensor(mb.Calibrated)), mine, baselineLogp);
        };
    }
}
