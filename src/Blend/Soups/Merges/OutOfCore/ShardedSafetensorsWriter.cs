using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using System.Text.Json.Nodes;
using Blend.Models;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Writes a known list of tensors (names, dtypes and shapes fixed up front) into a folder as safetensors shards of at most
/// a given size (a larger tensor gets its own shard), one tensor at a time in list order, so only the tensor being written
/// (or one block of it, with <see cref="Begin"/>, <see cref="Append"/> and <see cref="End"/>) is in memory; one shard is <c>model.safetensors</c>, several are <c>model-0000i-of-0000n.safetensors</c> plus
/// <c>model.safetensors.index.json</c>. Each shard's header is written when it is opened (the layout is known), each shard is
/// flushed to disk when closed. The caller makes the folder atomic (a temporary folder renamed at the end).
/// </summary>
internal sealed class ShardedSafetensorsWriter : IDisposable
{
    readonly string _dir;
    readonly List<List<WeightInfo>> _shards = [];
    readonly List<string> _names = [];
    readonly bool _flushToDisk;
    int _shard = -1, _next;
    long _written, _position;
    WeightInfo? _pending;
    SafeFileHandle? _file;

    public ShardedSafetensorsWriter(string dir, IReadOnlyList<WeightInfo> tensors, long maxShardBytes, bool flushToDisk = true)
    {
        _flushToDisk = flushToDisk;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1L);
        _dir = dir;
        Tensors = tensors;
        long current = 0;
        _shards.Add([]);
        foreach (var t in tensors)
        {
            long b = Bytes(t);
            if (current > 0 && current + b > maxShardBytes) { _shards.Add([]); current = 0; }
            _shards[^1].Add(t);
            current += b;
        }
        for (int i = 0; i < _shards.Count; i++)
            _names.Add(_shards.Count == 1 ? HuggingFaceCheckpoint.WeightsFile : $"model-{i + 1:D5}-of-{_shards.Count:D5}.safetensors");
    }

    /// <summary>The tensors in write order.</summary>
    public IReadOnlyList<WeightInfo> Tensors { get; }

    /// <summary>Number of shard files.</summary>
    public int ShardCount => _shards.Count;

    /// <summary>Total data bytes.</summary>
    public long TotalBytes => Tensors.Sum(Bytes);

    static long Bytes(WeightInfo t) => t.Elements * Safetensors.ElementBytes(t.DType);

    /// <summary>Appends the next tensor of the list (its dtype and shape must be the planned ones).</summary>
    public void Write(Tensor t)
    {
        var info = Begin();
        if (t.dtype != info.DType || !t.shape.SequenceEqual(info.Shape))
            throw new InvalidOperationException($"ShardedSafetensorsWriter: tensor '{info.Name}' is {t.dtype} [{string.Join(",", t.shape)}], planned {info.DType} {info.ShapeText}.");
        Append(t);
        End();
    }

    /// <summary>Starts the next tensor of the list (opening its shard when needed); its data follows with <see cref="Append"/>.</summary>
    public WeightInfo Begin()
    {
        if (_next >= Tensors.Count) throw new InvalidOperationException("ShardedSafetensorsWriter: every planned tensor was already written.");
        if (_pending is not null) throw new InvalidOperationException($"ShardedSafetensorsWriter: tensor '{_pending.Name}' is not finished.");
        int shard = ShardOf(_next);
        if (shard != _shard) OpenShard(shard);
        _pending = Tensors[_next];
        _written = 0;
        return _pending;
    }

    /// <summary>Appends the bytes of <paramref name="block"/> (the started tensor's dtype, elements in order) to the started tensor.</summary>
    public void Append(Tensor block)
    {
        var info = _pending ?? throw new InvalidOperationException("ShardedSafetensorsWriter: Append before Begin.");
        if (block.dtype != info.DType) throw new InvalidOperationException($"ShardedSafetensorsWriter: a {block.dtype} block for tensor '{info.Name}' ({info.DType}).");
        if (block.numel() == 0) return;
        using var cpu = block.device_type == TorchSharp.DeviceType.CPU && block.is_contiguous() ? block.alias() : block.detach().cpu().contiguous();
        RandomAccess.Write(_file!, cpu.bytes, _position);
        _position += cpu.bytes.Length;
        _written += cpu.numel();
    }

    /// <summary>
    /// Hands the started tensor's whole byte range to the caller, who writes it (in any order, from any thread) with
    /// <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/> at <c>Offset</c> + the element's byte
    /// offset; <see cref="End"/> then finishes the tensor.
    /// </summary>
    public (SafeFileHandle File, long Offset) Reserve()
    {
        var info = _pending ?? throw new InvalidOperationException("ShardedSafetensorsWriter: Reserve before Begin.");
        if (_written != 0) throw new InvalidOperationException($"ShardedSafetensorsWriter: tensor '{info.Name}' already has appended blocks.");
        var range = (_file!, _position);
        _position += Bytes(info);
        _written = info.Elements;
        return range;
    }

    /// <summary>Finishes the started tensor; its element count must be the planned one.</summary>
    public void End()
    {
        var info = _pending ?? throw new InvalidOperationException("ShardedSafetensorsWriter: End before Begin.");
        if (_written != info.Elements) throw new InvalidOperationException($"ShardedSafetensorsWriter: tensor '{info.Name}' got {_written} of {info.Elements} elements.");
        _pending = null;
        _next++;
        if (_next == Tensors.Count || ShardOf(_next) != _shard) CloseShard();
    }

    /// <summary>Writes the index (several shards only) after every tensor was written.</summary>
    public void Finish()
    {
        if (_next != Tensors.Count) throw new InvalidOperationException($"ShardedSafetensorsWriter: {Tensors.Count - _next} planned tensors were not written.");
        if (_shards.Count == 1) return;
        var weightMap = new JsonObject();
        for (int i = 0; i < _shards.Count; i++)
            foreach (var t in _shards[i]) weightMap[t.Name] = _names[i];
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = TotalBytes }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(_dir, HuggingFaceCheckpoint.IndexFile), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    int ShardOf(int tensor)
    {
        int seen = 0;
        for (int s = 0; s < _shards.Count; s++)
        {
            seen += _shards[s].Count;
            if (tensor < seen) return s;
        }
        return _shards.Count - 1;
    }

    void OpenShard(int shard)
    {
        CloseShard();
        _shard = shard;
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt", ["producer"] = "blend" } };
        long offset = 0;
        foreach (var t in _shards[shard]) header[t.Name] = Safetensors.HeaderEntry(t.Name, t.DType, t.Shape, ref offset);
        var prefix = Safetensors.Prefix(header);
        _file = File.OpenHandle(Path.Combine(_dir, _names[shard]), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        RandomAccess.Write(_file, prefix, 0);
        _position = prefix.Length;
    }

    void CloseShard()
    {
        if (_file is null) return;
        if (_flushToDisk)
            using (var stream = new FileStream(_file, FileAccess.Write, 0)) stream.Flush(flushToDisk: true);
        _file.Dispose();
        _file = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
