using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

public sealed partial class Policy
{
    const string ConfigFile = "config.json";
    const string LegacyFormat = "blend-policy/1";

    /// <summary>
    /// Saves the checkpoint into <paramref name="dir"/> atomically (written to a temporary sibling folder, then renamed over
    /// the target) in the Hugging Face layout, whatever the architecture: <c>config.json</c> (<c>architectures</c>,
    /// <c>model_type</c>, the architecture's fields, <c>torch_dtype</c>; Blend's own GPT is <c>BlendGptForCausalLM</c> /
    /// <c>blend_gpt</c>), the weights in <c>model.safetensors</c> (sharded above 5 GB, with <c>model.safetensors.index.json</c>),
    /// the codec's files (a Hugging Face tokenizer's own files, copied) and <c>manifest.json</c> (kind, sizes and hashes).
    /// </summary>
    public void Save(string dir) => Save(dir, HuggingFaceCheckpoint.DefaultMaxShardBytes);

    /// <summary>As <see cref="Save(string)"/>, with weight shards of at most <paramref name="maxShardBytes"/> bytes.</summary>
    public void Save(string dir, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1L);
        CheckpointFolder.Write(dir, Config.RewardHead ? "reward-model" : "policy", tmp => WriteFiles(tmp, maxShardBytes));
    }

    /// <summary>Writes the checkpoint files into an existing folder (not atomic: callers swap the folder in).</summary>
    internal void WriteFiles(string tmp) => WriteFiles(tmp, HuggingFaceCheckpoint.DefaultMaxShardBytes);

    void WriteFiles(string tmp, long maxShardBytes)
    {
        LoraAdapter.ThrowIfAttached(this, "Policy.Save");
        var hf = HuggingFaceConfig.ToJson(Config);
        hf["torch_dtype"] = Model.DType switch { ScalarType.BFloat16 => "bfloat16", ScalarType.Float16 => "float16", _ => "float32" };
        // A sequence classifier finds each row's last token by the pad id; Blend's codec always has one.
        if (Config.RewardHead && hf["pad_token_id"] is null && Codec.Pad >= 0) hf["pad_token_id"] = Codec.Pad;
        AtomicFile.WriteAllText(Path.Combine(tmp, ConfigFile), hf.ToJsonString(JsonOptions));
        HuggingFaceCheckpoint.Save(Model, tmp, maxShardBytes);
        Codec.Save(tmp);
    }

    /// <summary>
    /// Loads a checkpoint onto <paramref name="device"/> (default <see cref="BlendRuntime.Device"/>) in <paramref name="dtype"/>
    /// (default: the files'): a folder written by <see cref="Save(string)"/>, or a Hugging Face model folder (GPT-2, Llama,
    /// Mistral, Qwen2, Qwen3: <c>config.json</c> plus <c>model.safetensors</c> or shards with their index), read one tensor at
    /// a time straight into the model. Names, shapes and dtypes are validated; the error names the tensor and the file.
    /// </summary>
    /// <remarks>
    /// Folders written by Blend before the Hugging Face layout (<c>config.json</c> with <c>"format": "blend-policy/1"</c>) still
    /// load, read-only: saving the loaded policy writes the current layout. A reward model (<c>…ForSequenceClassification</c>,
    /// or a manifest of kind <c>reward-model</c>) is refused: load it with <see cref="RewardModel.Load"/>.
    /// </remarks>
    /// <param name="dir">The folder.</param>
    /// <param name="device">Target device (default <see cref="BlendRuntime.Device"/>).</param>
    /// <param name="dtype">Weight dtype (float32, bfloat16 or float16; default: the files').</param>
    /// <param name="codec">The tokenizer to use; default: the one saved in the folder.</param>
    /// <exception cref="FormatException">A malformed or unsupported config, a missing or mis-shaped tensor, a reward model.</exception>
    public static Policy Load(string dir, Device? device = null, ScalarType? dtype = null, TextCodec? codec = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        dir = CheckpointCheck.PolicyFolder(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Policy.Load: checkpoint folder '{dir}' does not exist.");
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"Policy.Load: '{configPath}' does not exist.", configPath);
        if (dtype is { } d && d is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Policy.Load: dtype {d} is not a weight dtype (Float32, BFloat16 or Float16).", nameof(dtype));
        var config = ReadConfig(configPath);
        CheckpointCheck.Kind(dir, config);
        codec ??= ReadCodec(dir);
        if (codec.VocabSize > config.VocabSize)
            throw new FormatException($"{configPath}: vocab_size {config.VocabSize} is smaller than the tokenizer's {codec.VocabSize} ids.");
        var map = HuggingFaceCheckpoint.WeightMap(dir);
        var stored = CheckpointCheck.BeforeAllocation(dir, map, config, configPath);
        device ??= BlendRuntime.Device;
        var model = config.CreateEmpty(dtype ?? stored, device);
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

    /// <summary>The tokenizer saved in a checkpoint folder.</summary>
    // tokenizer.json is Blend's codec or a Hugging Face tokenizer (TextCodec.Load reads both); otherwise vocab.json + merges.txt or tokenizer.model.
    internal static TextCodec ReadCodec(string dir) =>
        File.Exists(Path.Combine(dir, "tokenizer.json")) ? TextCodec.Load(dir) : TextCodec.FromHuggingFace(dir);

    /// <summary>The architecture in a checkpoint's <c>config.json</c>: the Hugging Face layout, or the earlier <c>blend-policy/1</c> one.</summary>
    internal static ModelConfig ReadConfig(string configPath)
    {
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new FormatException($"{configPath}: expected a JSON object."); }
        catch (JsonException e) { throw new FormatException($"{configPath}: not valid JSON ({e.Message}).", e); }
        if (root["format"] is not JsonValue v || !v.TryGetValue<string>(out var format)) return HuggingFaceConfig.Read(configPath);
        if (format != LegacyFormat)
            throw new FormatException($"{configPath}: field 'format' is '{format}'; Blend reads Hugging Face configs (model_type) and its earlier '{LegacyFormat}'.");
        try
        {
            var node = root["config"] ?? throw new FormatException($"{configPath}: field 'config' is missing.");
            return (node.Deserialize<GptConfig>(JsonOptions) ?? throw new FormatException($"{configPath}: field 'config' is null.")).Validate();
        }
        catch (JsonException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (InvalidOperationException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
