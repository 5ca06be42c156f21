using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Online DPO (Guo et al. 2024): per prompt, chosen = the highest-reward response, rejected = the lowest-reward one, then the
/// DPO loss. Judges are not used. Reads <see cref="OnlineDpoOptions.Beta"/> (β).
/// </summary>
/// <remarks>
/// <code>
/// y_w = argmax_k r(s,a^k)   y_l = argmin_{k ≠ w} r(s,a^k)   (all rewards equal → skip: no preference)
/// loss = −(1/B) Σ_i log σ(β · margin_i)                    (skipped prompts add 0)
/// </code>
/// </remarks>
public static class OnlineDpo
{
    /// <summary>Picks (chosen, rejected) per prompt by reward.</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K], K ≥ 2.</param>
    public static IReadOnlyList<GroupChoice> Select(Tensor rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.shape[1] < 2) throw new ArgumentException($"Online DPO needs at least 2 responses per prompt to form a pair; got K = {rewards.shape[1]}.", nameof(rewards));
        using var noGrad = torch.no_grad();
        var r = rewards.detach().to_type(ScalarType.Float64);
        int b = (int)r.shape[0], k = (int)r.shape[1];
        var values = r.data<double>().ToArray();
        var choices = new GroupChoice[b];
        for (int i = 0; i < b; i++)
        {
            int w = 0, l = -1;
            for (int j = 1; j < k; j++) if (values[i * k + j] > values[i * k + w]) w = j;
            for (int j = 0; j < k; j++) if (j != w && (l < 0 || values[i * k + j] < values[i * k + l])) l = j;
            choices[i] = values[i * k + w] > values[i * k + l] ? new GroupChoice(ChoiceKind.Selected, w, l) : GroupChoice.Skip;
        }
        return choices;
    }

    /// <summary>The DPO loss over the selected pairs, divided by the number of prompts B.</summary>
    /// <param name="sequenceLogProbs">log π_w(a|s) with gradient, shape [B, K].</param>
    /// <param name="referenceSequenceLogProbs">log π_ref(a|s), shape [B, K].</param>
    /// <param name="choices">One choice per prompt.</param>
    /// <param name="beta">β.</param>
    public static PolicyLoss Loss(Tensor sequenceLogProbs, Tensor referenceSequenceLogProbs, IReadOnlyList<GroupChoice> choices, double beta)
    {
        ArgumentNullException.ThrowIfNull(sequenceLogProbs);
        ArgumentNullException.ThrowIfNull(choices);
        int b = (int)sequenceLogProbs.shape[0];
        if (choices.Count != b) throw new ArgumentException($"Online DPO: {b} prompts but {choices.Count} choices.", nameof(choices));
        var reference = referenceSequenceLogProbs.detach();
        var terms = new List<Tensor>();
        for (int i = 0; i < b; i++)
        {
            var c = choices[i];
            if (c.Kind == ChoiceKind.Skipped) continue;
            var margin = (sequenceLogProbs[i, c.Chosen] - reference[i, c.Chosen]) - (sequenceLogProbs[i, c.Rejected] - reference[i, c.Rejected]);
            terms.Add(torch.nn.functional.logsigmoid(beta * margin));
        }
        var loss = terms.Count == 0 ? (sequenceLogProbs * 0.0).sum() : -torch.stack(terms).sum() / b;
        return new PolicyLoss(loss) { Used = terms.Count, Skipped = b - terms.Count };
    }

    /// <summary>Online DPO's objective on a rollout: the best and worst response of each prompt by reward (once per rollout); each minibatch's loss over its prompts.</summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, OnlineDpoOptions o)
    {
        var choices = Select(r.Grouped(r.AsTensor(r.Rewards)));
        return mb => Loss(mb.Grouped(mb.LogProbs), mb.Grouped(mb.ReferenceLogProbs), mb.PerPrompt(choices), o.Beta);
    }
}
