using static TorchSharp.torch;

namespace Blend;

/// <summary>Task arithmetic: θ = θ₀ + Σᵢ λᵢ (θᵢ − θ₀), with task vectors τᵢ = θᵢ − θ₀ (Ilharco et al. 2023): the
/// <see cref="TaskVectorMerge"/> rule without sparsification or consensus.</summary>
/// <remarks>
/// λ is an interpolation when λᵢ ≥ 0 and Σ λᵢ ≤ 1 (a convex combination of θ₀ and the experts); anything else
/// (for example λᵢ = 1 for every task vector) needs <see cref="MergeMethod.AllowExtrapolation"/>.
/// </remarks>
public sealed record TaskArithmeticMerge : TaskVectorMerge
{
    /// <inheritdoc />
    public override string Name => "task_arithmetic";

    /// <summary>λᵢ ≥ 0 and Σ λᵢ ≤ 1: θ is a convex combination of θ₀ and the experts.</summary>
    internal static void CheckAroundBase(string name, IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        for (int i = 0; i < lambdas.Count; i++)
            if (lambdas[i] < 0) throw new ArgumentException($"{name} merge: lambda[{i}] = {lambdas[i]} is negative (extrapolation); call AllowExtrapolation() to permit it.");
        double sum = lambdas.Sum();
        if (sum > 1 + 1e-6) throw new ArgumentException($"{name} merge: lambdas sum to {sum} > 1 (extrapolation past the experts); call AllowExtrapolation() to permit it.");
    }

    private protected override Tensor Sparsify(Tensor tau, double density, int expert, string name) => tau;
}

public static partial class Merge
{
    /// <summary>Task arithmetic θ = θ₀ + Σ λᵢ (θᵢ − θ₀) around the base model θ₀.</summary>
    /// <param name="baseModel">θ₀, usually the shared SFT initialization (null: supplied later by <c>Soup.Base</c> or <c>WithBase</c>).</param>
    public static MergeMethod TaskArithmetic(WeightSet? baseModel = null) => new TaskArithmeticMerge { Base = baseModel };

    /// <summary>Task arithmetic around a base policy θ₀ (its live weights are read when merging).</summary>
    public static MergeMethod TaskArithmetic(Policy baseModel) => TaskArithmetic(WeightSet.FromPolicy(baseModel, "base"));
}
