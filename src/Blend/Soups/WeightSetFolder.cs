using Blend.Models;

namespace Blend;

public sealed partial class WeightSet
{
    /// <summary>
    /// A read-only set over a checkpoint folder: Blend's (a policy, an SFT or CGPO checkpoint) or a Hugging Face model folder,
    /// with one <c>model.safetensors</c> or shards listed by <c>model.safetensors.index.json</c>. Only the headers are read
    /// now; each tensor is read when <see cref="Read"/> asks for it. Tensors are named as the model's parameters (the names
    /// <see cref="FromPolicy"/> gives; e.g. GPT-2's <c>transformer.</c> prefix is dropped), and buffers the loader skips are
    /// left out, so a folder merges with in-memory policies of the same architecture. Dispose to close the files.
    /// </summary>
    /// <param name="dir">The folder; the newest complete checkpoint among it and its <c>.old-*</c>/<c>.tmp-*</c> leftovers is read.</param>
    /// <exception cref="FileNotFoundException">No <c>config.json</c>, no weights, or a shard the index names is missing.</exception>
    /// <exception cref="FormatException">A malformed config, index or safetensors header (the file is named).</exception>
    public static WeightSet Load(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        string located;
        using (CheckpointCheck.Allow("reward-model")) located = CheckpointCheck.PolicyFolder(dir);
        var configPath = Path.Combine(located, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"WeightSet.Load: '{configPath}' does not exist (not a model folder).", configPath);
        var config = Policy.ReadConfig(configPath);
        var map = HuggingFaceCheckpoint.WeightMap(located);
        var files = new List<SafetensorsFile>();
        try
        {
            var infos = new List<WeightInfo>();
            var source = new Dictionary<string, (SafetensorsFile File, string Name)>(StringComparer.Ordinal);
            foreach (var shard in map.Values.Distinct())
            {
                var path = Path.Combine(located, shard);
                if (!File.Exists(path)) throw new FileNotFoundException($"{Path.Combine(located, HuggingFaceCheckpoint.IndexFile)}: shard '{shard}' does not exist.", path);
                var file = SafetensorsFile.Open(path);
                files.Add(file);
                foreach (var e in file.Entries)
                {
                    if (map.GetValueOrDefault(e.Name) != shard || CheckpointNames.Ignorable(config, e.Name)) continue;
                    var name = CheckpointNames.ParameterName(config, e.Name);
                    if (CheckpointNames.Ignorable(config, name)) continue;
                    if (!source.TryAdd(name, (file, e.Name))) throw new FormatException($"{file.Path}: tensor '{e.Name}' fills parameter '{name}', which another tensor of the folder fills too.");
                    infos.Add(new WeightInfo(name, e.DType, e.Shape));
                }
            }
            foreach (var (name, shard) in map)
                if (!files.Any(f => Path.GetFileName(f.Path) == shard && f.Contains(name)))
                    throw new FormatException($"{Path.Combine(located, shard)}: missing tensor '{name}' (the index lists it in this shard).");
            var set = Lazy(located, infos, (name, device) => { var (f, stored) = source[name]; return f.Read(stored, device); });
            set._owner = new Files(files);
            return set;
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    sealed class Files(List<SafetensorsFile> files) : IDisposable
    {
        public void Dispose()
        {
            foreach (var f in files) f.Dispose();
        }
    }
}
