using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// DARE (Yu et al. 2024, "drop and rescale"), as mergekit's <c>dare_linear</c> and <c>dare_ties</c>: each entry of each
/// task vector τᵢ = θᵢ − θ₀ is kept with probability d (the density; drop rate p = 1 − d) and the survivors are rescaled
/// by 1/d, τ̃ᵢ = mᵢ ⊙ τᵢ / d with mᵢ ~ Bernoulli(d); then the <see cref="TaskVectorMerge"/> rule: <c>dare_linear</c>
/// θ = θ₀ + Σᵢ λᵢ τ̃ᵢ, <c>dare_ties</c> the same with TIES' sign consensus.
/// </summary>
/// <remarks>
/// The mask of expert i and tensor n comes from its own generator seeded from (<see cref="Seed"/>, i, n): the same seed
/// gives the same merge, in memory or out of core. Departure from mergekit: survivors are rescaled by the paper's 1/d,
/// where mergekit rescales each tensor to its original L1 norm (equal in expectation).
/// </remarks>
public sealed record DareMerge : TaskVectorMerge
{
    /// <summary>Drop probability p = 1 − density (the paper's parameter).</summary>
    public double DropRate => 1 - Density;

    /// <summary>Seed of the drop masks (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>True (default) to rescale survivors by 1/d; false keeps them as they are.</summary>
    public bool Rescale { get; init; } = true;

    /// <inheritdoc />
    public override string Name => SignConsensus ? "dare_ties" : "dare_linear";

    private protected override Tensor Sparsify(Tensor tau, double density, int expert, string name)
    {
        if (density >= 1) return tau;
        var keep = KeepMask(tau.shape, density, Seed, expert, name).to(tau.device);
        return Rescale ? tau * keep / density : tau * keep;
    }

    /// <summary>The keep mask (1 with probability <paramref name="density"/>) of expert <paramref name="expert"/> for tensor <paramref name="name"/>.</summary>
    internal static Tensor KeepMask(long[] shape, double density, int seed, int expert, string name)
    {
        using var generator = BlendRuntime.Generator(seed, $"dare/{expert}/{name}");
        return (rand(shape, ScalarType.Float32, CPU, generator: generator) >= 1 - density).to_type(ScalarType.Float32);
    }
}

public static partial class Merge
{
    /// <summary>DARE: drop task-vector entries with probability <paramref name="p"/>, rescale by 1/(1 − p), then task arithmetic (<c>dare_linear</c>).</summary>
    /// <param name="p">Drop probability (default 0.9), in [0, 1).</param>
    /// <param name="seed">Seed of the drop masks (default 0).</param>
    /// <param name="baseModel">θ₀ (null: supplied later by <c>Soup.Base</c> or <c>WithBase</c>).</param>
    public static MergeMethod Dare(double p = 0.9, int seed = 0, WeightSet? baseModel = null)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "DARE drop probability must be in [0, 1).");
        return new DareMerge { Density = 1 - p, Seed = seed, Base = baseModel };
    }

    /// <summary>DARE around a base policy θ₀ (see <see cref="Dare(double, int, WeightSet?)"/>).</summary>
    public static MergeMethod Dare(double p, int seed, Policy baseModel) => Dare(p, seed, WeightSet.FromPolicy(baseModel, "base"));

    /// <summary>mergekit's <c>dare_linear</c>: keep each task-vector entry with probability <paramref name="density"/>, rescale by 1/density, add the weighted sum to θ₀.</summary>
    /// <param name="density">Keep probability d, in (0, 1].</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod DareLinear(double density, int seed = 0, WeightSet? baseModel = null) =>
        new DareMerge { Density = TaskVectorMerge.CheckDensity("DARE", density), Seed = seed, Base = baseModel };

    /// <summary>mergekit's <c>dare_ties</c>: DARE's random drop and rescale, then TIES' sign election (weighted sum, no mean).</summary>
    /// <param name="density">Keep probability d, in (0, 1].</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod DareTies(double density, int seed = 0, WeightSet? baseModel = null) =>
        new DareMerge { Density = TaskVectorMerge.CheckDensity("DARE", density), Seed = seed, Base = baseModel, SignConsensus = true };
}
