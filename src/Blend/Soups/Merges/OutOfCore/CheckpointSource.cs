using System.Buffers.Binary;
using Blend.Models;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// One input of an out-of-core merge: a Hugging Face model folder (<c>model.safetensors</c> or shards listed by
/// <c>model.safetensors.index.json</c>) whose tensors are read whole or as element ranges, straight from the files.
/// Shards are opened on first use and stay open until <see cref="Dispose"/>.
/// </summary>
internal sealed class CheckpointSource : IDisposable
{
    readonly IReadOnlyDictionary<string, string> _map;
    readonly Dictionary<string, (SafetensorsFile File, SafeFileHandle Handle, long DataStart)> _open = new(StringComparer.Ordinal);

    CheckpointSource(string dir, IReadOnlyDictionary<string, string> map)
    {
        Dir = dir;
        _map = map;
    }

    /// <summary>The folder.</summary>
    public string Dir { get; }

    /// <summary>Every tensor name with the shard that holds it.</summary>
    public IReadOnlyDictionary<string, string> WeightMap => _map;

    /// <summary>Opens the folder's index (or single file); a missing folder or weights file is named in the exception.</summary>
    public static CheckpointSource Open(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"model folder '{dir}' does not exist.");
        return new CheckpointSource(dir, HuggingFaceCheckpoint.WeightMap(dir));
    }

    /// <summary>True when the folder has a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _map.ContainsKey(name);

    /// <summary>The entry (dtype, shape, byte range) of one tensor; a missing tensor or shard is a <see cref="FormatException"/> naming it.</summary>
    public SafetensorsEntry Entry(string name)
    {
        if (!_map.TryGetValue(name, out var shard)) throw new FormatException($"{Dir}: no tensor named '{name}'.");
        var file = Shard(shard).File;
        if (!file.Contains(name)) throw new FormatException($"{file.Path}: missing tensor '{name}' (the index lists it in this shard).");
        return file.Entry(name);
    }

    /// <summary>Reads a whole tensor onto the CPU, converted to <paramref name="dtype"/> when given.</summary>
    public Tensor Read(string name, ScalarType? dtype = null)
    {
        Entry(name);
        return Shard(_map[name]).File.Read(name, CPU, dtype);
    }

    /// <summary>Reads elements [<paramref name="start"/>, start + n) of a tensor, in its stored dtype, into <paramref name="into"/> (contiguous, CPU, n elements).</summary>
    public void ReadRange(string name, long start, Tensor into)
    {
        var (file, offset) = Locate(name);
        ReadAt(file, offset + start * Safetensors.ElementBytes(Entry(name).DType), into.bytes, name);
    }

    /// <summary>The open shard holding a tensor and the file offset of its first byte (for <see cref="ReadAt"/> from any thread).</summary>
    public (SafeFileHandle File, long Offset) Locate(string name)
    {
        var e = Entry(name);
        var (_, handle, dataStart) = Shard(_map[name]);
        return (handle, dataStart + e.Begin);
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="file"/> at <paramref name="offset"/> (pread; thread-safe); a short file is a <see cref="FormatException"/> naming the tensor.</summary>
    public static void ReadAt(SafeFileHandle file, long offset, Span<byte> into, string tensor)
    {
        while (into.Length > 0)
        {
            int n = RandomAccess.Read(file, into, offset);
            if (n == 0) throw new FormatException($"tensor '{tensor}': the shard ends before the tensor's data does.");
            into = into[n..];
            offset += n;
        }
    }

    (SafetensorsFile File, SafeFileHandle Handle, long DataStart) Shard(string shard)
    {
        if (_open.TryGetValue(shard, out var open)) return open;
        var path = Path.Combine(Dir, shard);
        if (!File.Exists(path))
        {
            var first = _map.First(kv => kv.Value == shard).Key;
            throw new FileNotFoundException($"{Path.Combine(Dir, HuggingFaceCheckpoint.IndexFile)}: shard '{shard}' (holding tensor '{first}') does not exist.", path);
        }
        var file = SafetensorsFile.Open(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> len = stackalloc byte[8];
        ReadAt(handle, 0, len, path);
        open = (file, handle, 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(len));
        _open[shard] = open;
        return open;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (file, handle, _) in _open.Values)
        {
            handle.Dispose();
            file.Dispose();
        }
        _open.Clear();
    }
}
