using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend.Models;

// The layers of the Hugging Face architectures. Their parameters are allocated uninitialised in the target dtype and on the
// target device (a checkpoint fills them, or CausalLM.InitializeNormal does), so loading never builds a float32 copy first.

/// <summary>y = x Wᵀ (+ b) with W [out, in] (torch's Linear layout).</summary>
internal sealed class Dense : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;

    public Dense(long input, long output, bool hasBias, ScalarType dtype, Device device) : base("dense")
    {
        weight = new Parameter(empty([output, input], dtype, device));
        if (hasBias) bias = new Parameter(empty([output], dtype, device));
        RegisterComponents();
    }

    public Tensor Weight => weight;

    public override Tensor forward(Tensor x) => F.linear(x, weight, bias);
}

/// <summary>GPT-2's Conv1D: y = x W + b with W [in, out] (the transpose of <see cref="Dense"/>), kept as stored so checkpoints round-trip.</summary>
internal sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;

    public Conv1D(long input, long output, ScalarType dtype, Device device) : base("conv1d")
    {
        weight = new Parameter(empty([input, output], dtype, device));
        bias = new Parameter(empty([output], dtype, device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x.matmul(weight).add_(bias);
}

/// <summary>A token (or position) embedding table [N, C].</summary>
internal sealed class EmbeddingTable : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public EmbeddingTable(long count, long width, ScalarType dtype, Device device) : base("embedding")
    {
        weight = new Parameter(empty([count, width], dtype, device));
        RegisterComponents();
    }

    public Tensor Weight => weight;

    public override Tensor forward(Tensor ids)
    {
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return weight.index_select(0, ids.reshape(-1)).view(shape);
    }
}

/// <summary>RMSNorm over the last dimension, computed in float32 and cast back before the gain (as Llama's reference).</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double _eps;

    public RmsNorm(long width, double eps, ScalarType dtype, Device device) : base("rmsnorm")
    {
        weight = new Parameter(empty([width], dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * (x32.pow(2).mean([-1L], keepdim: true) + _eps).rsqrt();
        return weight * normed.to(x.dtype);
    }
}
