using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>Name, dtype and shape of one tensor of a <see cref="WeightSet"/>, known without reading its data.</summary>
/// <param name="Name">The state-dict key (for example <c>h.0.attn.c_attn.weight</c>).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The tensor's shape.</param>
public sealed record WeightInfo(string Name, ScalarType DType, IReadOnlyList<long> Shape)
{
    /// <summary>Number of elements.</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as text, e.g. <c>[192, 64]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A named, ordered set of tensors: a model's state dict held in memory, or a checkpoint whose tensors are read one at a
/// time on demand (so a merge of N checkpoints never holds N model copies).
/// </summary>
/// <remarks>
/// <see cref="Read"/> returns a new tensor handle the caller disposes; for in-memory sets it is an alias of the live
/// tensor (no copy), so writing into the tensors of a writable set (<see cref="IsWritable"/>) changes the model.
/// </remarks>
public sealed partial class WeightSet : IDisposable
{
    IDisposable? _owner;

    readonly Dictionary<string, WeightInfo> _byName;
    readonly Func<string, Device, Tensor> _read;
    readonly Dictionary<string, Tensor>? _live;

    WeightSet(string label, IReadOnlyList<WeightInfo> tensors, Func<string, Device, Tensor> read, Dictionary<string, Tensor>? live)
    {
        Label = label;
        Tensors = tensors;
        _read = read;
        _live = live;
        _byName = new Dictionary<string, WeightInfo>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!_byName.TryAdd(t.Name, t)) throw new ArgumentException($"WeightSet '{label}': tensor '{t.Name}' appears twice.");
    }

    /// <summary>What this set is (a model label or a file path), used in error messages.</summary>
    public string Label { get; }

    /// <summary>The tensors' names, dtypes and shapes, in state-dict order.</summary>
    public IReadOnlyList<WeightInfo> Tensors { get; }

    /// <summary>True when the tensors are live model tensors that a merge may write into.</summary>
    public bool IsWritable => _live is not null;

    /// <summary>Total number of elements over all tensors.</summary>
    public long Elements => Tensors.Sum(t => t.Elements);

    /// <summary>Total size in bytes over all tensors.</summary>
    public long Bytes => Tensors.Sum(t => t.Elements * ElementSize(t.DType));

    /// <summary>True when the set has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The description of the tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message names the set.</exception>
    public WeightInfo Info(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"WeightSet '{Label}' has no tensor '{name}'.");

    /// <summary>Reads one tensor onto <paramref name="device"/> (the caller disposes the returned handle).</summary>
    public Tensor Read(string name, Device? device = null)
    {
        Info(name);
        return _read(name, device ?? BlendRuntime.Device);
    }

    /// <summary>An alias of the live tensor on its own device (writable sets only; the caller disposes the handle).</summary>
    internal Tensor ReadLive(string name) =>
        (_live ?? throw new InvalidOperationException($"WeightSet '{Label}' is read-only."))[name].detach();

    /// <summary>A writable view of a module's state dict (parameters and buffers), in registration order.</summary>
    /// <param name="module">The model; merges write into its tensors in place.</param>
    /// <param name="label">A name for error messages (default: the module's type name).</param>
    public static WeightSet FromModule(nn.Module module, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        return FromTensors(module.state_dict(), label ?? module.GetType().Name);
    }

    /// <summary>A writable set over live tensors (no copies are made).</summary>
    /// <param name="tensors">Named tensors, in order.</param>
    /// <param name="label">A name for error messages.</param>
    public static WeightSet FromTensors(IEnumerable<KeyValuePair<string, Tensor>> tensors, string label = "tensors")
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var map = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in list) map[k] = v;
        var infos = list.Select(kv => new WeightInfo(kv.Key, kv.Value.dtype, kv.Value.shape)).ToList();
        return new WeightSet(label, infos, (name, device) =>
        {
            var t = map[name];
            return t.device_type == device.type && t.device_index == device.index ? t.detach() : t.detach().to(device);
        }, map);
    }

    /// <summary>A read-only set whose tensors are produced on demand by <paramref name="read"/> (e.g. from a file).</summary>
    /// <param name="label">A name for error messages (a file path).</param>
    /// <param name="tensors">Names, dtypes and shapes, in order.</param>
    /// <param name="read">Reads one tensor by name onto a device; the caller disposes the result.</param>
    public static WeightSet Lazy(string label, IEnumerable<WeightInfo> tensors, Func<string, Device, Tensor> read)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(read);
        return new WeightSet(label, tensors.ToList(), read, null);
    }

    /// <summary>
    /// A read-only set over one safetensors file (or a folder holding <c>model.safetensors</c>), with the file's own tensor
    /// names: the header is read now, each tensor only when <see cref="Read"/> asks for it. Dispose to close the file. For a
    /// model folder (sharded, or with transformers' names) use <see cref="Load"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither the file nor <c>path/model.safetensors</c> exists.</exception>
    public static WeightSet FromSafetensors(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, "model.safetensors") : path;
        var st = SafetensorsFile.Open(file);
        var set = Lazy(file, st.Entries.Select(e => new WeightInfo(e.Name, e.DType, e.Shape)), (name, device) => st.Read(name, device));
        set._owner = st;
        return set;
    }

    /// <summary>A writable view of a policy's weights (see <see cref="FromModule"/>).</summary>
    public static WeightSet FromPolicy(Policy policy, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return FromModule(policy.Model, label ?? "policy");
    }

    /// <summary>Closes the file behind a set made by <see cref="FromSafetensors"/> (no effect on in-memory sets).</summary>
    public void Dispose()
    {
        _owner?.Dispose();
        _owner = null;
    }

    /// <summary>Bytes per element of a dtype.</summary>
    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.ComplexFloat64 => 16,
        _ => 1,
    };

    /// <inheritdoc />
    public override string ToString() => $"WeightSet '{Label}': {Tensors.Count} tensors, {Elements:N0} elements";
}
