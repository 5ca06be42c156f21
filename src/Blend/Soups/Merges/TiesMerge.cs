using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// TIES merging (Yadav et al. 2023): trim each task vector τᵢ = θᵢ − θ₀ to its top-<see cref="TaskVectorMerge.Density"/>
/// magnitudes, elect a sign per coordinate γ = sgn(Σ λᵢ τ̂ᵢ), and average only the entries that agree with it (disjoint
/// mean, weighted by λᵢ): θ = θ₀ + Σᵢ λᵢ τ̂ᵢ [sgn τ̂ᵢ = γ] / Σᵢ λᵢ [sgn τ̂ᵢ = γ] (the <see cref="TaskVectorMerge"/> rule
/// with magnitude trimming, sign consensus and normalization).
/// </summary>
public sealed record TiesMerge : TaskVectorMerge
{
    /// <summary>TIES with density 0.2, sign consensus and the disjoint mean.</summary>
    public TiesMerge()
    {
        Density = 0.2;
        SignConsensus = true;
        Normalize = true;
    }

    /// <inheritdoc />
    public override string Name => "ties";

    /// <inheritdoc />
    protected override void CheckInterpolation(IReadOnlyList<double> lambdas) => CheckSimplex(lambdas);

    private protected override Tensor Sparsify(Tensor tau, double density, int expert, string name) => Trim(tau, density);

    /// <summary>Keeps the k = max(1, ⌊density·n⌋) largest-magnitude entries of τ and zeroes the rest.</summary>
    internal static Tensor Trim(Tensor tau, double density)
    {
        if (density >= 1) return tau;
        long n = tau.numel();
        long k = Math.Max(1, (long)Math.Floor(density * n));
        var flat = tau.flatten();
        var (_, idx) = flat.abs().topk((int)k);
        var mask = zeros_like(flat).index_fill_(0, idx, 1.0);
        return (flat * mask).reshape(tau.shape);
    }
}

public static partial class Merge
{
    /// <summary>TIES merging: trim to <paramref name="density"/>, elect sign by summed mass, disjoint mean (Yadav et al. 2023).</summary>
    /// <param name="density">Fraction of each task vector kept by magnitude (default 0.2), in (0, 1].</param>
    /// <param name="baseModel">θ₀ (null: supplied later by <c>Soup.Base</c> or <c>WithBase</c>).</param>
    public static MergeMethod Ties(double density = 0.2, WeightSet? baseModel = null) =>
        new TiesMerge { Density = TaskVectorMerge.CheckDensity("TIES", density), Base = baseModel };

    /// <summary>TIES merging around a base policy θ₀ (see <see cref="Ties(double, WeightSet?)"/>).</summary>
    public static MergeMethod Ties(double density, Policy baseModel) => Ties(density, WeightSet.FromPolicy(baseModel, "base"));
}
