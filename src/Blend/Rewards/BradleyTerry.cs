using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The Bradley–Terry pairwise loss of reward-model training (CGPO §2; docs/cgpo.md#reward-model):
/// L = mean_i[ −log σ(r_c,i − r_r,i − m_i) ] + c · mean_i[ (r_c,i + r_r,i)² ].
/// </summary>
/// <remarks>
/// The centering term is TRL's <c>center_rewards_coefficient</c> form (Eisenstein et al. 2023): it penalises the squared
/// <em>sum</em> of the two rewards of a pair, which pins the per-prompt offset the BT loss leaves free near zero and so keeps
/// scores comparable across prompts. The margin m (TRL's <c>margin</c> column, Llama 2's margin loss) asks the chosen
/// reward to exceed the rejected one by at least m before the loss flattens.
/// </remarks>
public static class BradleyTerry
{
    /// <summary>The scalar loss for a batch of pairs (all tensors shape [B]).</summary>
    /// <param name="chosen">Rewards r_c of the chosen responses.</param>
    /// <param name="rejected">Rewards r_r of the rejected responses.</param>
    /// <param name="margin">Per-pair margins m (shape [B]) or null for 0.</param>
    /// <param name="centerCoefficient">Coefficient c of the centering penalty (default 0: none).</param>
    public static Tensor Loss(Tensor chosen, Tensor rejected, Tensor? margin = null, double centerCoefficient = 0.0)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(rejected);
        if (!chosen.shape.SequenceEqual(rejected.shape))
            throw new ArgumentException($"BradleyTerry.Loss: chosen has shape [{string.Join(",", chosen.shape)}] but rejected has [{string.Join(",", rejected.shape)}].");
        using var scope = NewDisposeScope();
        var diff = chosen - rejected;
        if (margin is not null) diff = diff - margin;
        var loss = -nn.functional.logsigmoid(diff).mean();
        if (centerCoefficient != 0.0) loss = loss + centerCoefficient * (chosen + rejected).pow(2).mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The same loss on plain numbers (for checks and notebooks).</summary>
    public static double Loss(IReadOnlyList<double> chosen, IReadOnlyList<double> rejected, IReadOnlyList<double>? margin = null, double centerCoefficient = 0.0)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(rejected);
        if (chosen.Count != rejected.Count || chosen.Count == 0) throw new ArgumentException($"BradleyTerry.Loss: {chosen.Count} chosen and {rejected.Count} rejected rewards (need equal, non-zero counts).");
        if (margin is not null && margin.Count != chosen.Count) throw new ArgumentException($"BradleyTerry.Loss: {margin.Count} margins for {chosen.Count} pairs.");
        double bt = 0, center = 0;
        for (int i = 0; i < chosen.Count; i++)
        {
            double d = chosen[i] - rejected[i] - (margin?[i] ?? 0.0);
            bt += Softplus(-d);
            center += (chosen[i] + rejected[i]) * (chosen[i] + rejected[i]);
        }
        return bt / chosen.Count + centerCoefficient * center / chosen.Count;
    }

    /// <summary>P(chosen ≻ rejected) = σ(r_c − r_r) under the Bradley–Terry model.</summary>
    public static double Probability(double chosen, double rejected) => Sigmoid(chosen - rejected);

    /// <summary>The logistic function σ(x) = 1 / (1 + e^−x), computed stably.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    static double Softplus(double x) => x > 30 ? x : Math.Log(1.0 + Math.Exp(x));
}
