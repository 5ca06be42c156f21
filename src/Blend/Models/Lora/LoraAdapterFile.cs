using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Models;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// PEFT's adapter folder: <c>adapter_config.json</c> (a <c>LoraConfig</c>) and <c>adapter_model.safetensors</c>, whose tensor
/// names are the PEFT model's state-dict keys with the adapter name removed: <c>base_model.model.</c> + the module's path in
/// the transformers model + <c>.lora_A.weight</c> (A [r, in]) or <c>.lora_B.weight</c> (B [out, r]); the modules PEFT saves
/// whole (<c>modules_to_save</c>: a sequence classifier's <c>score</c> head) as <c>base_model.model.score.weight</c>.
/// </summary>
internal static class LoraAdapterFile
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    const string Prefix = "base_model.model.";
    const string ScoreModule = "score";

    public static void Save(LoraAdapter adapter, string dir, string? baseModel)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentException.ThrowIfNullOrEmpty(dir);
        CheckpointFolder.Write(dir, "lora-adapter", tmp => WriteFiles(adapter, tmp, baseModel));
    }

    /// <summary>Writes the two PEFT files into an existing folder (not atomic: callers swap the folder in).</summary>
    public static void WriteFiles(LoraAdapter adapter, string tmp, string? baseModel)
    {
        var o = adapter.Options;
        var config = adapter.Policy.Config;
        bool reward = config.RewardHead;
        var json = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = reward ? "SEQ_CLS" : "CAUSAL_LM",
            ["r"] = o.Rank,
            ["lora_alpha"] = o.Alpha,
            ["lora_dropout"] = o.Dropout,
            ["target_modules"] = new JsonArray(o.TargetModules!.Select(t => (JsonNode)t).ToArray()),
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["fan_in_fan_out"] = adapter.Layers.Any(l => l.FanInFanOut),
            ["modules_to_save"] = reward ? new JsonArray(ScoreModule) : null,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
            ["revision"] = null,
        };
        var tensors = new List<NamedTensor>();
        foreach (var layer in adapter.Layers)
        {
            var path = Prefix + adapter.ModulePath(layer);
            tensors.Add(new NamedTensor(path + ".lora_A.weight", layer.A.Weight));
            tensors.Add(new NamedTensor(path + ".lora_B.weight", layer.B.Weight));
        }
        if (reward)
            foreach (var (name, p) in adapter.Policy.Model.named_parameters().Where(p => p.name.StartsWith("reward_head.", StringComparison.Ordinal)))
                tensors.Add(new NamedTensor(Prefix + CheckpointNames.FileName(config, name), p));
        AtomicFile.WriteAllText(Path.Combine(tmp, ConfigFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Safetensors.Write(Path.Combine(tmp, WeightsFile), tensors, [new("format", "pt"), new("producer", "blend")]);
    }

    public static LoraAdapter Load(Policy policy, string dir)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(dir);
        var configPath = Path.Combine(dir, ConfigFile);
        var weightsPath = Path.Combine(dir, WeightsFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"LoraAdapter.Load: '{configPath}' does not exist (not a PEFT adapter folder).", configPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"LoraAdapter.Load: '{weightsPath}' does not exist (Blend reads PEFT adapters in safetensors).", weightsPath);
        var options = ReadConfig(configPath);
        LoraAdapter adapter;
        try { adapter = LoraAdapter.Attach(policy, options); }
        catch (ArgumentException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        ReadWeights(adapter, weightsPath);
        return adapter;
    }

    /// <summary>Reads <paramref name="weightsPath"/>'s A and B (and a reward model's score head) into <paramref name="adapter"/>, checking every name and shape.</summary>
    public static void ReadWeights(LoraAdapter adapter, string weightsPath)
    {
        var policy = adapter.Policy;
        var options = adapter.Options;
        using var file = SafetensorsFile.Open(weightsPath);
        var expected = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var layer in adapter.Layers)
        {
            var path = Prefix + adapter.ModulePath(layer);
            expected[path + ".lora_A.weight"] = layer.A.Weight;
            expected[path + ".lora_B.weight"] = layer.B.Weight;
        }
        if (policy.Config.RewardHead)
            foreach (var (name, p) in policy.Model.named_parameters().Where(p => p.name.StartsWith("reward_head.", StringComparison.Ordinal)))
                expected[Prefix + CheckpointNames.FileName(policy.Config, name)] = p;
        foreach (var name in file.Names)
            if (!expected.ContainsKey(name))
                throw new FormatException($"{weightsPath}: {Unexpected(name, file.Entry(name).Shape, adapter)}");
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            if (!file.Contains(name))
            {
                if (name.StartsWith(Prefix + ScoreModule + ".", StringComparison.Ordinal)) continue;   // a causal-LM adapter on a reward model keeps the model's head
                throw new FormatException($"{weightsPath}: missing tensor '{name}' (expected [{string.Join(",", target.shape)}]).");
            }
            var e = file.Entry(name);
            if (!e.Shape.SequenceEqual(target.shape))
                throw new FormatException(IsHead(name)
                    ? $"{weightsPath}: tensor '{name}' has shape [{string.Join(",", e.Shape)}]: a classification head with {e.Shape[0]} labels; Blend's reward model has one scalar label ([{string.Join(",", target.shape)}])."
                    : $"{weightsPath}: tensor '{name}' has shape [{string.Join(",", e.Shape)}] but the base model needs [{string.Join(",", target.shape)}] (r {options.Rank}).");
            if (e.DType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
                throw new FormatException($"{weightsPath}: tensor '{name}' has dtype {Safetensors.DTypeName(e.DType)}, not a weight dtype (F32, F16 or BF16).");
            file.ReadInto(name, target);
            if (!target.isfinite().all().item<bool>()) throw new FormatException($"{weightsPath}: tensor '{name}' holds NaN or infinite values.");
        }
    }

    static bool IsHead(string name) => name.StartsWith(Prefix + ScoreModule + ".", StringComparison.Ordinal) || name.StartsWith(Prefix + "classifier.", StringComparison.Ordinal);

    static string Backbone(ModelConfig config) => config.Architecture switch
    {
        "gpt2" => "transformers' GPT2Model",
        "llama" => "transformers' LlamaModel",
        "mistral" => "transformers' MistralModel",
        "qwen2" => "transformers' Qwen2Model",
        "qwen3" => "transformers' Qwen3Model",
        var a => $"the {a} backbone",
    };

    /// <summary>Why a tensor of the weights file has no place in <paramref name="adapter"/>: what kind of tensor it is, and what Blend loads instead.</summary>
    static string Unexpected(string name, IReadOnlyList<long> shape, LoraAdapter adapter)
    {
        var dims = $"[{string.Join(",", shape)}]";
        var config = adapter.Policy.Config;
        var targets = string.Join(", ", adapter.Options.TargetModules!);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            return $"tensor '{name}' {dims} does not start with '{Prefix}' (PEFT names every tensor of a LoRA adapter base_model.model. + the module's path).";
        var key = name[Prefix.Length..];
        if (key.Contains(".lora_embedding_", StringComparison.Ordinal))
            return $"tensor '{name}' {dims} is a LoRA on the embedding '{key[..key.IndexOf(".lora_embedding_", StringComparison.Ordinal)]}'; Blend adapts linear projections only (Linear, Conv1D).";
        foreach (var part in new[] { ".lora_A.weight", ".lora_B.weight", ".lora_A.bias", ".lora_B.bias", ".lora_magnitude_vector" })
            if (key.EndsWith(part, StringComparison.Ordinal))
            {
                var module = key[..^part.Length];
                if (part.EndsWith(".bias", StringComparison.Ordinal)) return $"tensor '{name}' {dims} is a LoRA bias (lora_bias); Blend reads adapters without one.";
                if (part == ".lora_magnitude_vector") return $"tensor '{name}' {dims} is a DoRA magnitude vector; Blend reads plain LoRA adapters.";
                var paths = adapter.Layers.Select(l => adapter.ModulePath(l)).ToList();
                if (paths.FirstOrDefault(p => p.EndsWith("." + module, StringComparison.Ordinal)) is { } full)
                    return $"tensor '{name}' {dims} names module '{module}', which is '{full}' in this {config.Architecture} model: the adapter was saved from the bare backbone ({Backbone(config)}, auto_mapping's base_model_class), whose paths lack the causal LM's '{full[..^module.Length]}'; PEFT does not load it into the causal LM either (the keys do not match, so its B stays 0).";
                return $"tensor '{name}' {dims} adapts module '{module}', which target_modules ({targets}) do not select in this {config.Architecture} model (it adapts {paths.Count} modules, e.g. '{paths.FirstOrDefault()}'); was the adapter trained on another architecture?";
            }
        if (IsHead(name))
            return config.RewardHead
                ? $"tensor '{name}' {dims} is a classification head that Blend's {config.Architecture} reward model does not have (it restores 'score.weight' and, where the head has one, 'score.bias')."
                : $"tensor '{name}' {dims} is a sequence-classification head ({(name.EndsWith(".weight", StringComparison.Ordinal) ? $"{shape[0]} labels, " : "")}saved whole beside the adapter, as PEFT does for task_type SEQ_CLS); this base is a causal LM, which has no such head: load the adapter onto the reward model it was trained on (Blend's reward models have one label).";
        return $"tensor '{name}' {dims} is a module saved whole beside the adapter (modules_to_save); Blend restores only a reward model's one-label 'score' head.";
    }

    /// <summary>
    /// Every field of <c>LoraConfig</c> (with <c>PeftConfig</c>'s) that PEFT 0.9–0.21 writes into <c>adapter_config.json</c>, with
    /// the values Blend accepts: null for any value (informational, or used only when the adapter is initialised), otherwise a
    /// test (PEFT's default, where Blend does not implement the option). Fields checked elsewhere: <c>peft_type</c>,
    /// <c>task_type</c>, <c>bias</c>, <c>modules_to_save</c>, <c>init_lora_weights</c>, <c>r</c>, <c>lora_alpha</c>,
    /// <c>lora_dropout</c>, <c>target_modules</c>. A field not listed (a later PEFT's) is accepted only at a default-like value
    /// (null, false, empty).
    /// </summary>
    static readonly Dictionary<string, Func<JsonNode?, bool>?> Fields = new(StringComparer.Ordinal)
    {
        ["peft_type"] = null, ["task_type"] = null, ["bias"] = null, ["modules_to_save"] = null, ["init_lora_weights"] = null,
        ["r"] = null, ["lora_alpha"] = null, ["lora_dropout"] = null, ["target_modules"] = null,
        // informational
        ["base_model_name_or_path"] = null, ["revision"] = null, ["inference_mode"] = null, ["auto_mapping"] = null, ["peft_version"] = null,
        // the layout is the module's own (Conv1D or Linear), whatever the flag says (PEFT corrects it with a warning too)
        ["fan_in_fan_out"] = null,
        // used only when the adapter is initialised or trained
        ["eva_config"] = null, ["runtime_config"] = null, ["megatron_core"] = null, ["qalora_group_size"] = null, ["ensure_weight_tying"] = null,
        // not implemented: accepted at PEFT's default only
        ["use_rslora"] = IsFalse, ["use_dora"] = IsFalse, ["lora_bias"] = IsFalse, ["use_qalora"] = IsFalse,
        ["rank_pattern"] = IsEmpty, ["alpha_pattern"] = IsEmpty, ["loftq_config"] = IsEmpty,
        ["layers_to_transform"] = IsEmpty, ["layers_pattern"] = IsEmpty, ["exclude_modules"] = IsEmpty, ["layer_replication"] = IsEmpty,
        ["megatron_config"] = IsEmpty, ["target_parameters"] = IsEmpty, ["trainable_token_indices"] = IsEmpty,
        ["corda_config"] = IsEmpty, ["lora_ga_config"] = IsEmpty, ["alora_invocation_tokens"] = IsEmpty, ["arrow_config"] = IsEmpty,
        ["use_bdlora"] = IsEmpty, ["kasa_config"] = IsEmpty, ["monteclora_config"] = IsEmpty, ["velora_config"] = IsEmpty,
    };

    static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        ["use_rslora"] = "false", ["use_dora"] = "false", ["lora_bias"] = "false", ["use_qalora"] = "false",
        ["rank_pattern"] = "{}", ["alpha_pattern"] = "{}", ["loftq_config"] = "{}",
    };

    static bool IsFalse(JsonNode? n) => n is null || (n is JsonValue v && v.TryGetValue<bool>(out var b) && !b);

    static bool IsEmpty(JsonNode? n) => n switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    static bool IsDefault(JsonNode? n) => IsFalse(n) || IsEmpty(n);

    /// <summary>The <see cref="LoraOptions"/> of a PEFT <c>adapter_config.json</c>; a PEFT option Blend does not implement is an error naming it.</summary>
    internal static LoraOptions ReadConfig(string path)
    {
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: expected a JSON object."); }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON ({e.Message}).", e); }
        string? Text(string field) => root[field] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw new FormatException($"{path}: field '{field}' must be a string."),
        };
        double Number(string field, double fallback) => root[field] switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            _ => throw new FormatException($"{path}: field '{field}' must be a number."),
        };
        if (Text("peft_type") is var type && type != "LORA")
            throw new FormatException($"{path}: field 'peft_type' is {(type is null ? "missing" : $"'{type}'")}; Blend reads LORA adapters.");
        if (Text("task_type") is { } task && task is not ("CAUSAL_LM" or "SEQ_CLS"))
            throw new FormatException($"{path}: field 'task_type' is '{task}'; Blend reads CAUSAL_LM and SEQ_CLS adapters.");
        if ((Text("bias") ?? "none") != "none") throw new FormatException($"{path}: field 'bias' is '{Text("bias")}'; Blend reads adapters with bias 'none'.");
        if (root["modules_to_save"] is JsonArray save && save.Any(m => m is not JsonValue v || !v.TryGetValue<string>(out var s) || s is not ScoreModule and not "classifier"))
            throw new FormatException($"{path}: field 'modules_to_save' lists {save.ToJsonString()}; Blend restores only a reward model's 'score' head.");
        if (root["init_lora_weights"] is JsonValue init && init.TryGetValue<string>(out var scheme) && scheme is not ("gaussian" or "eva" or "orthogonal"))
            throw new FormatException($"{path}: field 'init_lora_weights' is '{scheme}'; that initialisation ({scheme}) changes the base weights, so the adapter does not apply to the plain base (convert it in PEFT with path_initial_model_for_weight_conversion).");
        foreach (var (field, value) in root)
            if (!Fields.TryGetValue(field, out var accepts))
            {
                if (!IsDefault(value)) throw new FormatException($"{path}: field '{field}' is {value!.ToJsonString()}; Blend does not know this PEFT option (it reads it only at its default: null, false, empty).");
            }
            else if (accepts is not null && !accepts(value))
                throw new FormatException($"{path}: field '{field}' is {value?.ToJsonString() ?? "null"}; Blend does not implement it (it reads it only at PEFT's default {(Defaults.TryGetValue(field, out var d) ? d : "null")}).");
        var targets = root["target_modules"] switch
        {
            JsonArray a => a.Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{path}: target_modules[{i}] is not a module name.")).ToList(),
            JsonValue v when v.TryGetValue<string>(out var s) => throw new FormatException($"{path}: field 'target_modules' is the regular expression (or wildcard) '{s}'; Blend reads a list of module names."),
            null => throw new FormatException($"{path}: field 'target_modules' is missing."),
            _ => throw new FormatException($"{path}: field 'target_modules' must be a list of module names."),
        };
        double r = Number("r", 8);
        if (r != Math.Floor(r) || r < 1 || r > int.MaxValue) throw new FormatException($"{path}: field 'r' must be a positive integer (is {r.ToString(CultureInfo.InvariantCulture)}).");
        try
        {
            return new LoraOptions { Rank = (int)r, Alpha = Number("lora_alpha", 8), Dropout = Number("lora_dropout", 0), TargetModules = targets }.Validate();
        }
        catch (ArgumentException e) { throw new FormatException($"{path}: {e.Message}", e); }
    }
}
