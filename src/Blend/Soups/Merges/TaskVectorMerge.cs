using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The task-vector family (task arithmetic with sparsification and sign consensus: TIES, DARE, Model Breadcrumbs,
/// DELLA), one rule per tensor. With task vectors τᵢ = θᵢ − θ₀, a per-method sparsification τ̃ᵢ = Sᵢ(τᵢ) and weights
/// wᵢ = λᵢ:
/// <list type="number">
/// <item>weighted deltas dᵢ = wᵢ τ̃ᵢ;</item>
/// <item>with <see cref="SignConsensus"/>, an elected sign per entry γ = sgn(Σᵢ dᵢ) and a mask mᵢ = [sgn τ̃ᵢ = γ, τ̃ᵢ ≠ 0]
/// (TIES' election; sgn 0 = 0 elects nothing); without it mᵢ = 1;</item>
/// <item>Δ = Σᵢ mᵢ dᵢ, divided by D = Σᵢ mᵢ wᵢ when <see cref="Normalize"/> (entries with D = 0, or |D| &lt; 1e-8 without
/// consensus, divide by 1);</item>
/// <item>θ = θ₀ + s·Δ with s = <see cref="Scale"/> (mergekit's <c>lambda</c>).</item>
/// </list>
/// </summary>
/// <remarks>
/// Departure from mergekit: where the weighted sum of an entry is exactly 0, mergekit elects + (its <c>sum ≥ 0</c>);
/// Blend follows the TIES paper (sgn 0 = 0: the entry keeps θ₀). λ is an interpolation when λᵢ ≥ 0 and Σ λᵢ ≤ 1;
/// mergekit-style weights of 1 per model need <see cref="MergeMethod.AllowExtrapolation"/>.
/// </remarks>
public abstract record TaskVectorMerge : MergeMethod
{
    /// <summary>True when only entries that agree with the elected sign are merged (the TIES step).</summary>
    public bool SignConsensus { get; init; }

    /// <summary>True when Δ is divided by the summed weights of the entries merged (a weighted mean instead of a sum).</summary>
    public bool Normalize { get; init; }

    /// <summary>The factor s on the merged task vector (mergekit's <c>lambda</c>; default 1).</summary>
    public double Scale { get; init; } = 1;

    /// <summary>Fraction of each task vector's entries kept (default 1: keep all), used by every expert without an entry in <see cref="ExpertDensities"/>.</summary>
    public double Density { get; init; } = 1;

    /// <summary>Per-expert densities (mergekit's per-model <c>density</c>); null: <see cref="Density"/> for every expert.</summary>
    public IReadOnlyList<double>? ExpertDensities { get; init; }

    /// <inheritdoc />
    public override bool NeedsBase => true;

    /// <summary>The density of expert <paramref name="expert"/>.</summary>
    public double DensityOf(int expert) => ExpertDensities is { } d ? d[expert] : Density;

    /// <inheritdoc />
    protected override void CheckInterpolation(IReadOnlyList<double> lambdas) => TaskArithmeticMerge.CheckAroundBase(Name, lambdas);

    /// <summary>τ̃ = S(τ) for expert <paramref name="expert"/> of tensor <paramref name="name"/> (a new tensor; the caller's scope owns it).</summary>
    private protected abstract Tensor Sparsify(Tensor tau, double density, int expert, string name);

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        if (ExpertDensities is { } d && d.Count != inputs.Count)
            throw new ArgumentException($"{Name} merge: {d.Count} expert densities for {inputs.Count} experts.");
        var theta0 = inputs.BaseFloat();
        var sparse = new List<Tensor>();
        for (int i = 0; i < inputs.Count; i++)
            sparse.Add(Sparsify(inputs.ExpertFloat(i) - theta0, DensityOf(i), i, inputs.Name));
        var stacked = stack(sparse);
        var weights = tensor(lambdas.ToArray(), stacked.dtype, inputs.Device).reshape([inputs.Count, .. Enumerable.Repeat(1L, (int)theta0.dim())]);
        var weighted = stacked * weights;
        Tensor mixed, divisor;
        if (SignConsensus)
        {
            var elected = weighted.sum(ModelAxis).sign();
            var mask = ((stacked.sign() == elected.unsqueeze(0)) & (stacked != 0)).to_type(stacked.dtype);
            mixed = (weighted * mask).sum(ModelAxis);
            divisor = (weights * mask).sum(ModelAxis);
            divisor = where(divisor == 0, ones_like(divisor), divisor);
        }
        else
        {
            mixed = weighted.sum(ModelAxis);
            divisor = weights.sum(ModelAxis);
            divisor = where(divisor.abs() < 1e-8, ones_like(divisor), divisor);
        }
        if (Normalize) mixed = mixed / divisor;
        acc.copy_(theta0 + mixed * Scale);
    }

    // Not a constant: a literal 0 would bind to sum(ScalarType) through the implicit zero-to-enum conversion.
    static readonly long ModelAxis = 0;

    /// <summary>Checks a density in (0, 1] (the factories' shared rule).</summary>
    internal static double CheckDensity(string method, double density) =>
        density > 0 && density <= 1 ? density : throw new ArgumentOutOfRangeException(nameof(density), density, $"{method} density must be in (0, 1].");
}
