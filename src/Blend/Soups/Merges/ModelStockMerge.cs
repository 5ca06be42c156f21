using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Model Stock (Jang et al. 2024): with N ≥ 2 fine-tunes θᵢ of one base θ₀ and offsets τᵢ = θᵢ − θ₀, the mean pairwise
/// cosine c = mean_{i&lt;j} ⟨τᵢ, τⱼ⟩ / max(‖τᵢ‖‖τⱼ‖, 1e-6) (clamped to [−1, 1]) gives t = N·c / (1 + (N − 1)·c) and
/// θ = t·θ̄ + (1 − t)·θ₀, with θ̄ = Σᵢ λᵢ θᵢ / Σᵢ λᵢ (the plain mean for uniform λ, which is mergekit's rule).
/// Per tensor on the flattened vectors, or per row with <see cref="FilterWise"/> (a 1-D tensor is one row).
/// </summary>
public sealed record ModelStockMerge : MergeMethod
{
    /// <summary>True to compute c and t per row (output filter) instead of per tensor (mergekit's <c>filter_wise</c>).</summary>
    public bool FilterWise { get; init; }

    /// <inheritdoc />
    public override string Name => "model_stock";

    /// <inheritdoc />
    public override bool NeedsBase => true;

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        if (inputs.Count < 2) throw new ArgumentException($"{Name} merge needs at least 2 fine-tuned models besides the base, got {inputs.Count}.");
        var theta0 = inputs.BaseFloat();
        var shape = theta0.shape;
        Tensor Rows(Tensor t) => FilterWise && t.dim() >= 2 ? t.reshape(t.shape[0], -1) : t.reshape(1, -1);
        var w0 = Rows(theta0);
        var ws = Enumerable.Range(0, inputs.Count).Select(i => Rows(inputs.ExpertFloat(i))).ToList();
        var offsets = ws.Select(w => w - w0).ToList();
        var cosines = new List<Tensor>();
        for (int i = 0; i < offsets.Count; i++)
            for (int j = i + 1; j < offsets.Count; j++)
            {
                var norms = (offsets[i].norm(1, keepdim: true) * offsets[j].norm(1, keepdim: true)).clamp_min(1e-6);
                cosines.Add(((offsets[i] * offsets[j]).sum(1, keepdim: true) / norms).clamp(-1, 1));
            }
        var c = stack(cosines).mean([0L]);
        int n = inputs.Count;
        var t = c * n / (c * (n - 1) + 1);
        double total = lambdas.Sum();
        var mean = ws.Select((w, i) => w * (lambdas[i] / total)).Aggregate((a, b) => a + b);
        acc.copy_((t * mean + (1 - t) * w0).reshape(shape));
    }
}

public static partial class Merge
{
    /// <summary>Model Stock: θ = t·θ̄ + (1 − t)·θ₀ with t from the mean pairwise cosine of the task vectors (Jang et al. 2024).</summary>
    /// <param name="baseModel">θ₀, the shared pre-trained model (null: supplied later).</param>
    /// <param name="filterWise">Compute t per row instead of per tensor.</param>
    public static MergeMethod ModelStock(WeightSet? baseModel = null, bool filterWise = false) => new ModelStockMerge { Base = baseModel, FilterWise = filterWise };
}
