using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// DELLA (Deep, Bhattacharyya et al. 2024, MagPrune), as mergekit's <c>della</c> and <c>della_linear</c>: within each row of a
/// task vector τᵢ = θᵢ − θ₀ (a 1-D tensor is one row; higher ranks are viewed as [rows, −1]) the m entries are ranked by
/// magnitude, r = 1 for the smallest, and kept with probability pᵣ = d − ε + 2ε·(r − 1)/(m − 1) (pᵣ = d when m = 1), so larger
/// entries survive more often; survivors are rescaled by 1/pᵣ (<see cref="Rescale"/>); then the <see cref="TaskVectorMerge"/>
/// rule: <c>della</c> with TIES' sign consensus and the weighted mean, <c>della_linear</c> θ = θ₀ + Σᵢ λᵢ τ̃ᵢ.
/// </summary>
/// <remarks>
/// d ± ε must lie in (0, 1). The mask of expert i and tensor n comes from its own generator seeded from (<see cref="Seed"/>,
/// i, n). Departure from mergekit: survivors are rescaled by the paper's 1/pᵣ, where mergekit rescales each tensor to its
/// original L1 norm.
/// </remarks>
public sealed record DellaMerge : TaskVectorMerge
{
    /// <summary>Half-width ε of the keep probabilities around the density (default 0.15).</summary>
    public double Epsilon { get; init; } = 0.15;

    /// <summary>Seed of the masks (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>True (default) to rescale survivors by 1/pᵣ.</summary>
    public bool Rescale { get; init; } = true;

    /// <inheritdoc />
    public override string Name => SignConsensus ? "della" : "della_linear";

    private protected override Tensor Sparsify(Tensor tau, double density, int expert, string name)
    {
        if (density >= 1) return tau;
        if (!(density - Epsilon > 0 && density + Epsilon < 1))
            throw new ArgumentException($"{Name} merge: density ± epsilon must lie in (0, 1); got density {density}, epsilon {Epsilon}.");
        var p = KeepProbabilities(tau, density, Epsilon);
        using var generator = BlendRuntime.Generator(Seed, $"della/{expert}/{name}");
        var keep = (rand(tau.shape, ScalarType.Float32, CPU, generator: generator).to(tau.device) < p).to_type(tau.dtype);
        return Rescale ? tau * keep / p : tau * keep;
    }

    /// <summary>pᵣ for every entry of τ (same shape), from its magnitude rank within its row.</summary>
    internal static Tensor KeepProbabilities(Tensor tau, double density, double epsilon)
    {
        var rows = tau.dim() <= 1 ? tau.reshape(1, -1) : tau.reshape(tau.shape[0], -1);
        long m = rows.shape[1];
        if (m <= 1) return full_like(tau, density);
        var order = rows.abs().sort(1, descending: false, stable: true).Indices;
        var ranks = order.sort(1, descending: false, stable: true).Indices.to_type(tau.dtype);
        var p = ranks / (m - 1) * (2 * epsilon) + (density - epsilon);
        return p.reshape(tau.shape);
    }
}

public static partial class Merge
{
    /// <summary>DELLA (<c>della</c>): magnitude-ranked random drop around <paramref name="density"/> ± <paramref name="epsilon"/>, rescale by 1/p, TIES' sign election and weighted mean.</summary>
    /// <param name="density">Mean keep probability d.</param>
    /// <param name="epsilon">Half-width ε of the keep probabilities (d ± ε in (0, 1)).</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod Della(double density, double epsilon = 0.15, int seed = 0, WeightSet? baseModel = null) =>
        new DellaMerge { Density = TaskVectorMerge.CheckDensity("DELLA", density), Epsilon = epsilon, Seed = seed, Base = baseModel, SignConsensus = true, Normalize = true };

    /// <summary>DELLA without sign election (<c>della_linear</c>): θ = θ₀ + Σ λᵢ τ̃ᵢ.</summary>
    /// <param name="density">Mean keep probability d.</param>
    /// <param name="epsilon">Half-width ε of the keep probabilities (d ± ε in (0, 1)).</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod DellaLinear(double density, double epsilon = 0.15, int seed = 0, WeightSet? baseModel = null) =>
        new DellaMerge { Density = TaskVectorMerge.CheckDensity("DELLA", density), Epsilon = epsilon, Seed = seed, Base = baseModel };
}
