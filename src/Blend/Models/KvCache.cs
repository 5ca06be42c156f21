using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Models;

/// <summary>
/// Keys and values of every attention layer for the tokens seen so far, preallocated for <see cref="Capacity"/> positions,
/// plus the attention mask and the number of real (non-pad) tokens per row. Inference only (use under <c>no_grad</c>).
/// </summary>
/// <remarks>Create one per generation call with <see cref="CausalLM.NewCache"/>; <see cref="CausalLM.Hidden"/> appends to it.</remarks>
public sealed class KvCache : IDisposable
{
    readonly Tensor[] _keys;
    readonly Tensor[] _values;
    readonly Tensor _mask;
    readonly Tensor _counts;

    internal KvCache(int layers, int kvHeads, int headSize, int batch, int capacity, Device device, ScalarType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Batch = batch;
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batch, kvHeads, capacity, headSize], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batch, kvHeads, capacity, headSize], dtype, device).DetachFromDisposeScope();
        }
        _mask = zeros([batch, capacity], ScalarType.Bool, device).DetachFromDisposeScope();
        _counts = zeros([batch], ScalarType.Int64, device).DetachFromDisposeScope();
    }

    /// <summary>Rows (sequences) in the cache.</summary>
    public int Batch { get; }

    /// <summary>Most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled so far (including left padding).</summary>
    public int Length { get; private set; }

    /// <summary>Writes the mask [B,T] of the new positions; returns position ids [B,T] that skip pads and the key mask [B,Length+T].</summary>
    internal (Tensor Positions, Tensor KeyMask) Begin(Tensor mask)
    {
        int t = (int)mask.shape[1];
        if (mask.shape[0] != Batch) throw new ArgumentException($"KvCache: batch {mask.shape[0]} does not match the cache's {Batch} rows.");
        if (Length + t > Capacity) throw new InvalidOperationException($"KvCache: {Length} + {t} positions exceed the capacity of {Capacity}.");
        var m = mask.to(ScalarType.Int64);
        var positions = (_counts.unsqueeze(1) + m.cumsum(1) - 1).clamp_min(0);
        _mask.narrow(1, Length, t).copy_(mask.to(ScalarType.Bool));
        _counts.add_(m.sum(1));
        return (positions, _mask.narrow(1, 0, Length + t));
    }

    /// <summary>Appends keys/values [B,H,T,D] of one layer; returns all keys/values so far [B,H,Length+T,D].</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        int t = (int)k.shape[2];
        _keys[layer].narrow(2, Length, t).copy_(k);
        _values[layer].narrow(2, Length, t).copy_(v);
        return (_keys[layer].narrow(2, 0, Length + t), _values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Marks <paramref name="t"/> positions as filled (after every layer appended).</summary>
    internal void Advance(int t) => Length += t;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var k in _keys) k.Dispose();
        foreach (var v in _values) v.Dispose();
        _mask.Dispose();
        _counts.Dispose();
    }
}
