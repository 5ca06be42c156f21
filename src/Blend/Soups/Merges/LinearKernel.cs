using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The fp32 arithmetic of the linear merge on the CPU, shared by the in-memory <see cref="LinearMerge"/> and the streamed
/// out-of-core merge so both give the same bits: for the inputs with λₖ ≠ 0, in order,
/// θ = ((λ₀x₀ + λ₁x₁) + λ₂x₂) + …, every product and every sum rounded to fp32 (no fused multiply-add, so the result is
/// the same on every CPU and for every block size or thread count); λ₀ = 1 copies x₀. fp16/bf16 inputs widen exactly to
/// fp32; fp32 results narrow to fp16/bf16 by round-to-nearest-even, as torch's <c>to(dtype)</c> does.
/// </summary>
internal static class LinearKernel
{
    /// <summary>True when the kernel handles tensors of this dtype (as input, or as output of an fp32 accumulation).</summary>
    public static bool Supports(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>Bytes per element of a supported dtype.</summary>
    public static int Size(ScalarType t) => t == ScalarType.Float32 ? 4 : 2;

    /// <summary>Step k of the merge: <paramref name="acc"/> = λ·x when <paramref name="first"/>, else acc + λ·x.</summary>
    public static void Step(Span<float> acc, ReadOnlySpan<float> x, float lambda, bool first)
    {
        if (x.Length != acc.Length) throw new ArgumentException("LinearKernel: block lengths differ.");
        if (first && lambda == 1f)
        {
            x.CopyTo(acc);
            return;
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated && acc.Length >= Vector<float>.Count)
        {
            var w = new Vector<float>(lambda);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var av = MemoryMarshal.Cast<float, Vector<float>>(acc);
            if (first)
                for (int v = 0; v < av.Length; v++) av[v] = xv[v] * w;
            else
                for (int v = 0; v < av.Length; v++) av[v] = av[v] + xv[v] * w;
            i = av.Length * Vector<float>.Count;
        }
        if (first)
            for (; i < acc.Length; i++) acc[i] = x[i] * lambda;
        else
            for (; i < acc.Length; i++) acc[i] = acc[i] + x[i] * lambda;
    }

    /// <summary>True where <see cref="Fused"/> runs: x86 with AVX (elsewhere the merge steps with <see cref="Step"/>).</summary>
    public static bool CanFuse => Avx.IsSupported;

    /// <summary>
    /// Every step at once, for fp32 inputs: <paramref name="dst"/>[i] = ((λ₀x₀[i] + λ₁x₁[i]) + λ₂x₂[i]) + … (λ₀ = 1 copies x₀),
    /// the bits of <see cref="Step"/> applied input by input, in one pass that reads each input once and writes the target
    /// with non-temporal stores: the target's lines are not read into the cache first (a cached store would), which is a
    /// fifth of the memory traffic of a three-model soup and what a large <c>memcpy</c> (torch's <c>copy_</c>) also skips.
    /// For targets larger than the cache; the caller ensures <see cref="CanFuse"/>.
    /// </summary>
    /// <param name="dst">The target's first element (any 4-byte alignment).</param>
    /// <param name="inputs">Each input's first element, as addresses of fp32 data the same length as the target.</param>
    /// <param name="lambdas">λₖ per input, none 0 (inputs with λ = 0 are left out by the caller).</param>
    /// <param name="n">Elements.</param>
    public static unsafe void Fused(float* dst, ReadOnlySpan<nint> inputs, ReadOnlySpan<float> lambdas, int n)
    {
        if (inputs.Length == 0 || inputs.Length != lambdas.Length) throw new ArgumentException("LinearKernel.Fused: one λ per input, at least one input.");
        int i = 0;
        int head = Math.Min(n, (int)((32 - ((nuint)dst & 31)) & 31) / sizeof(float));
        for (; i < head; i++) dst[i] = Scalar(inputs, lambdas, i);
        float* x0 = (float*)inputs[0];
        bool copy = lambdas[0] == 1f;
        var w0 = Vector256.Create(lambdas[0]);
        for (; i + 8 <= n; i += 8)
        {
            var r = Vector256.Load(x0 + i);
            if (!copy) r *= w0;
            for (int k = 1; k < inputs.Length; k++) r += Vector256.Load((float*)inputs[k] + i) * Vector256.Create(lambdas[k]);
            Avx.StoreAlignedNonTemporal(dst + i, r);
        }
        Sse.StoreFence();
        for (; i < n; i++) dst[i] = Scalar(inputs, lambdas, i);
    }

    static unsafe float Scalar(ReadOnlySpan<nint> inputs, ReadOnlySpan<float> lambdas, int i)
    {
        float x0 = ((float*)inputs[0])[i];
        float r = lambdas[0] == 1f ? x0 : x0 * lambdas[0];
        for (int k = 1; k < inputs.Length; k++) r += ((float*)inputs[k])[i] * lambdas[k];
        return r;
    }

    /// <summary>The raw little-endian elements of <paramref name="dtype"/> as fp32: the bytes themselves for fp32, else widened into <paramref name="scratch"/>.</summary>
    public static ReadOnlySpan<float> AsFloat(ReadOnlySpan<byte> raw, ScalarType dtype, Span<float> scratch)
    {
        switch (dtype)
        {
            case ScalarType.Float32:
                return MemoryMarshal.Cast<byte, float>(raw);
            case ScalarType.BFloat16:
            {
                var src = MemoryMarshal.Cast<byte, ushort>(raw);
                var dst = MemoryMarshal.Cast<float, uint>(scratch[..src.Length]);
                int i = 0;
                if (Vector.IsHardwareAccelerated && src.Length >= Vector<ushort>.Count)
                {
                    var sv = MemoryMarshal.Cast<ushort, Vector<ushort>>(src);
                    var dv = MemoryMarshal.Cast<uint, Vector<uint>>(dst);
                    for (int v = 0; v < sv.Length; v++)
                    {
                        Vector.Widen(sv[v], out var lo, out var hi);
                        dv[2 * v] = lo << 16;
                        dv[2 * v + 1] = hi << 16;
                    }
                    i = sv.Length * Vector<ushort>.Count;
                }
                for (; i < src.Length; i++) dst[i] = (uint)src[i] << 16;
                return scratch[..src.Length];
            }
            case ScalarType.Float16:
            {
                var src = MemoryMarshal.Cast<byte, Half>(raw);
                for (int i = 0; i < src.Length; i++) scratch[i] = (float)src[i];
                return scratch[..src.Length];
            }
            default:
                throw new ArgumentException($"LinearKernel: dtype {dtype} is not fp32, fp16 or bf16.");
        }
    }

    /// <summary>Writes fp32 <paramref name="acc"/> as <paramref name="dtype"/> into <paramref name="raw"/> (round to nearest even; NaN stays NaN).</summary>
    public static void FromFloat(ReadOnlySpan<float> acc, ScalarType dtype, Span<byte> raw)
    {
        switch (dtype)
        {
            case ScalarType.Float32:
                MemoryMarshal.AsBytes(acc).CopyTo(raw);
                break;
            case ScalarType.BFloat16:
            {
                var src = MemoryMarshal.Cast<float, uint>(acc);
                var dst = MemoryMarshal.Cast<byte, ushort>(raw);
                for (int i = 0; i < src.Length; i++)
                {
                    uint u = src[i];
                    dst[i] = float.IsNaN(acc[i]) ? (ushort)0x7FC0 : (ushort)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
                }
                break;
            }
            case ScalarType.Float16:
            {
                var dst = MemoryMarshal.Cast<byte, Half>(raw);
                for (int i = 0; i < acc.Length; i++) dst[i] = (Half)acc[i];
                break;
            }
            default:
                throw new ArgumentException($"LinearKernel: dtype {dtype} is not fp32, fp16 or bf16.");
        }
    }
}
