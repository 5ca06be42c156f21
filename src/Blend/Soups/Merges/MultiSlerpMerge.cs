using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Multi-model SLERP (mergekit's <c>multislerp</c>), barycentric interpolation on the hypersphere, per tensor: with vectors
/// vᵢ (θᵢ, or θᵢ − θ₀ with a base), weights wᵢ = λᵢ / Σ λ (<see cref="NormalizeWeights"/>) and units uᵢ = vᵢ / (‖vᵢ‖ + ε):
/// the mean direction m = Σ wᵢuᵢ / ‖Σ wᵢuᵢ‖; tangent vectors tᵢ = uᵢ − ⟨uᵢ, m⟩m; T = Σ wᵢtᵢ; back on the sphere
/// u = cos(‖T‖′)·m + sin(‖T‖′)/‖T‖′ · T with ‖T‖′ = ‖T‖ + ε; θ = (Σ wᵢ‖vᵢ‖)·u (+ θ₀). ε = 1e-8. When ‖Σ wᵢuᵢ‖ &lt; ε two
/// inputs fall back to Σ wᵢvᵢ, more are an error (antipodal inputs with balancing weights).
/// </summary>
public sealed record MultiSlerpMerge : MergeMethod
{
    /// <summary>Divide λ by its sum (default true, mergekit's <c>normalize_weights</c>).</summary>
    public bool NormalizeWeights { get; init; } = true;

    /// <inheritdoc />
    public override string Name => "multislerp";

    /// <inheritdoc />
    public override bool AcceptsBase => true;

    const double Eps = 1e-8;

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        Tensor? theta0 = Base is null ? null : inputs.BaseFloat().to_type(ScalarType.Float64);
        if (inputs.Count == 1)
        {
            acc.copy_(inputs.Expert(0));
            return;
        }
        double total = NormalizeWeights ? lambdas.Sum() : 1;
        var w = lambdas.Select(l => l / total).ToArray();
        var shape = acc.shape;
        var v = Enumerable.Range(0, inputs.Count).Select(i =>
        {
            var x = inputs.ExpertFloat(i).to_type(ScalarType.Float64).reshape(-1);
            return theta0 is null ? x : x - theta0.reshape(-1);
        }).ToList();
        var norms = v.Select(x => x.norm().item<double>()).ToArray();
        var units = v.Select((x, i) => x / (norms[i] + Eps)).ToList();
        var mean = units.Select((u, i) => u * w[i]).Aggregate((a, b) => a + b);
        double meanNorm = mean.norm().item<double>();
        Tensor result;
        if (meanNorm < Eps)
        {
            if (inputs.Count != 2)
                throw new ArgumentException($"{Name} merge: tensor '{inputs.Name}': the weighted mean of the unit vectors is zero (antipodal inputs with balancing weights); change the weights.");
            result = v[0] * w[0] + v[1] * w[1];
        }
        else
        {
            var m = mean / meanNorm;
            var tangent = units.Select((u, i) => (u - (u * m).sum() * m) * w[i]).Aggregate((a, b) => a + b);
            double tn = tangent.norm().item<double>() + Eps;
            var u = m * Math.Cos(tn) + tangent * (Math.Sin(tn) / tn);
            result = u * norms.Select((n, i) => n * w[i]).Sum();
        }
        result = result.reshape(shape);
        acc.copy_(theta0 is null ? result : theta0 + result);
    }
}

public static partial class Merge
{
    /// <summary>Multi-model SLERP: barycentric interpolation on the hypersphere with weights λ (optionally of task vectors around <paramref name="baseModel"/>).</summary>
    /// <param name="baseModel">θ₀ (null: interpolate the weights themselves).</param>
    /// <param name="normalizeWeights">Divide λ by its sum (default true).</param>
    public static MergeMethod MultiSlerp(WeightSet? baseModel = null, bool normalizeWeights = true) =>
        new MultiSlerpMerge { Base = baseModel, NormalizeWeights = normalizeWeights };
}
