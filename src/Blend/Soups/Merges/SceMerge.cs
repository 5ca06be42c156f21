using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// SCE (Wan et al. 2024, FuseChat: select, calculate, erase; mergekit's <c>sce</c>), per tensor with task vectors τᵢ = θᵢ − θ₀:
/// <list type="number">
/// <item>select: when <see cref="SelectTopK"/> k &lt; 1, keep the ⌊k·z⌋ entries with the largest variance across the models
/// (population variance, z the number of entries with non-zero variance) in every τᵢ, zero the rest;</item>
/// <item>calculate: wᵢ ∝ λᵢ·mean(τᵢ²), normalized to sum 1 (uniform when Σ λᵢ·mean(τᵢ²) &lt; 1e-6; mergekit has no λ, i.e. uniform λ);</item>
/// <item>erase: TIES' sign election on Σ τᵢ, mask mᵢ = [sgn τᵢ = γ];</item>
/// </list>
/// θ = θ₀ + Σᵢ wᵢ mᵢ τᵢ / max(Σᵢ wᵢ mᵢ, 1e-6).
/// </summary>
public sealed record SceMerge : MergeMethod
{
    /// <summary>Fraction k of entries kept by variance (default 1: keep all; mergekit's <c>select_topk</c>).</summary>
    public double SelectTopK { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => "sce";

    /// <inheritdoc />
    public override bool NeedsBase => true;

    // Not a constant: a literal 0 would bind to sum(ScalarType) through the implicit zero-to-enum conversion.
    static readonly long ModelAxis = 0;

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        var theta0 = inputs.BaseFloat();
        var taus = stack(Enumerable.Range(0, inputs.Count).Select(i => inputs.ExpertFloat(i) - theta0).ToList());
        if (SelectTopK < 1) taus = taus * SelectMask(taus, SelectTopK).unsqueeze(0);
        var elected = taus.sum(ModelAxis).sign();
        var mask = ((taus.sign() == elected.unsqueeze(0)) & (taus != 0)).to_type(taus.dtype);
        var energy = Enumerable.Range(0, inputs.Count).Select(i => lambdas[i] * taus[i].square().mean().item<float>()).ToArray();
        double sum = energy.Sum();
        var w = sum < 1e-6 ? energy.Select(_ => 1.0 / energy.Length).ToArray() : energy.Select(e => e / sum).ToArray();
        var weights = tensor(w, taus.dtype, inputs.Device).reshape([inputs.Count, .. Enumerable.Repeat(1L, (int)theta0.dim())]);
        var erased = weights * mask;
        acc.copy_(theta0 + (taus * erased).sum(ModelAxis) / erased.sum(ModelAxis).clamp_min(1e-6));
    }

    /// <summary>The select step's mask (shape of one tensor): 1 on the ⌊k·z⌋ entries of largest variance across the models.</summary>
    internal static Tensor SelectMask(Tensor taus, double k)
    {
        var variance = taus.var(ModelAxis, unbiased: false);
        long nonzero = variance.count_nonzero().item<long>();
        long keep = (long)Math.Floor(nonzero * k);
        var mask = zeros_like(variance);
        if (keep == 0) return mask;
        var (_, idx) = variance.reshape(-1).topk((int)keep);
        return mask.reshape(-1).index_fill_(0, idx, 1.0).reshape(variance.shape);
    }
}

public static partial class Merge
{
    /// <summary>SCE: select high-variance entries, weight task vectors by their mean square, erase sign conflicts (Wan et al. 2024).</summary>
    /// <param name="selectTopK">Fraction of entries kept by variance, in (0, 1] (default 1).</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod Sce(double selectTopK = 1, WeightSet? baseModel = null) =>
        new SceMerge { SelectTopK = TaskVectorMerge.CheckDensity("SCE select_topk", selectTopK), Base = baseModel };
}
