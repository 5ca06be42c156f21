using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Blend;

/// <summary>Linear interpolation (rewarded soups, model soups): θ = Σᵢ λᵢ θᵢ, computed in place tensor by tensor.</summary>
/// <remarks>
/// fp32 accumulators on the CPU (fp32, fp16 and bf16 models) use <see cref="LinearKernel"/>: θ = ((λ₀x₀ + λ₁x₁) + λ₂x₂) + …
/// in one parallel pass, each product and sum rounded to fp32 (large all-fp32 targets with non-temporal stores,
/// <see cref="LinearKernel.Fused"/>); elsewhere (GPU, fp64) the chain (<see cref="Chain"/>) runs on the target's own storage, block by block (no temporaries); inputs with λᵢ = 0 are
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
        if (BlockElements > 0 && acc.is_contiguous() && acc.dtype == ScalarType.Float32 && acc.device_type == TorchSharp.DeviceType.CPU)
        {
            MergeOnCpu(acc, inputs, lambdas, n);
            return;
        }
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

    // fp32 on the CPU: one pass over memory with LinearKernel's arithmetic (the out-of-core merge's), chunk by chunk in
    // parallel; a chunk of the target stays in cache while each input's chunk is added to it.
    void MergeOnCpu(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas, long n)
    {
        var used = Enumerable.Range(0, inputs.Count).Where(i => lambdas[i] != 0).ToList();
        if (used.Count == 0)
        {
            acc.zero_();
            return;
        }
        var flat = acc.view(-1);
        var sources = new List<Tensor>();
        foreach (var i in used)
        {
            var x = inputs.Expert(i);
            if (x.device_type != TorchSharp.DeviceType.CPU || !LinearKernel.Supports(x.dtype)) x = x.to(ScalarType.Float32, CPU);
            sources.Add(x.contiguous().view(-1));
        }
        var weights = used.Select(i => (float)lambdas[i]).ToArray();
        var dtypes = sources.Select(s => s.dtype).ToArray();
        int chunk = (int)Math.Clamp(BlockElements, 1024, 1L << 20) / 16;
        bool allFp32 = dtypes.All(d => d == ScalarType.Float32);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, BlendRuntime.Threads) };
        // Spans address at most 2³¹ bytes: segments of 2²⁸ elements.
        const long Segment = 1L << 28;
        for (long start = 0; start < n; start += Segment)
        {
            long length = Math.Min(Segment, n - start);
            using var dst = flat.narrow(0, start, length);
            var xs = sources.Select(s => s.narrow(0, start, length)).ToArray();
            int chunks = (int)((length + chunk - 1) / chunk);
            if (allFp32 && length >= FusedElements && LinearKernel.CanFuse)
                MergeFused(dst, xs, weights, length, chunk, chunks, options);
            else
                Parallel.For(0, chunks, options, () => new float[chunk], (c, _, scratch) =>
                {
                    int from = c * chunk, len = (int)Math.Min(chunk, length - from);
                    var a = MemoryMarshal.Cast<byte, float>(dst.bytes).Slice(from, len);
                    for (int k = 0; k < xs.Length; k++)
                    {
                        int size = LinearKernel.Size(dtypes[k]);
                        var raw = xs[k].bytes.Slice(from * size, len * size);
                        LinearKernel.Step(a, LinearKernel.AsFloat(raw, dtypes[k], scratch), weights[k], k == 0);
                    }
                    return scratch;
                }, _ => { });
            foreach (var x in xs) x.Dispose();
        }
        foreach (var s in sources) s.Dispose();
        flat.Dispose();
    }

    // Targets of at least this many elements (4 MiB of fp32, more than a core's share of the cache) are written with
    // LinearKernel.Fused's non-temporal stores when every input is fp32; smaller ones stay in the cache for their next use.
    const long FusedElements = 1L << 20;

    // One pass per chunk of 2¹⁵ elements over every input, the target written with non-temporal stores (LinearKernel.Fused).
    // The tensors' storage is native (torch's allocator), so their addresses are stable while the tensors live.
    static unsafe void MergeFused(Tensor dst, Tensor[] xs, float[] weights, long length, int chunk, int chunks, ParallelOptions options)
    {
        var target = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(dst.bytes));
        var bases = xs.Select(x => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(x.bytes))).ToArray();
        Parallel.For(0, chunks, options, () => new nint[bases.Length], (c, _, inputs) =>
        {
            long from = (long)c * chunk;
            int len = (int)Math.Min(chunk, length - from);
            for (int k = 0; k < bases.Length; k++) inputs[k] = bases[k] + (nint)(from * sizeof(float));
            LinearKernel.Fused((float*)target + from, inputs, weights, len);
            return inputs;
        }, _ => { });
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
