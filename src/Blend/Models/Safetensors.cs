using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Writes the safetensors format (an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
/// and byte range, then the raw little-endian data), written and read by Blend itself.
/// </summary>
/// <example><code>Safetensors.Write("model.safetensors", model.state_dict().Select(kv => new NamedTensor(kv.Key, kv.Value)));
/// using var file = SafetensorsFile.Open("model.safetensors");
/// var w = file.Read("wte.weight");</code></example>
public static class Safetensors
{
    /// <summary>Largest header accepted when reading (100 MB, as the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes tensors (any device; F32, F16, BF16, F64, I64, I32, U8, BOOL) to <paramref name="path"/> atomically, one tensor at a time.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Named tensors; names must be unique.</param>
    /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>.</param>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Safetensors.Write needs a little-endian host.");
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is not null)
        {
            var meta = new JsonObject();
            foreach (var kv in metadata) meta[kv.Key] = kv.Value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, t) in list)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__") throw new ArgumentException($"Safetensors.Write: invalid tensor name '{name}'.");
            if (header.ContainsKey(name)) throw new ArgumentException($"Safetensors.Write: tensor name '{name}' appears twice.");
            header[name] = HeaderEntry(name, t.dtype, t.shape, ref offset);
        }
        var prefix = Prefix(header);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(prefix);
            foreach (var (_, t) in list)
            {
                using var cpu = t.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>One tensor's header entry (dtype, shape, data_offsets from <paramref name="offset"/>, which it advances).</summary>
    internal static JsonObject HeaderEntry(string name, ScalarType dtype, IReadOnlyList<long> shape, ref long offset)
    {
        long bytes = shape.Aggregate(1L, (a, b) => a * b) * ElementBytes(dtype);
        var entry = new JsonObject
        {
            ["dtype"] = DTypeName(dtype, name),
            ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
            ["data_offsets"] = new JsonArray(offset, offset + bytes),
        };
        offset += bytes;
        return entry;
    }

    /// <summary>The bytes before the data: the 8-byte little-endian header length, then the JSON header padded with spaces to a multiple of 8.</summary>
    internal static byte[] Prefix(JsonObject header)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        var prefix = new byte[8 + padded];
        Array.Fill(prefix, (byte)' ', 8, padded);
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        json.CopyTo(prefix, 8);
        return prefix;
    }

    /// <summary>The safetensors dtype name of a torch dtype.</summary>
    /// <exception cref="NotSupportedException">The dtype has no safetensors name that Blend supports.</exception>
    public static string DTypeName(ScalarType dtype, string? tensor = null) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"Safetensors: dtype {dtype}{(tensor is null ? "" : $" of tensor '{tensor}'")} is not supported."),
    };

    /// <summary>The torch dtype of a safetensors dtype name, or null when unsupported.</summary>
    public static ScalarType? ParseDType(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => null,
    };

    internal static int ElementBytes(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        _ => 1,
    };
}

/// <summary>A tensor with its name in a checkpoint.</summary>
/// <param name="Name">Tensor name (e.g. <c>h.0.attn.c_attn.weight</c>).</param>
/// <param name="Tensor">The tensor.</param>
public sealed record NamedTensor(string Name, Tensor Tensor);

/// <summary>Where one tensor lives in a safetensors file.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Begin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="End">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafetensorsEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of data bytes.</summary>
    public long Bytes => End - Begin;
}

/// <summary>
/// A safetensors file opened for streaming: the header is parsed and validated up front, tensors are read one at a time
/// with <see cref="Read"/>.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    readonly FileStream _stream;
    readonly Dictionary<string, SafetensorsEntry> _entries;
    readonly long _dataStart;

    SafetensorsFile(string path, FileStream stream, List<SafetensorsEntry> entries, long dataStart, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _stream = stream;
        Entries = entries;
        _entries = entries.ToDictionary(e => e.Name);
        _dataStart = dataStart;
        Metadata = metadata;
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>Tensor names in file order.</summary>
    public IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToList();

    /// <summary>Every tensor's dtype, shape and byte range, in file order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings of the header (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The entry of one tensor.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names the file.</exception>
    public SafetensorsEntry Entry(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'.");

    /// <summary>Opens and validates <paramref name="path"/>; a malformed header gives a <see cref="FormatException"/> naming the file and the problem.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            long fileLength = stream.Length;
            if (fileLength < 8) throw Bad(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
            Span<byte> len = stackalloc byte[8];
            stream.ReadExactly(len);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(len);
            if (headerLength == 0 || headerLength > Safetensors.MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw Bad(path, $"header length {headerLength} is impossible for a file of {fileLength} bytes");
            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            JsonObject header;
            try
            {
                header = JsonNode.Parse(Encoding.UTF8.GetString(headerBytes).TrimEnd(' ')) as JsonObject
                    ?? throw Bad(path, "header is not a JSON object");
            }
            catch (JsonException e) { throw Bad(path, $"header is not valid JSON ({e.Message})", e); }
            catch (ArgumentException e) { throw Bad(path, $"header is not valid UTF-8 JSON ({e.Message})", e); }

            var meta = new Dictionary<string, string>();
            var entries = new List<SafetensorsEntry>();
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    if (node is not JsonObject m) throw Bad(path, "__metadata__ is not an object");
                    foreach (var (k, v) in m) meta[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : throw Bad(path, $"__metadata__ field '{k}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(path, name, node));
            }
            long dataLength = fileLength - 8 - (long)headerLength;
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                if (e.Begin != expected) throw Bad(path, $"tensor '{e.Name}' starts at byte {e.Begin}, expected {expected} (gap or overlap)");
                expected = e.End;
            }
            if (expected != dataLength) throw Bad(path, $"tensors cover {expected} data bytes but the file has {dataLength}");
            return new SafetensorsFile(path, stream, entries, 8 + (long)headerLength, meta);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor onto <paramref name="device"/> (default <see cref="BlendRuntime.Device"/>), optionally converting its dtype.</summary>
    public Tensor Read(string name, Device? device = null, ScalarType? dtype = null)
    {
        var e = Entry(name);
        var t = empty(e.Shape.ToArray(), e.DType, CPU);
        try
        {
            lock (_stream)
            {
                _stream.Position = _dataStart + e.Begin;
                if (e.Bytes > 0) _stream.ReadExactly(t.bytes);
            }
        }
        catch
        {
            t.Dispose();
            throw;
        }
        device ??= BlendRuntime.Device;
        if (device.type == DeviceType.CPU && (dtype is null || dtype == e.DType)) return t;
        var moved = t.to(dtype ?? e.DType, device);
        t.Dispose();
        return moved;
    }

    /// <summary>
    /// Reads one tensor into <paramref name="target"/> (same shape; any device and floating dtype). A contiguous CPU target of
    /// the stored dtype is filled straight from the file, with no intermediate copy; otherwise the tensor is read and converted.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ; the message names the file and the tensor.</exception>
    public void ReadInto(string name, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var e = Entry(name);
        if (!e.Shape.SequenceEqual(target.shape))
            throw new ArgumentException($"{Path}: tensor '{name}' has shape [{string.Join(",", e.Shape)}], the target [{string.Join(",", target.shape)}].");
        if (target.device_type == DeviceType.CPU && target.dtype == e.DType && target.is_contiguous())
        {
            if (e.Bytes == 0) return;
            using var noGrad = no_grad();
            lock (_stream)
            {
                _stream.Position = _dataStart + e.Begin;
                _stream.ReadExactly(target.bytes);
            }
            return;
        }
        using var src = Read(name, CPU);
        using (no_grad()) target.copy_(src);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    static SafetensorsEntry ParseEntry(string path, string name, JsonNode? node)
    {
        if (node is not JsonObject o) throw Bad(path, $"entry '{name}' is not an object");
        string dt = o["dtype"] is JsonValue dv && dv.TryGetValue<string>(out var s) ? s : throw Bad(path, $"tensor '{name}' has no string 'dtype'");
        var dtype = Safetensors.ParseDType(dt) ?? throw Bad(path, $"tensor '{name}' has unsupported dtype '{dt}'");
        if (o["shape"] is not JsonArray shapeArr) throw Bad(path, $"tensor '{name}' has no 'shape' array");
        var shape = new long[shapeArr.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeArr[i] is not JsonValue v || !v.TryGetValue<long>(out var d) || d < 0) throw Bad(path, $"tensor '{name}' has an invalid shape entry {i}");
            shape[i] = d;
        }
        if (o["data_offsets"] is not JsonArray off || off.Count != 2
            || off[0] is not JsonValue b0 || !b0.TryGetValue<long>(out var begin)
            || off[1] is not JsonValue b1 || !b1.TryGetValue<long>(out var end) || begin < 0 || end < begin)
            throw Bad(path, $"tensor '{name}' has invalid 'data_offsets'");
        long elements, bytes;
        try
        {
            elements = shape.Aggregate(1L, (a, x) => checked(a * x));
            bytes = checked(elements * Safetensors.ElementBytes(dtype));
        }
        catch (OverflowException) { throw Bad(path, $"tensor '{name}' has shape [{string.Join(",", shape)}], whose element count overflows a 64-bit size"); }
        if (end - begin != bytes)
            throw Bad(path, $"tensor '{name}' is {dt} [{string.Join(",", shape)}] ({bytes} bytes) but its data_offsets span {end - begin} bytes");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    static FormatException Bad(string path, string what, Exception? inner = null) =>
        new($"{path}: not a valid safetensors file: {what}.", inner);
}
