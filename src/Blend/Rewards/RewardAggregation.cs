namespace Blend;

/// <summary>
/// How a <see cref="RewardMixture"/> with several components forms the signal a group-relative optimizer (GRPO and its
/// variants) turns into advantages, over a prompt-major batch of B groups of K responses to one prompt each.
/// </summary>
/// <remarks>
/// With components r_k, weights w_k and a group g of K responses to one prompt (TRL's <c>multi_objective_aggregation</c>):
/// <code>
/// sum-then-normalize:  s_i = Σ_k w_k r_{i,k}                         the optimizer then normalizes s within each group
///                                                                    (GRPO: Â_i = (s_i − mean_g s) / (std_g s + δ))
/// normalize-then-sum:  z_{i,k} = (r_{i,k} − mean_g r_k) / (std_g r_k + δ)     (std unbiased, δ = 1e-4; 0 when K = 1)
/// (GDPO)               s_i = Σ_k w_k z_{i,k}                         already group-relative: the optimizer standardizes
///                                                                    it over the whole batch, Â_i = (s_i − mean s) / (std s + δ)
/// </code>
/// Normalizing the sum maps different reward combinations to the same advantage: with two 0/1 rewards and K = 2, a group
/// scoring (0,0),(1,0) and a group scoring (0,0),(1,1) both get Â = ∓0.707, although the second response of the second group
/// satisfied twice as much. Normalizing each component first keeps them apart (the second group's advantages are twice the
/// first's). A component that does not apply to a group's task contributes nothing to it. r_{i,k} is the component's value
/// after the mixture's running normalization and clipping, when those are on. The total reward r(s, a) that metrics, CGPO's
/// calibration and evaluation read stays Σ_k w_k r_k in both modes (docs/rewards.md#aggregation).
/// </remarks>
public enum RewardAggregation
{
    /// <summary>Weighted sum first; the optimizer normalizes the sum within each group (GRPO; the default).</summary>
    SumThenNormalize,

    /// <summary>GDPO: each component normalized within its group, then the weighted sum (arXiv 2601.05242).</summary>
    NormalizeThenSum,
}

/// <summary>The normalizations of <see cref="RewardAggregation"/>, on prompt-major rows.</summary>
internal static class GroupNormalization
{
    /// <summary>The δ of TRL's group and batch normalization.</summary>
    public const double Delta = 1e-4;

    /// <summary>(x − mean_g x) / (std_g x + δ) within each group of <paramref name="k"/> consecutive rows (unbiased std; 0 when K = 1).</summary>
    public static double[] WithinGroups(IReadOnlyList<double> x, int k, double delta = Delta)
    {
        if (k < 1 || x.Count % k != 0) throw new ArgumentException($"{x.Count} rows are not groups of K = {k} responses (prompt-major rows, K per prompt).");
        var z = new double[x.Count];
        for (int g = 0; g < x.Count; g += k)
        {
            var (mean, std) = Moments(x, g, k);
            for (int i = g; i < g + k; i++) z[i] = k == 1 ? 0.0 : (x[i] - mean) / (std + delta);
        }
        return z;
    }

    /// <summary>(x − mean x) / (std x + δ) over every row (unbiased std; 0 for a single row).</summary>
    public static double[] OverBatch(IReadOnlyList<double> x, double delta = Delta) => WithinGroups(x, Math.Max(1, x.Count), delta);

    static (double Mean, double Std) Moments(IReadOnlyList<double> x, int start, int count)
    {
        double mean = 0;
        for (int i = start; i < start + count; i++) mean += x[i];
        mean /= count;
        if (count < 2) return (mean, 0);
        double ss = 0;
        for (int i = start; i < start + count; i++) ss += (x[i] - mean) * (x[i] - mean);
        return (mean, Math.Sqrt(ss / (count - 1)));
    }
}
