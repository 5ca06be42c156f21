using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Karcher mean (Riemannian centre of mass on the unit sphere; mergekit's <c>karcher</c>), per tensor: with nᵢ = ‖θᵢ‖,
/// uᵢ = θᵢ/nᵢ and weights aᵢ = λᵢ / Σⱼ λⱼ over the inputs with nᵢ &gt; <see cref="Tolerance"/>, start from u = Σ aᵢuᵢ / ‖Σ aᵢuᵢ‖,
/// then repeat at most <see cref="MaxIterations"/> times: Ωᵢ = arccos⟨u, uᵢ⟩, T = Σ_{Ωᵢ ≥ tol} aᵢ (Ωᵢ / sin Ωᵢ)(uᵢ − cos Ωᵢ·u)
/// (the log map), stop when ‖T‖ &lt; tol, else u ← cos‖T‖·u + sin‖T‖·T/‖T‖ (the exponential map), renormalized.
/// θ = (Σᵢ λᵢ nᵢ / Σ λ)·u. mergekit weights every model equally (uniform λ).
/// </summary>
public sealed record KarcherMerge : MergeMethod
{
    /// <summary>Most iterations (default 10, mergekit's <c>max_iter</c>).</summary>
    public int MaxIterations { get; init; } = 10;

    /// <summary>Convergence and zero-norm tolerance (default 1e-5, mergekit's <c>tol</c>).</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <inheritdoc />
    public override string Name => "karcher";

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        double total = lambdas.Sum();
        var x = Enumerable.Range(0, inputs.Count).Select(i => inputs.ExpertFloat(i).to_type(ScalarType.Float64).reshape(-1)).ToList();
        var norms = x.Select(t => t.norm().item<double>()).ToArray();
        var valid = Enumerable.Range(0, x.Count).Where(i => norms[i] > Tolerance).ToList();
        if (valid.Count == 0)
        {
            acc.zero_();
            return;
        }
        double validSum = valid.Sum(i => lambdas[i]);
        var a = valid.Select(i => lambdas[i] / validSum).ToArray();
        var units = valid.Select(i => x[i] / norms[i]).ToList();
        var u = units.Select((ui, k) => ui * a[k]).Aggregate((p, q) => p + q);
        double un = u.norm().item<double>();
        u = un < Tolerance ? units[0].clone() : u / un;
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            var step = zeros_like(u);
            for (int k = 0; k < units.Count; k++)
            {
                double dot = Math.Clamp((u * units[k]).sum().item<double>(), -1, 1);
                double omega = Math.Acos(dot);
                if (omega < Tolerance) continue;
                step = step + (units[k] - u * dot) * (a[k] * omega / Math.Sin(omega));
            }
            double sn = step.norm().item<double>();
            if (sn < Tolerance) break;
            u = u * Math.Cos(sn) + step * (Math.Sin(sn) / sn);
            double n = u.norm().item<double>();
            if (n > Tolerance) u = u / n;
        }
        double scale = Enumerable.Range(0, x.Count).Sum(i => lambdas[i] * norms[i]) / total;
        acc.copy_((u * scale).reshape(acc.shape));
    }
}

public static partial class Merge
{
    /// <summary>Karcher (Riemannian) mean of the models' tensors on the unit sphere, scaled by the λ-weighted mean norm.</summary>
    /// <param name="maxIterations">Most fixed-point iterations (default 10).</param>
    /// <param name="tolerance">Convergence tolerance (default 1e-5).</param>
    public static MergeMethod Karcher(int maxIterations = 10, double tolerance = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Karcher tolerance must be > 0.");
        return new KarcherMerge { MaxIterations = maxIterations, Tolerance = tolerance };
    }
}
