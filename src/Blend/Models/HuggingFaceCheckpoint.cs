using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Blend.Models;

/// <summary>
/// The weights of a Hugging Face model folder: <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c>. Loading reads one tensor at a time straight into the model's parameters (peak
/// memory: the model plus its largest tensor); saving shards above a size and writes the index.
/// </summary>
internal static class HuggingFaceCheckpoint
{
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>The default largest shard when saving (5 GB, as the reference exporter).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Every tensor name of the folder with the shard that holds it (a single file maps everything to itself).</summary>
    public static IReadOnlyDictionary<string, string> WeightMap(string dir)
    {
        var index = Path.Combine(dir, IndexFile);
        var single = Path.Combine(dir, WeightsFile);
        if (!File.Exists(index))
        {
            if (!File.Exists(single)) throw new FileNotFoundException($"{dir}: no {WeightsFile} and no {IndexFile} (not a safetensors model folder).", single);
            using var file = SafetensorsFile.Open(single);
            return file.Names.ToDictionary(n => n, _ => WeightsFile);
        }
        JsonObject map;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(index)) as JsonObject ?? throw new FormatException($"{index}: expected a JSON object.");
            map = root["weight_map"] as JsonObject ?? throw new FormatException($"{index}: field 'weight_map' is missing or not an object.");
        }
        catch (JsonException e) { throw new FormatException($"{index}: not valid JSON ({e.Message}).", e); }
        var result = new Dictionary<string, string>();
        foreach (var (name, node) in map)
        {
            var shard = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{index}: weight_map entry '{name}' is not a file name.");
            if (shard.Length == 0 || Path.GetFileName(shard) != shard) throw new FormatException($"{index}: weight_map entry '{name}' names '{shard}', not a file in the folder.");
            result[name] = shard;
        }
        return result;
    }

    /// <summary>
    /// Fills every parameter of <paramref name="model"/> from the folder, each tensor read straight into its parameter (see
    /// <see cref="SafetensorsFile.ReadInto"/>). The headers were held to the config by <see cref="CheckpointCheck.BeforeAllocation"/>
    /// before the model was built (names, shapes, dtypes, kind); what remains here is a shard changed since, a
    /// <see cref="FormatException"/> naming the tensor and the file. A reward head's bias that the files lack (transformers'
    /// <c>score</c> layer has none) is set to 0.
    /// </summary>
    public static void Load(CausalLM model, string dir, IReadOnlyDictionary<string, string> map)
    {
        var expected = model.state_dict();
        var byParameter = new Dictionary<string, string>();
        foreach (var fileName in map.Keys)
        {
            var parameter = CheckpointNames.ParameterName(model.Config, fileName);
            if (expected.ContainsKey(parameter)) byParameter[parameter] = fileName;
        }
        var where = File.Exists(Path.Combine(dir, IndexFile)) ? Path.Combine(dir, IndexFile) : Path.Combine(dir, WeightsFile);
        using var noGrad = no_grad();
        foreach (var (name, t) in expected)
            if (!byParameter.ContainsKey(name))
            {
                if (CheckpointNames.MayBeMissing(name)) { t.zero_(); continue; }
                throw new FormatException($"{where}: missing tensor '{CheckpointNames.FileName(model.Config, name)}' (config.json expects [{string.Join(",", t.shape)}]).");
            }
        foreach (var group in byParameter.GroupBy(kv => map[kv.Value]))
        {
            using var file = OpenShard(dir, group.Key, map);
            foreach (var (parameter, fileName) in group)
            {
                if (!file.Contains(fileName)) throw new FormatException($"{file.Path}: missing tensor '{fileName}' (the index lists it in this shard).");
                try { file.ReadInto(fileName, expected[parameter]); }
                catch (ArgumentException e) { throw new FormatException(e.Message + " (the file changed after it was checked)", e); }
            }
        }
    }

    static SafetensorsFile OpenShard(string dir, string shard, IReadOnlyDictionary<string, string> map)
    {
        var path = Path.Combine(dir, shard);
        if (!File.Exists(path))
        {
            var first = map.First(kv => kv.Value == shard).Key;
            throw new FileNotFoundException($"{Path.Combine(dir, IndexFile)}: shard '{shard}' (holding tensor '{first}') does not exist.", path);
        }
        return SafetensorsFile.Open(path);
    }

    /// <summary>Writes the model's parameters into <paramref name="dir"/>: one <c>model.safetensors</c>, or shards of at most <paramref name="maxShardBytes"/> (a larger tensor gets its own) with the index.</summary>
    public static void Save(CausalLM model, string dir, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1L);
        var tensors = model.state_dict().Select(kv => new NamedTensor(CheckpointNames.FileName(model.Config, kv.Key), kv.Value)).ToList();
        static long Bytes(NamedTensor t) => t.Tensor.numel() * Safetensors.ElementBytes(t.Tensor.dtype);
        long total = tensors.Sum(Bytes);
        var shards = new List<List<NamedTensor>> { new() };
        long current = 0;
        foreach (var t in tensors)
        {
            long b = Bytes(t);
            if (current > 0 && current + b > maxShardBytes) { shards.Add([]); current = 0; }
            shards[^1].Add(t);
            current += b;
        }
        KeyValuePair<string, string>[] meta = [new("format", "pt"), new("producer", "blend")];
        if (shards.Count == 1)
        {
            Safetensors.Write(Path.Combine(dir, WeightsFile), tensors, meta);
            return;
        }
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            Safetensors.Write(Path.Combine(dir, name), shards[i], meta);
            foreach (var t in shards[i]) weightMap[t.Name] = name;
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
        AtomicFile.WriteAllText(Path.Combine(dir, IndexFile), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
