using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Model Breadcrumbs (Davari &amp; Belilovsky 2023), as mergekit's <c>breadcrumbs</c> and <c>breadcrumbs_ties</c>: each
/// task vector τᵢ = θᵢ − θ₀ of n entries loses its ⌊γ·n⌋ largest-magnitude entries (outliers) and then its smallest ones,
/// so that ⌊d·n⌋ entries remain (d the density; when d + γ &gt; 1 fewer outliers go, n_top = n − ⌊d·n⌋); then the
/// <see cref="TaskVectorMerge"/> rule: <c>breadcrumbs</c> θ = θ₀ + Σᵢ λᵢ τ̃ᵢ, <c>breadcrumbs_ties</c> the same with TIES'
/// sign consensus. No rescaling.
/// </summary>
/// <remarks>Departure from mergekit: when ⌊γ·n⌋ = 0 mergekit's slice <c>[n_bot:-0]</c> keeps nothing; Blend keeps the
/// ⌊d·n⌋ largest.</remarks>
public sealed record BreadcrumbsMerge : TaskVectorMerge
{
    /// <summary>Fraction γ of the largest-magnitude entries removed as outliers (default 0.01).</summary>
    public double Gamma { get; init; } = 0.01;

    /// <inheritdoc />
    public override string Name => SignConsensus ? "breadcrumbs_ties" : "breadcrumbs";

    private protected override Tensor Sparsify(Tensor tau, double density, int expert, string name) => Mask(tau, density, Gamma);

    /// <summary>τ with its γ-outliers and its smallest entries zeroed, ⌊density·n⌋ entries kept (ties broken by position).</summary>
    internal static Tensor Mask(Tensor tau, double density, double gamma)
    {
        if (density >= 1) return tau;
        long n = tau.numel();
        long keep = (long)Math.Floor(density * n);
        long top = Math.Min((long)Math.Floor(gamma * n), n - keep);
        long bottom = n - keep - top;
        var flat = tau.flatten();
        var order = flat.abs().sort(0, descending: false, stable: true).Indices;
        var kept = order.narrow(0, bottom, keep);
        var mask = zeros_like(flat).index_fill_(0, kept, 1.0);
        return (flat * mask).reshape(tau.shape);
    }
}

public static partial class Merge
{
    /// <summary>Model Breadcrumbs: drop the <paramref name="gamma"/> largest and then the smallest task-vector entries to <paramref name="density"/>, add the weighted sum to θ₀.</summary>
    /// <param name="density">Fraction of entries kept, in (0, 1].</param>
    /// <param name="gamma">Fraction of the largest entries removed, in [0, 1).</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod Breadcrumbs(double density, double gamma = 0.01, WeightSet? baseModel = null) =>
        new BreadcrumbsMerge { Density = TaskVectorMerge.CheckDensity("Breadcrumbs", density), Gamma = CheckGamma(gamma), Base = baseModel };

    /// <summary>Model Breadcrumbs with TIES' sign election (<c>breadcrumbs_ties</c>).</summary>
    /// <param name="density">Fraction of entries kept, in (0, 1].</param>
    /// <param name="gamma">Fraction of the largest entries removed, in [0, 1).</param>
    /// <param name="baseModel">θ₀ (null: supplied later).</param>
    public static MergeMethod BreadcrumbsTies(double density, double gamma = 0.01, WeightSet? baseModel = null) =>
        new BreadcrumbsMerge { Density = TaskVectorMerge.CheckDensity("Breadcrumbs", density), Gamma = CheckGamma(gamma), Base = baseModel, SignConsensus = true };

    static double CheckGamma(double gamma) =>
        gamma >= 0 && gamma < 1 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Breadcrumbs gamma must be in [0, 1).");
}
