using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A mergekit merge config (YAML) read and run with Blend's methods, out of core (<see cref="CheckpointMerge"/>):
/// <c>merge_method</c>, <c>models</c> (each with <c>model</c> and <c>parameters</c>) or <c>slices</c> (each with
/// <c>sources</c>: <c>model</c>, <c>layer_range: [from, to)</c>, <c>parameters</c>; and its own <c>base_model</c> and
/// <c>parameters</c>), <c>base_model</c>, <c>parameters</c> (scalars, per-layer gradients, <c>filter:</c> conditions; see
/// <see cref="MergeSetting"/>), <c>dtype</c>, <c>out_dtype</c>, <c>tokenizer_source</c> (<c>base</c> or a model; default the
/// base model, else the first). Methods: linear, task_arithmetic, ties, dare_linear, dare_ties, breadcrumbs,
/// breadcrumbs_ties, della, della_linear, slerp, nuslerp, multislerp, karcher, model_stock, sce, passthrough.
/// </summary>
/// <remarks>
/// Model paths are local Hugging Face folders, relative to the YAML file's folder; nothing is downloaded. Every key, value
/// and parameter is checked before any tensor is read; anything Blend does not run (an unknown or unsupported key, such as
/// <c>modules</c>, <c>tokenizer</c> or <c>tokenizer_source: union</c>, a parameter the method does not take, a value out of
/// range) is a <see cref="MergeConfigException"/> naming the file, line and key. Weights are taken as written, as mergekit
/// does (no simplex check). Blend adds one parameter, <c>seed</c> (default 0), for the random masks of DARE and DELLA.
/// Layer tensors are recognised by a <c>.layers.N.</c>, <c>.h.N.</c> or <c>.blocks.N.</c> segment; with slices, tensors
/// outside the layers come from the first slice's sources when their name has <c>embed</c>, <c>wte</c> or <c>wpe</c>, else
/// from the last slice's.
/// </remarks>
/// <example><code>var config = MergeConfig.Load("recipes/merges/ties.yml");
/// config.Validate();                       // reads only the folders' headers
/// config.Run("out/ties-merge");</code></example>
public sealed partial class MergeConfig
{
    static readonly string[] TopKeys = ["merge_method", "models", "slices", "base_model", "parameters", "dtype", "out_dtype", "tokenizer_source"];

    internal sealed record ModelRef(string Path, string Written, int Line, string Key);
    internal sealed record Source(ModelRef Model, int From, int To, IReadOnlyDictionary<string, MergeSetting> Parameters, int Line, string Key);
    internal sealed record Slice(IReadOnlyList<Source> Sources, ModelRef? BaseModel, IReadOnlyDictionary<string, MergeSetting> Parameters, int Line, string Key);

    MergeConfig(string file, string method, int methodLine, ModelRef? baseModel, IReadOnlyList<Slice> slices, bool fromSlices, IReadOnlyDictionary<string, MergeSetting> parameters,
        (ScalarType Type, int Line)? dtype, (ScalarType Type, int Line)? outDType, ModelRef? tokenizer)
    {
        File = file;
        Method = method;
        MethodLine = methodLine;
        Base = baseModel;
        Slices = slices;
        FromSlices = fromSlices;
        Parameters = parameters;
        DTypeSetting = dtype;
        OutDTypeSetting = outDType;
        Tokenizer = tokenizer;
    }

    /// <summary>Every <c>merge_method</c> Blend runs from a config.</summary>
    public static IReadOnlyList<string> SupportedMethods => MergeConfigMethods.Known;

    /// <summary>The per-model parameters of a supported method (e.g. <c>weight</c>, <c>density</c>).</summary>
    /// <exception cref="ArgumentException">The method is not supported.</exception>
    public static IReadOnlyList<string> ModelParameters(string method) =>
        MergeConfigMethods.Known.Contains(method) ? MergeConfigMethods.Of(method).ModelParameters : throw new ArgumentException($"merge method '{method}' is not supported.", nameof(method));

    /// <summary>The YAML file.</summary>
    public string File { get; }

    /// <summary>The <c>merge_method</c>.</summary>
    public string Method { get; }

    /// <summary>The base model's folder (full path), or null.</summary>
    public string? BaseModel => Base?.Path;

    /// <summary>Every model folder the config names (full paths), in order of appearance.</summary>
    public IReadOnlyList<string> Models => Slices.SelectMany(s => s.Sources.Select(x => x.Model.Path)).Concat(Base is null ? [] : [Base.Path]).Distinct().ToList();

    /// <summary>The output dtype (<c>out_dtype</c>, else <c>dtype</c>; null: each tensor's input dtype).</summary>
    public ScalarType? DType => (OutDTypeSetting ?? DTypeSetting)?.Type;

    internal int MethodLine { get; }
    internal ModelRef? Base { get; }
    internal IReadOnlyList<Slice> Slices { get; }
    internal bool FromSlices { get; }
    internal IReadOnlyDictionary<string, MergeSetting> Parameters { get; }
    internal (ScalarType Type, int Line)? DTypeSetting { get; }
    internal (ScalarType Type, int Line)? OutDTypeSetting { get; }
    internal ModelRef? Tokenizer { get; }

    /// <summary>Reads and checks a mergekit YAML file (keys, types, method, parameter names); folders are checked by <see cref="Validate"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MergeConfigException">Malformed YAML or an unsupported key or value (file, line, key).</exception>
    public static MergeConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"merge config '{path}' does not exist.", path);
        return Parse(System.IO.File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Reads a mergekit config from text; relative model paths are resolved against <paramref name="folder"/>.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="file">A name for error messages.</param>
    /// <param name="folder">The folder relative model paths start from (default: the working directory).</param>
    public static MergeConfig Parse(string yaml, string file = "merge.yml", string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        folder ??= Directory.GetCurrentDirectory();
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new MergeConfigException(file, (int)e.Start.Line, "(yaml)", $"not valid YAML: {e.Message}", e); }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new MergeConfigException(file, 1, "(root)", "a merge config is one YAML mapping (merge_method, models or slices, …)");
        var keys = Mapping(file, "(root)", root, TopKeys, "mergekit merge config");

        var methodNode = keys.GetValueOrDefault("merge_method") ?? throw new MergeConfigException(file, (int)root.Start.Line, "merge_method", "missing (the method to run, e.g. linear or ties)");
        var method = Text(file, "merge_method", methodNode);
        if (!MergeConfigMethods.Known.Contains(method))
            throw new MergeConfigException(file, (int)methodNode.Start.Line, "merge_method", $"unsupported method '{method}' (Blend runs: {string.Join(", ", MergeConfigMethods.Known)})");

        ModelRef? Model(string key, YamlNode node) => new(Resolve(folder, Text(file, key, node)), Text(file, key, node), (int)node.Start.Line, key);
        var baseModel = keys.TryGetValue("base_model", out var b) ? Model("base_model", b) : null;
        var parameters = Settings(file, "parameters", keys.GetValueOrDefault("parameters"));

        bool hasModels = keys.ContainsKey("models"), hasSlices = keys.ContainsKey("slices");
        if (hasModels == hasSlices)
            throw new MergeConfigException(file, (int)root.Start.Line, hasModels ? "slices" : "models", "give exactly one of 'models' or 'slices'");
        var slices = new List<Slice>();
        if (hasModels)
        {
            var list = Sequence(file, "models", keys["models"]);
            var sources = new List<Source>();
            for (int i = 0; i < list.Count; i++)
            {
                var key = $"models[{i}]";
                var m = Mapping(file, key, list[i], ["model", "parameters"], "models entry");
                var model = m.TryGetValue("model", out var mn) ? Model(key + ".model", mn)! : throw new MergeConfigException(file, (int)list[i].Start.Line, key + ".model", "missing (the model folder)");
                sources.Add(new Source(model, -1, -1, Settings(file, key + ".parameters", m.GetValueOrDefault("parameters")), (int)list[i].Start.Line, key));
            }
            if (sources.Count == 0) throw new MergeConfigException(file, (int)keys["models"].Start.Line, "models", "no models listed");
            slices.Add(new Slice(sources, null, new Dictionary<string, MergeSetting>(), (int)keys["models"].Start.Line, "models"));
        }
        else
        {
            var list = Sequence(file, "slices", keys["slices"]);
            for (int i = 0; i < list.Count; i++)
            {
                var key = $"slices[{i}]";
                var s = Mapping(file, key, list[i], ["sources", "base_model", "parameters"], "slice");
                var srcNodes = s.TryGetValue("sources", out var sn) ? Sequence(file, key + ".sources", sn) : throw new MergeConfigException(file, (int)list[i].Start.Line, key + ".sources", "missing (the slice's source models and layer ranges)");
                var sources = new List<Source>();
                for (int j = 0; j < srcNodes.Count; j++)
                {
                    var skey = $"{key}.sources[{j}]";
                    var src = Mapping(file, skey, srcNodes[j], ["model", "layer_range", "parameters"], "slice source");
                    var model = src.TryGetValue("model", out var mn) ? Model(skey + ".model", mn)! : throw new MergeConfigException(file, (int)srcNodes[j].Start.Line, skey + ".model", "missing (the model folder)");
                    var range = src.TryGetValue("layer_range", out var rn) ? Sequence(file, skey + ".layer_range", rn) : throw new MergeConfigException(file, (int)srcNodes[j].Start.Line, skey + ".layer_range", "missing ([from, to), layer indices)");
                    if (range.Count != 2 || !int.TryParse((range[0] as YamlScalarNode)?.Value, out var from) || !int.TryParse((range[1] as YamlScalarNode)?.Value, out var to) || from < 0 || to <= from)
                        throw new MergeConfigException(file, (int)rn.Start.Line, skey + ".layer_range", "expected [from, to) with 0 ≤ from < to");
                    sources.Add(new Source(model, from, to, Settings(file, skey + ".parameters", src.GetValueOrDefault("parameters")), (int)srcNodes[j].Start.Line, skey));
                }
                if (sources.Count == 0) throw new MergeConfigException(file, (int)list[i].Start.Line, key + ".sources", "no sources listed");
                if (sources.Select(x => x.To - x.From).Distinct().Count() != 1)
                    throw new MergeConfigException(file, (int)list[i].Start.Line, key + ".sources", "every source of a slice must span the same number of layers");
                var sliceBase = s.TryGetValue("base_model", out var sb) ? Model(key + ".base_model", sb) : null;
                slices.Add(new Slice(sources, sliceBase, Settings(file, key + ".parameters", s.GetValueOrDefault("parameters")), (int)list[i].Start.Line, key));
            }
            if (slices.Count == 0) throw new MergeConfigException(file, (int)keys["slices"].Start.Line, "slices", "no slices listed");
        }

        var dtype = keys.TryGetValue("dtype", out var dn) ? ParseDType(file, "dtype", dn) : ((ScalarType, int)?)null;
        var outDType = keys.TryGetValue("out_dtype", out var on) ? ParseDType(file, "out_dtype", on) : ((ScalarType, int)?)null;
        ModelRef? tokenizer = null;
        if (keys.TryGetValue("tokenizer_source", out var tn))
        {
            var t = Text(file, "tokenizer_source", tn);
            if (t == "union") throw new MergeConfigException(file, (int)tn.Start.Line, "tokenizer_source", "'union' (a merged vocabulary) is not supported; use 'base' or a model folder");
            tokenizer = t == "base" ? baseModel ?? throw new MergeConfigException(file, (int)tn.Start.Line, "tokenizer_source", "'base' needs a base_model") : Model("tokenizer_source", tn);
        }
        var config = new MergeConfig(file, method, (int)methodNode.Start.Line, baseModel, slices, hasSlices, parameters, dtype, outDType, tokenizer);
        MergeConfigMethods.CheckParameterNames(config);
        return config;
    }

    /// <summary>Checks the config against the model folders (every tensor present with matching shapes, every parameter in range) without reading tensor data.</summary>
    /// <exception cref="MergeConfigException">A folder is missing or does not fit the config (file, line, key).</exception>
    public void Validate()
    {
        var (plan, sources) = MergeConfigPlanner.Plan(this);
        try { CheckpointMerge.Check(plan, sources); }
        catch (ArgumentException e) { throw new MergeConfigException(File, MethodLine, "merge_method", e.Message, e); }
        finally { foreach (var s in sources) s.Dispose(); }
    }

    /// <summary>Validates, then merges into <paramref name="outDir"/> (atomically, out of core).</summary>
    /// <param name="outDir">The merged model folder.</param>
    /// <param name="options">Shard size and progress (the dtype and tokenizer come from the config).</param>
    public CheckpointMergeResult Run(string outDir, CheckpointMergeOptions? options = null)
    {
        var (plan, sources) = MergeConfigPlanner.Plan(this);
        foreach (var s in sources) s.Dispose();
        options ??= new CheckpointMergeOptions();
        try { return CheckpointMerge.Execute(plan, outDir, options); }
        catch (ArgumentException e) when (e is not ArgumentNullException) { throw new MergeConfigException(File, MethodLine, "merge_method", e.Message, e); }
    }

    /// <inheritdoc />
    public override string ToString() => $"mergekit config '{File}': {Method} of {Models.Count} models{(FromSlices ? $" in {Slices.Count} slices" : "")}";

    internal static string Resolve(string folder, string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(folder, path));

    static Dictionary<string, YamlNode> Mapping(string file, string key, YamlNode node, string[] allowed, string what)
    {
        if (node is not YamlMappingNode m) throw new MergeConfigException(file, (int)node.Start.Line, key, $"expected a mapping ({what}: {string.Join(", ", allowed)})");
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in m.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var path = key == "(root)" ? name : $"{key}.{name}";
            if (!allowed.Contains(name)) throw new MergeConfigException(file, (int)k.Start.Line, path, $"unsupported key in a {what} (Blend reads: {string.Join(", ", allowed)})");
            if (!result.TryAdd(name, v)) throw new MergeConfigException(file, (int)k.Start.Line, path, "appears twice");
        }
        return result;
    }

    static IReadOnlyList<YamlNode> Sequence(string file, string key, YamlNode node) =>
        node is YamlSequenceNode s ? s.Children.ToList() : throw new MergeConfigException(file, (int)node.Start.Line, key, "expected a list");

    static string Text(string file, string key, YamlNode node) =>
        node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw new MergeConfigException(file, (int)node.Start.Line, key, "expected a non-empty text");

    static IReadOnlyDictionary<string, MergeSetting> Settings(string file, string key, YamlNode? node)
    {
        var result = new Dictionary<string, MergeSetting>(StringComparer.Ordinal);
        if (node is null) return result;
        if (node is not YamlMappingNode m) throw new MergeConfigException(file, (int)node.Start.Line, key, "expected a mapping of parameter names to values");
        foreach (var (k, v) in m.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!result.TryAdd(name, MergeSetting.Parse(file, $"{key}.{name}", v))) throw new MergeConfigException(file, (int)k.Start.Line, $"{key}.{name}", "appears twice");
        }
        return result;
    }

    static (ScalarType, int) ParseDType(string file, string key, YamlNode node)
    {
        var text = Text(file, key, node);
        ScalarType? t = text switch
        {
            "float32" or "fp32" => ScalarType.Float32,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            "float64" => ScalarType.Float64,
            _ => null,
        };
        return (t ?? throw new MergeConfigException(file, (int)node.Start.Line, key, $"unsupported dtype '{text}' (float32, bfloat16, float16, float64)"), (int)node.Start.Line);
    }

    [GeneratedRegex(@"^(?<pre>(?:.*\.)?(?:layers|h|blocks))\.(?<i>\d+)\.(?<rest>.+)$")]
    internal static partial Regex LayerName();
}
