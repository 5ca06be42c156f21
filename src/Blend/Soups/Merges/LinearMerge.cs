using static TorchSharp.torch;

namespace Blend;

/// <summary>Linear interpolation (rewarded soups, model soups): θ = Σᵢ λᵢ θᵢ, computed in place tensor by tensor.</summary>
/// <remarks>
/// The chain (<see cref="Chain"/>) runs on the target's own storage, block by block (no temporaries); inputs with λᵢ = 0 are
/// not read, so λ = (0, 1) reproduces θ₂ bit for bit. The operations are elementwise, so the result does not depend on the
/// block size: the out-of-core merge of checkpoint folders (<see cref="CheckpointMerge"/>) gives the same bits.
/// </remarks>
public sealed record LinearMerge : MergeMethod
{
    /// <inheritdoc />
    public override string Name => "linear";

    /// <summary>
    /// Elements per block of the in-place chain (default 2¹⁹ = 2 MiB of fp32): large tensors are merged block by block so
    /// the accumulator stays in cache between the chain's steps; 0 merges whole tensors with <c>copy_</c>, <c>mul_</c> and
    /// <c>add_(θᵢ, alpha: λᵢ)</c> instead.
    /// </summary>
    public long BlockElements { get; init; } = 1L << 19;

    private protected override void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas)
    {
        long n = acc.numel();
        if (BlockElements > 0 && acc.is_contiguous())
        {
            MergeBlocked(acc, inputs, lambdas, n);
            return;
        }
        bool started = false;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (lambdas[i] == 0) continue;
            using var x = inputs.Expert(i);
            if (!started)
            {
                acc.copy_(x);
                if (lambdas[i] != 1) acc.mul_(lambdas[i]);
                started = true;
            }
            else
            {
                acc.add_(x, alpha: lambdas[i]);
            }
        }
        if (!started) acc.zero_();
    }

    // Block by block: the block of the target stays in cache while each input streams through it once. With λ ≥ 0 the
    // chain is copy_ then one lerp_ per further input (the block holds the running weighted mean Σⱼ λⱼθⱼ / Σⱼ λⱼ), so
    // every pass over a block reads one input from memory and there is no separate scaling pass.
    void MergeBlocked(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas, long n)
    {
        var used = Enumerable.Range(0, inputs.Count).Where(i => lambdas[i] != 0).ToList();
        if (used.Count == 0)
        {
            acc.zero_();
            return;
        }
        bool lerp = used.All(i => lambdas[i] > 0);
        var flat = acc.view(-1);
        var sources = used.Select(i => inputs.Expert(i).reshape(-1)).ToList();
        var weights = used.Select(i => lambdas[i]).ToList();
        var blocks = new Tensor[used.Count];
        for (long offset = 0; offset < n; offset += BlockElements)
        {
            long length = Math.Min(BlockElements, n - offset);
            using var block = flat.narrow(0, offset, length);
            for (int k = 0; k < used.Count; k++)
            {
                var x = sources[k].narrow(0, offset, length);
                if (x.dtype != block.dtype)
                {
                    blocks[k] = x.to_type(block.dtype);   // fp16/bf16 inputs into the fp32 accumulator
                    x.Dispose();
                }
                else blocks[k] = x;
            }
            Chain(block, blocks, weights, lerp);
            foreach (var b in blocks) b.Dispose();
        }
        foreach (var s in sources) s.Dispose();
        flat.Dispose();
    }

    /// <summary>
    /// θ = Σₖ λₖ xₖ into <paramref name="block"/> for the inputs with λₖ ≠ 0: with every λₖ &gt; 0 (<paramref name="lerp"/>),
    /// <c>copy_</c> then one <c>lerp_</c> per further input (the running weighted mean), then one scaling by Σ λₖ when it is
    /// not 1; otherwise <c>copy_</c>, <c>mul_</c> and <c>add_(x, alpha: λ)</c>. One λ of 1 copies exactly.
    /// </summary>
    internal static void Chain(Tensor block, IReadOnlyList<Tensor> xs, IReadOnlyList<double> lambdas, bool lerp)
    {
        double running = 0;
        for (int k = 0; k < xs.Count; k++)
        {
            double lambda = lambdas[k];
            if (k == 0)
            {
                block.copy_(xs[k]);
                if (!lerp && lambda != 1) block.mul_(lambda);
            }
            else if (lerp)
            {
                block.lerp_(xs[k], lambda / (running + lambda));
            }
            else
            {
                block.add_(xs[k], alpha: lambda);
            }
            running += lambda;
        }
        if (lerp && running != 1) block.mul_(running);
    }
}

public static partial class Merge
{
    /// <summary>Linear interpolation θ = Σ λᵢ θᵢ (rewarded soups, Ramé et al. 2023, eq. θ_RS(λ)).</summary>
    public static MergeMethod Linear() => new LinearMerge();
}
