using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

public sealed partial class Policy
{
    const string ConfigFile = "config.json";
    const string WeightsFile = "model.safetensors";

    /// <summary>
    /// Saves the checkpoint into <paramref name="dir"/> atomically (written to a temporary sibling folder, then renamed over
    /// the target): for Blend's <see cref="Gpt"/>, <c>config.json</c>, <c>model.safetensors</c> and the codec's files; for a
    /// Hugging Face architecture, the Hugging Face layout (its <c>config.json</c>, weights sharded above 5 GB with
    /// <c>model.safetensors.index.json</c>, and the codec's files: a Hugging Face tokenizer's own files, copied), which other tools open.
    /// </summary>
    public void Save(string dir) => Save(dir, HuggingFaceCheckpoint.DefaultMaxShardBytes);

    /// <summary>As <see cref="Save(string)"/>, with weight shards of at most <paramref name="maxShardBytes"/> bytes (Hugging Face layout only).</summary>
    public void Save(string dir, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1L);
        CheckpointFolder.Write(dir, "policy", tmp => WriteFiles(tmp, maxShardBytes));
    }

    /// <summary>Writes the checkpoint files into an existing folder (not atomic: callers swap the folder in).</summary>
    internal void WriteFiles(string tmp) => WriteFiles(tmp, HuggingFaceCheckpoint.DefaultMaxShardBytes);

    void WriteFiles(string tmp, long maxShardBytes)
    {
        if (Config is not GptConfig)
        {
            var hf = HuggingFaceConfig.ToJson(Config);
            hf["torch_dtype"] = Model.DType switch { ScalarType.BFloat16 => "bfloat16", ScalarType.Float16 => "float16", _ => "float32" };
            AtomicFile.WriteAllText(Path.Combine(tmp, ConfigFile), hf.ToJsonString(JsonOptions));
            HuggingFaceCheckpoint.Save(Model, tmp, maxShardBytes);
            Codec.Save(tmp);
            return;
        }
        var state = Model.state_dict();
        var dtype = Safetensors.DTypeName(state.Values.First().dtype);
        var json = new JsonObject
        {
            ["format"] = "blend-policy/1",
            ["dtype"] = dtype,
            ["parameters"] = Model.ParameterCount,
            ["config"] = JsonSerializer.SerializeToNode(Config, Config.GetType(), JsonOptions),
        };
        AtomicFile.WriteAllText(Path.Combine(tmp, ConfigFile), json.ToJsonString(JsonOptions));
        Safetensors.Write(Path.Combine(tmp, WeightsFile), state.Select(kv => new NamedTensor(kv.Key, kv.Value)),
            [new("format", "pt"), new("producer", "blend")]);
        Codec.Save(tmp);
    }

    /// <summary>
    /// Loads a checkpoint onto <paramref name="device"/> (default <see cref="BlendRuntime.Device"/>) in <paramref name="dtype"/>
    /// (default: the files'): a folder written by <see cref="Save(string)"/>, or a Hugging Face model folder (GPT-2, Llama,
    /// Mistral, Qwen2, Qwen3: <c>config.json</c> plus <c>model.safetensors</c> or shards with their index), read one tensor at
    /// a time. Names, shapes and dtypes are validated; the error names the tensor and the file.
    /// </summary>
    /// <param name="dir">The folder.</param>
    /// <param name="device">Target device (default <see cref="BlendRuntime.Device"/>).</param>
    /// <param name="dtype">Weight dtype (float32, bfloat16 or float16; default: the files').</param>
    /// <param name="codec">The tokenizer to use; default: the one saved in the folder.</param>
    /// <exception cref="FormatException">A malformed or unsupported config, a missing or mis-shaped tensor.</exception>
    public static Policy Load(string dir, Device? device = null, ScalarType? dtype = null, TextCodec? codec = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        dir = CheckpointCheck.PolicyFolder(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Policy.Load: checkpoint folder '{dir}' does not exist.");
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"Policy.Load: '{configPath}' does not exist.", configPath);
        if (dtype is { } d && d is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Policy.Load: dtype {d} is not a weight dtype (Float32, BFloat16 or Float16).", nameof(dtype));
        if (!IsBlendPolicy(configPath)) return LoadHuggingFace(dir, configPath, device, dtype, codec);
        GptConfig config;
        string fileDtype;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new FormatException($"{configPath}: expected a JSON object.");
            fileDtype = root["dtype"]?.GetValue<string>() ?? throw new FormatException($"{configPath}: field 'dtype' is missing.");
            var node = root["config"] ?? throw new FormatException($"{configPath}: field 'config' is missing.");
            config = node.Deserialize<GptConfig>(JsonOptions) ?? throw new FormatException($"{configPath}: field 'config' is null.");
            config.Validate();
        }
        catch (JsonException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (InvalidOperationException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        codec ??= TextCodec.Load(dir);
        if (codec.VocabSize > config.VocabSize)
            throw new FormatException($"{configPath}: config.VocabSize {config.VocabSize} is smaller than the tokenizer's {codec.VocabSize} ids.");
        var weightsPath = Path.Combine(dir, WeightsFile);
        using var file = SafetensorsFile.Open(weightsPath);
        CheckpointCheck.BeforeAllocation(file, config, configPath);
        var storedType = Safetensors.ParseDType(fileDtype) ?? throw new FormatException($"{configPath}: dtype '{fileDtype}' is not supported.");
        var model = new Gpt(config);
        try
        {
            var expected = model.state_dict();
            foreach (var (name, t) in expected)
            {
                if (!file.Contains(name)) throw new FormatException($"{weightsPath}: missing tensor '{name}' (the config expects {fileDtype} [{string.Join(",", t.shape)}]).");
                var e = file.Entry(name);
                if (!e.Shape.SequenceEqual(t.shape))
                    throw new FormatException($"{weightsPath}: tensor '{name}' has shape [{string.Join(",", e.Shape)}] but the config expects [{string.Join(",", t.shape)}].");
                if (e.DType != storedType)
                    throw new FormatException($"{weightsPath}: tensor '{name}' has dtype {Safetensors.DTypeName(e.DType)} but config.json says {fileDtype}.");
            }
            foreach (var name in file.Names)
                if (!expected.ContainsKey(name)) throw new FormatException($"{weightsPath}: unexpected tensor '{name}' (not part of this config's model).");
            if (storedType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
                throw new FormatException($"{weightsPath}: dtype {fileDtype} is not a weight dtype (F32, F16 or BF16).");
            device ??= BlendRuntime.Device;
            model.to(dtype ?? storedType).to(device);
            using (no_grad())
            {
                foreach (var (name, t) in model.state_dict())
                {
                    using var src = file.Read(name, CPU);
                    t.copy_(src);
                }
            }
            CheckpointCheck.Finite(model, weightsPath);
            return new Policy(codec, model, device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static bool IsBlendPolicy(string configPath)
    {
        try { return (JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject)?["format"] is JsonValue v && v.TryGetValue<string>(out var f) && f == "blend-policy/1"; }
        catch (JsonException e) { throw new FormatException($"{configPath}: not valid JSON ({e.Message}).", e); }
    }

    static Policy LoadHuggingFace(string dir, string configPath, Device? device, ScalarType? dtype, TextCodec? codec)
    {
        var config = HuggingFaceConfig.Read(configPath);
        // tokenizer.json is Blend's codec or a Hugging Face tokenizer (TextCodec.Load reads both); otherwise vocab.json + merges.txt or tokenizer.model.
        codec ??= File.Exists(Path.Combine(dir, "tokenizer.json")) ? TextCodec.Load(dir) : TextCodec.FromHuggingFace(dir);
        if (codec.VocabSize > config.VocabSize)
            throw new FormatException($"{configPath}: vocab_size {config.VocabSize} is smaller than the tokenizer's {codec.VocabSize} ids.");
        var map = HuggingFaceCheckpoint.WeightMap(dir);
        device ??= BlendRuntime.Device;
        var model = config.CreateEmpty(dtype ?? HuggingFaceCheckpoint.StoredDType(dir, map), device);
        try
        {
            HuggingFaceCheckpoint.Load(model, dir, map);
            CheckpointCheck.Finite(model, dir);
            return new Policy(codec, model, device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
