using System.Numerics;
using System.Runtime.InteropServices;
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
