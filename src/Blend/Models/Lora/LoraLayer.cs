using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend.Models;

/// <summary>
/// One adapted projection: the target module (torch's <c>Linear</c>, Blend's <c>Dense</c> or GPT-2's <c>Conv1D</c>) keeps its
/// weight W untouched and gains two submodules, <c>lora_A</c> (weight A [r, in]) and <c>lora_B</c> (weight B [out, r]), plus a
/// forward hook that adds (α/r)·B·A·dropout(x) to its output: y = W x (+ b) + (α/r)·B·A·x. A and B live in float32 whatever the
/// base dtype (as PEFT's <c>autocast_adapter_dtype</c>); the hook casts its term back to the output's dtype.
/// </summary>
internal sealed class LoraLayer
{
    readonly nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover _hook;

    LoraLayer(string parameterPrefix, nn.Module<Tensor, Tensor> target, Tensor weight, bool fanInFanOut, Dense a, Dense b, double scaling, double dropout)
    {
        ParameterPrefix = parameterPrefix;
        Target = target;
        BaseWeight = weight;
        FanInFanOut = fanInFanOut;
        A = a;
        B = b;
        Scaling = scaling;
        DropoutRate = dropout;
        _hook = target.register_forward_hook((m, x, y) => y + Term(x, m.training).to(y.dtype));
    }

    /// <summary>The target module's parameter prefix in the model (<c>h.0.attn.c_attn</c>).</summary>
    public string ParameterPrefix { get; }

    /// <summary>The adapted module.</summary>
    public nn.Module<Tensor, Tensor> Target { get; }

    /// <summary>The base weight W, in the module's own layout ([out, in], or [in, out] for Conv1D).</summary>
    public Tensor BaseWeight { get; }

    /// <summary>True for GPT-2's Conv1D, whose weight is stored [in, out] (PEFT's <c>fan_in_fan_out</c>).</summary>
    public bool FanInFanOut { get; }

    /// <summary>The down projection A [r, in].</summary>
    public Dense A { get; }

    /// <summary>The up projection B [out, r].</summary>
    public Dense B { get; }

    /// <summary>α/r.</summary>
    public double Scaling { get; }

    /// <summary>Dropout on the adapter's input in training mode.</summary>
    public double DropoutRate { get; }

    /// <summary>Input width (columns of A).</summary>
    public long InFeatures => A.Weight.shape[1];

    /// <summary>Output width (rows of B).</summary>
    public long OutFeatures => B.Weight.shape[0];

    /// <summary>
    /// Adapts <paramref name="target"/>: registers <c>lora_A</c> / <c>lora_B</c> on it (A from Kaiming-uniform with a = √5, i.e.
    /// U(−1/√in, 1/√in) as PEFT and torch's Linear; B = 0, so the adapted module equals the base until B moves) and its hook.
    /// </summary>
    public static LoraLayer Attach(string parameterPrefix, nn.Module<Tensor, Tensor> target, int rank, double scaling, double dropout, Generator generator)
    {
        var weight = target.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter
            ?? throw new InvalidOperationException($"LoRA: module '{parameterPrefix}' has no weight.");
        bool fanInFanOut = target is Conv1D;
        long input = fanInFanOut ? weight.shape[0] : weight.shape[1];
        long output = fanInFanOut ? weight.shape[1] : weight.shape[0];
        var device = weight.device;
        var a = new Dense(input, rank, hasBias: false, ScalarType.Float32, device);
        var b = new Dense(rank, output, hasBias: false, ScalarType.Float32, device);
        using (no_grad())
        {
            double bound = 1.0 / Math.Sqrt(input);
            using var draw = empty([rank, input], ScalarType.Float32, CPU).uniform_(-bound, bound, generator);
            a.Weight.copy_(draw);
            b.Weight.zero_();
        }
        target.register_module("lora_A", a);
        target.register_module("lora_B", b);
        return new LoraLayer(parameterPrefix, target, weight, fanInFanOut, a, b, scaling, dropout);
    }

    /// <summary>(α/r)·B·A·dropout(x), in float32.</summary>
    Tensor Term(Tensor x, bool training)
    {
        var h = x.to(ScalarType.Float32);
        if (DropoutRate > 0 && training) h = F.dropout(h, DropoutRate, training: true);
        return B.call(A.call(h)).mul_(Scaling);
    }

    /// <summary>ΔW = (α/r)·B·A in the base weight's layout ([out, in]; transposed to [in, out] for Conv1D), float32.</summary>
    public Tensor Delta()
    {
        using var noGrad = no_grad();
        var delta = B.Weight.matmul(A.Weight).mul_(Scaling);
        return FanInFanOut ? delta.t().contiguous() : delta;
    }

    /// <summary>Removes the hook (the module then computes its base output again).</summary>
    public void RemoveHook() => _hook.remove();
}
