using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Passthrough: θ = λ₁·θ₁ for exactly one input (λ₁ = 1 copies the tensor; mergekit's <c>scale</c> is λ₁, which needs
/// <see cref="MergeMethod.AllowExtrapolation"/> when it is not 1). With slices of layer ranges from different models
/// (a mergekit <c>slices:</c> config) it builds a model layer by layer from its sources.
/// </summary>
public sealed record PassthroughMerge : MergeMethod
{
    /// <inheritdoc />
    public override string Name => "passthrough";

    /// <inheritdoc />
    public override int? ExpertCount => 1;

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        using var x = inputs.Expert(0);
        acc.copy_(x);
        if (lambdas[0] != 1) acc.mul_(lambdas[0]);
    }
}

public static partial class Merge
{
    /// <summary>Passthrough: the single input's tensors, scaled by its λ (1 copies them exactly).</summary>
    public static MergeMethod Passthrough() => new PassthroughMerge();
}
