using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// NuSLERP (mergekit's <c>nuslerp</c>): spherical interpolation of two models with t = λ₂ / (λ₁ + λ₂). For each row v₀, v₁
/// (the whole flattened tensor by default; with <see cref="Flatten"/> off, each row along the last axis, or along the first
/// with <see cref="RowWise"/>): cos Ω = ⟨v₀/‖v₀‖, v₁/‖v₁‖⟩ (norms clamped at 1e-7), θ = (sin((1 − t)Ω)·v₀ + sin(tΩ)·v₁) / sin Ω,
/// and θ = (1 − t)·v₀ + t·v₁ where |sin Ω| &lt; 1e-8. With a base model θ₀ the two task vectors θᵢ − θ₀ are interpolated and
/// added back: θ = θ₀ + slerp(t, θ₁ − θ₀, θ₂ − θ₀).
/// </summary>
public sealed record NuSlerpMerge : MergeMethod
{
    /// <summary>Treat each tensor as one vector (default true, mergekit's <c>nuslerp_flatten</c>).</summary>
    public bool Flatten { get; init; } = true;

    /// <summary>Without <see cref="Flatten"/>: interpolate the columns (vectors along the first axis) instead of the rows (mergekit's <c>nuslerp_row_wise</c>).</summary>
    public bool RowWise { get; init; }

    /// <inheritdoc />
    public override string Name => "nuslerp";

    /// <inheritdoc />
    public override bool AcceptsBase => true;

    /// <inheritdoc />
    public override int? ExpertCount => 2;

    /// <summary>λ may be any non-negative weights with a positive sum: only t = λ₂ / (λ₁ + λ₂) is used.</summary>
    protected override void CheckInterpolation(IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Any(l => l < 0) || lambdas.Sum() <= 0)
            throw new ArgumentException($"{Name} merge: weights must be ≥ 0 with a positive sum, got [{string.Join(", ", lambdas)}]; call AllowExtrapolation() to permit others.");
    }

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        double sum = lambdas[0] + lambdas[1];
        if (sum == 0) throw new ArgumentException($"{Name} merge: the two weights sum to 0; t = λ₂ / (λ₁ + λ₂) is undefined.");
        double t = lambdas[1] / sum;
        var v0 = inputs.ExpertFloat(0).to_type(ScalarType.Float64);
        var v1 = inputs.ExpertFloat(1).to_type(ScalarType.Float64);
        Tensor? theta0 = Base is null ? null : inputs.BaseFloat().to_type(ScalarType.Float64);
        if (theta0 is not null)
        {
            v0 = v0 - theta0;
            v1 = v1 - theta0;
        }
        var shape = v0.shape;
        Tensor Rows(Tensor v) => Flatten || v.dim() < 2 ? v.reshape(1, -1) : RowWise ? v.transpose(0, -1) : v;
        var r0 = Rows(v0);
        var r1 = Rows(v1);
        var u0 = r0 / r0.norm(-1, keepdim: true).clamp_min(1e-7);
        var u1 = r1 / r1.norm(-1, keepdim: true).clamp_min(1e-7);
        var omega = (u0 * u1).sum(-1, keepdim: true).clamp(-1, 1).acos();
        var sin = omega.sin();
        var colinear = sin.abs() < 1e-8;
        var safeSin = where(colinear, ones_like(sin), sin);
        var spherical = (((1 - t) * omega).sin() * r0 + (t * omega).sin() * r1) / safeSin;
        var linear = r0 * (1 - t) + r1 * t;
        var rows = where(colinear, linear, spherical);
        var result = (Flatten || v0.dim() < 2 ? rows.reshape(shape) : RowWise ? rows.transpose(0, -1) : rows).contiguous();
        acc.copy_(theta0 is null ? result : theta0 + result);
    }
}

public static partial class Merge
{
    /// <summary>NuSLERP of two models (t = λ₂ / (λ₁ + λ₂)), optionally of their task vectors around <paramref name="baseModel"/>.</summary>
    /// <param name="baseModel">θ₀ (null: interpolate the weights themselves).</param>
    /// <param name="flatten">Treat each tensor as one vector (default true).</param>
    /// <param name="rowWise">Without flatten: interpolate columns instead of rows.</param>
    public static MergeMethod NuSlerp(WeightSet? baseModel = null, bool flatten = true, bool rowWise = false) =>
        new NuSlerpMerge { Base = baseModel, Flatten = flatten, RowWise = rowWise };
}
