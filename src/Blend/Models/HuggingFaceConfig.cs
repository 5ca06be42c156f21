using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// Reads and writes the <c>config.json</c> of a Hugging Face causal LM (GPT-2 and the Llama family: Llama, Mistral,
/// Qwen2, Qwen3) and of Blend's own GPT (<c>model_type</c> <c>blend_gpt</c>, <c>BlendGptForCausalLM</c>). A field Blend
/// does not know, or a value it does not implement (another activation, sliding-window attention, interleaved rotary,
/// quantisation, …), is an error naming the field and the file, never a silently different model.
/// </summary>
/// <remarks>
/// A reward model (a backbone with a scalar head) is written as the architecture's <c>…ForSequenceClassification</c> with one
/// label (<c>id2label</c> <c>{"0": "LABEL_0"}</c>, as transformers writes <c>num_labels = 1</c>), so other tools open it as
/// a reward model; a PPO value head is recorded as <c>blend_value_head: true</c> (its tensors are named as TRL's
/// <c>v_head.summary</c>).
/// </remarks>
public static class HuggingFaceConfig
{
    /// <summary>The model types Blend can load.</summary>
    public static IReadOnlyList<string> ModelTypes { get; } = ["blend_gpt", "gpt2", "llama", "mistral", "qwen2", "qwen3"];

    /// <summary>The <c>model_type</c> of Blend's own GPT (<see cref="GptConfig"/>).</summary>
    public const string BlendGptType = "blend_gpt";

    const string ValueHeadKey = "blend_value_head";
    const string RewardHeadKey = "blend_reward_head";

    // Fields that do not change the forward pass (token ids, bookkeeping, dropout rates that are 0 at inference).
    static readonly HashSet<string> Harmless =
    [
        "architectures", "model_type", "_name_or_path", "torch_dtype", "dtype", "transformers_version", "use_cache",
        "bos_token_id", "eos_token_id", "pad_token_id", "tokenizer_class", "output_attentions", "output_hidden_states",
        "return_dict", "torchscript", "task_specific_params", "is_llama_config", "transformers.js_config", "attention_dropout",
        "pretraining_tp", "max_window_layers", "n_ctx", "attn_pdrop", "embd_pdrop", "resid_pdrop", "summary_activation",
        "summary_first_dropout", "summary_proj_to_labels", "summary_type", "summary_use_proj", "reorder_and_upcast_attn",
        "output_past", "initializer_range", "problem_type", ValueHeadKey, RewardHeadKey,
    ];

    // Per model type: the causal-LM architecture (written for a policy), the sequence-classification one (written for a
    // reward model), then other names of the same weights that Blend reads.
    static readonly Dictionary<string, string[]> Architectures = new()
    {
        [BlendGptType] = ["BlendGptForCausalLM", "BlendGptForSequenceClassification"],
        ["gpt2"] = ["GPT2LMHeadModel", "GPT2ForSequenceClassification", "GPT2Model"],
        ["llama"] = ["LlamaForCausalLM", "LlamaForSequenceClassification"],
        ["mistral"] = ["MistralForCausalLM", "MistralForSequenceClassification"],
        ["qwen2"] = ["Qwen2ForCausalLM", "Qwen2ForSequenceClassification"],
        ["qwen3"] = ["Qwen3ForCausalLM", "Qwen3ForSequenceClassification"],
    };

    /// <summary>The <c>architectures</c> entry Blend writes for <paramref name="config"/>: <c>…ForSequenceClassification</c> for a reward model, else the causal LM.</summary>
    public static string ArchitectureName(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var type = ModelType(config);
        return Architectures[type][config.RewardHead ? 1 : 0];
    }

    static string ModelType(ModelConfig config) => config switch
    {
        GptConfig => BlendGptType,
        Gpt2Config => "gpt2",
        LlamaConfig c => c.ModelType,
        _ => throw new NotSupportedException($"HuggingFaceConfig: {config.GetType().Name} has no Hugging Face config."),
    };

    /// <summary>Reads <paramref name="path"/> (a <c>config.json</c>) into a <see cref="Gpt2Config"/> or <see cref="LlamaConfig"/>.</summary>
    /// <exception cref="FormatException">Malformed, unsupported architecture or unsupported field; the message names the file and the field.</exception>
    public static ModelConfig Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"HuggingFaceConfig: '{path}' does not exist.", path);
        JsonObject o;
        try { o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: expected a JSON object."); }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON ({e.Message}).", e); }
        try { return Parse(o); }
        catch (FieldException e) { throw new FormatException($"{path}: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"{path}: {e.Message}", e); }
        catch (InvalidOperationException e) { throw new FormatException($"{path}: {e.Message}", e); }
    }

    /// <summary>Parses the object of a <c>config.json</c>; errors name the field (see <see cref="Read"/>).</summary>
    public static ModelConfig Parse(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var f = new Fields(config);
        string type = f.String("model_type") ?? throw new FieldException("field 'model_type' is missing (not a Hugging Face model config).");
        if (!Architectures.TryGetValue(type, out var archs))
            throw new FieldException($"model_type '{type}' is not supported (Blend loads {string.Join(", ", ModelTypes)}).");
        bool classifier = false;
        if (config["architectures"] is JsonArray list)
            foreach (var a in list.Select(n => n?.ToString() ?? ""))
            {
                if (!archs.Contains(a)) throw new FieldException($"architectures lists '{a}', which Blend does not implement (for model_type '{type}': {string.Join(", ", archs)}).");
                classifier |= a.EndsWith("ForSequenceClassification", StringComparison.Ordinal);
            }
        if (config.ContainsKey("quantization_config")) throw new FieldException("field 'quantization_config': quantised checkpoints are not supported.");
        int labels = Labels(f);
        if (classifier && labels != 1)
            throw new FieldException($"a sequence classifier with {labels} labels (id2label / num_labels); a Blend reward model has one scalar label.");
        bool valueHead = f.Bool(ValueHeadKey, false), rewardHead = f.Bool(RewardHeadKey, false) || classifier;
        var source = Normalise(config);
        ModelConfig result = type switch
        {
            BlendGptType => ParseBlendGpt(f),
            "gpt2" => ParseGpt2(f, source),
            _ => ParseLlama(type, f, source),
        };
        foreach (var key in config.Select(kv => kv.Key))
            if (!f.Used.Contains(key) && !Harmless.Contains(key))
                throw new FieldException($"field '{key}' is not supported for model_type '{type}' (Blend would ignore it and could compute a different model).");
        return result with { ValueHead = valueHead, RewardHead = rewardHead };
    }

    /// <summary>
    /// The number of labels of a classifier config (<c>num_labels</c>, or <c>_num_labels</c> as transformers 2.x–4.x wrote it
    /// (distilgpt2's config.json), else the size of <c>id2label</c>; 1 when none is there). They must agree where several are.
    /// </summary>
    static int Labels(Fields f)
    {
        int? n = f.Int("num_labels");
        int? legacy = f.Int("_num_labels");
        var map = f.Node("id2label");
        f.Node("label2id");
        if (map is not null and not JsonObject) throw new FieldException("field 'id2label' must be an object.");
        int? fromMap = (map as JsonObject)?.Count;
        if (n is { } a && legacy is { } l && a != l) throw new FieldException($"field 'num_labels' is {a} but '_num_labels' is {l}.");
        n ??= legacy;
        if (n is { } c && fromMap is { } b && c != b) throw new FieldException($"field '{(f.Has("num_labels") ? "num_labels" : "_num_labels")}' is {c} but 'id2label' has {b} entries.");
        return n ?? fromMap ?? 1;
    }

    /// <summary>Blend's own GPT: GPT-2-like field names; the fixed parts of the architecture (LayerNorm ε 1e-5, exact GELU, rotary θ 10000) must match when present.</summary>
    static GptConfig ParseBlendGpt(Fields f)
    {
        if ((f.Double("layer_norm_epsilon") ?? 1e-5) != 1e-5) throw new FieldException("field 'layer_norm_epsilon': Blend's GPT uses 1e-5.");
        if ((f.String("activation_function") ?? "gelu") != "gelu") throw new FieldException("field 'activation_function': Blend's GPT uses 'gelu' (exact).");
        if ((f.Double("rope_theta") ?? 10000) != 10000) throw new FieldException("field 'rope_theta': Blend's GPT uses 10000.");
        var positions = f.String("position_embedding_type") ?? "learned";
        var c = new GptConfig(f.Int("vocab_size") ?? throw new FieldException("field 'vocab_size' is missing."))
        {
            ContextLength = f.Int("n_positions") ?? throw new FieldException("field 'n_positions' is missing."),
            Layers = f.Int("n_layer") ?? throw new FieldException("field 'n_layer' is missing."),
            Heads = f.Int("n_head") ?? throw new FieldException("field 'n_head' is missing."),
            Width = f.Int("n_embd") ?? throw new FieldException("field 'n_embd' is missing."),
            Dropout = f.Double("dropout") ?? 0,
            Positions = positions switch
            {
                "learned" => GptPositions.Learned,
                "rotary" => GptPositions.Rotary,
                _ => throw new FieldException($"field 'position_embedding_type' is '{positions}'; Blend's GPT has 'learned' or 'rotary'."),
            },
            TieEmbeddings = f.Bool("tie_word_embeddings", true),
        };
        try { return c.Validate(); }
        catch (ArgumentException e) { throw new FieldException(e.Message); }
    }

    static Gpt2Config ParseGpt2(Fields f, ConfigSource source)
    {
        f.Require("scale_attn_weights", true);
        f.Require("scale_attn_by_inverse_layer_idx", false);
        f.Require("add_cross_attention", false);
        var c = new Gpt2Config
        {
            VocabSize = f.Int("vocab_size") ?? 50257,
            ContextLength = f.Int("n_positions") ?? 1024,
            Layers = f.Int("n_layer") ?? 12,
            Width = f.Int("n_embd") ?? 768,
            Heads = f.Int("n_head") ?? 12,
            InnerSize = f.Int("n_inner") ?? 0,
            LayerNormEps = f.Double("layer_norm_epsilon") ?? 1e-5,
            Activation = f.String("activation_function") ?? "gelu_new",
            TieEmbeddings = f.Bool("tie_word_embeddings", true),
            InitializerRange = f.Double("initializer_range") ?? 0.02,
            Source = source,
        };
        try { return c.Validate(); }
        catch (ArgumentException e) { throw new FieldException(e.Message); }
    }

    static LlamaConfig ParseLlama(string type, Fields f, ConfigSource source)
    {
        var act = f.String("hidden_act") ?? "silu";
        if (act != "silu") throw new FieldException($"field 'hidden_act' is '{act}'; Blend's Llama-family MLP is SwiGLU with silu.");
        if (f.Bool("rope_interleaved", false)) throw new FieldException("field 'rope_interleaved' is true; Blend implements the half-split rotary layout only.");
        if (f.Double("partial_rotary_factor") is { } prf && prf != 1.0) throw new FieldException($"field 'partial_rotary_factor' is {prf}; only full rotary (1.0) is supported.");
        if (f.Bool("use_mrope", false)) throw new FieldException("field 'use_mrope' is true; multimodal rotary positions are not supported.");
        if (f.Node("layer_types") is JsonArray layers && layers.Any(n => n?.ToString() != "full_attention"))
            throw new FieldException("field 'layer_types' lists a layer other than 'full_attention'; sliding-window layers are not supported.");
        if (type is "qwen2" or "qwen3" && f.Bool("use_sliding_window", false))
            throw new FieldException("field 'use_sliding_window' is true; sliding-window attention is not supported.");
        int context = ContextOf(f, type);
        bool attentionBias = f.Bool("attention_bias", false);
        int heads = f.Int("num_attention_heads") ?? throw new FieldException("field 'num_attention_heads' is missing.");
        var c = new LlamaConfig(type)
        {
            VocabSize = f.Int("vocab_size") ?? throw new FieldException("field 'vocab_size' is missing."),
            Width = f.Int("hidden_size") ?? throw new FieldException("field 'hidden_size' is missing."),
            IntermediateSize = f.Int("intermediate_size") ?? throw new FieldException("field 'intermediate_size' is missing."),
            Layers = f.Int("num_hidden_layers") ?? throw new FieldException("field 'num_hidden_layers' is missing."),
            Heads = heads,
            KvHeads = f.Int("num_key_value_heads") ?? heads,
            HeadSize = f.Int("head_dim") ?? 0,
            ContextLength = context,
            RmsNormEps = f.Double("rms_norm_eps") ?? 1e-6,
            RopeTheta = f.Double("rope_theta") ?? 10000,
            RopeScaling = ParseRopeScaling(f.Node("rope_scaling")),
            TieEmbeddings = f.Bool("tie_word_embeddings", false),
            QkvBias = type == "qwen2" || attentionBias,
            OutputBias = type != "qwen2" && attentionBias,
            QkNorm = type == "qwen3",
            MlpBias = f.Bool("mlp_bias", false),
            InitializerRange = f.Double("initializer_range") ?? 0.02,
            Source = source,
        };
        if (type is "qwen2" or "mistral" && attentionBias) throw new FieldException($"field 'attention_bias' is not part of model_type '{type}'.");
        try { return c.Validate(); }
        catch (ArgumentException e) { throw new FieldException(e.Message); }
    }

    /// <summary>
    /// The context Blend models: <c>max_position_embeddings</c>, capped at Mistral's <c>sliding_window</c> (4096 when the
    /// field is absent, as Mistral's reference config) since within the window sliding-window attention is full causal attention.
    /// </summary>
    static int ContextOf(Fields f, string type)
    {
        int context = f.Int("max_position_embeddings") ?? 2048;
        int? window = f.Int("sliding_window");
        if (type == "mistral" && !f.Has("sliding_window")) window = 4096;
        return type == "mistral" && window is { } w && w < context ? w : context;
    }

    static RopeScaling? ParseRopeScaling(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonObject o) throw new FieldException("field 'rope_scaling' must be an object or null.");
        var f = new Fields(o);
        string kind = f.String("rope_type") ?? f.String("type") ?? throw new FieldException("field 'rope_scaling' has no 'rope_type'.");
        f.String("type");
        RopeScaling? result = kind switch
        {
            "default" => null,
            "linear" => new RopeScaling("linear", f.Double("factor") ?? throw new FieldException("field 'rope_scaling.factor' is missing.")),
            "llama3" => new RopeScaling("llama3", f.Double("factor") ?? throw new FieldException("field 'rope_scaling.factor' is missing."),
                f.Double("low_freq_factor") ?? 1, f.Double("high_freq_factor") ?? 4, f.Int("original_max_position_embeddings") ?? 8192),
            _ => throw new FieldException($"field 'rope_scaling' has type '{kind}'; Blend supports linear and llama3."),
        };
        foreach (var key in o.Select(kv => kv.Key))
            if (!f.Used.Contains(key)) throw new FieldException($"field 'rope_scaling.{key}' is not supported for rope type '{kind}'.");
        return result;
    }

    /// <summary>The <c>config.json</c> object of <paramref name="config"/>: its source fields, with every field Blend models written over them.</summary>
    public static JsonObject ToJson(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        switch (config)
        {
            case GptConfig c:
            {
                var o = new JsonObject
                {
                    ["model_type"] = BlendGptType,
                    ["architectures"] = new JsonArray(ArchitectureName(c)),
                    ["vocab_size"] = c.VocabSize,
                    ["n_positions"] = c.ContextLength,
                    ["n_layer"] = c.Layers,
                    ["n_head"] = c.Heads,
                    ["n_embd"] = c.Width,
                    ["dropout"] = c.Dropout,
                    ["position_embedding_type"] = c.Positions == GptPositions.Rotary ? "rotary" : "learned",
                    ["tie_word_embeddings"] = c.TieEmbeddings,
                    ["layer_norm_epsilon"] = 1e-5,
                    ["activation_function"] = "gelu",
                };
                if (c.Positions == GptPositions.Rotary) o["rope_theta"] = 10000.0;
                return Heads(o, c);
            }
            case LlamaConfig c:
            {
                var o = Source(c.Source);
                o["model_type"] = c.ModelType;
                o["architectures"] = new JsonArray(ArchitectureName(c));
                o["vocab_size"] = c.VocabSize;
                o["hidden_size"] = c.Width;
                o["intermediate_size"] = c.IntermediateSize;
                o["num_hidden_layers"] = c.Layers;
                o["num_attention_heads"] = c.Heads;
                o["num_key_value_heads"] = c.KvHeads;
                if (c.HeadSize > 0) o["head_dim"] = c.HeadSize;
                if (c.Source is null || ContextOf(new Fields(o), c.ModelType) != c.ContextLength) o["max_position_embeddings"] = c.ContextLength;
                o["rms_norm_eps"] = c.RmsNormEps;
                o["rope_theta"] = c.RopeTheta;
                o["rope_scaling"] = c.RopeScaling switch
                {
                    null => null,
                    { Type: "linear" } r => new JsonObject { ["rope_type"] = "linear", ["factor"] = r.Factor },
                    var r => new JsonObject
                    {
                        ["rope_type"] = r.Type, ["factor"] = r.Factor, ["low_freq_factor"] = r.LowFreqFactor,
                        ["high_freq_factor"] = r.HighFreqFactor, ["original_max_position_embeddings"] = r.OriginalContextLength,
                    },
                };
                o["tie_word_embeddings"] = c.TieEmbeddings;
                o["hidden_act"] = "silu";
                if (c.ModelType is "llama" or "qwen3") o["attention_bias"] = c.OutputBias;
                if (c.ModelType == "llama") o["mlp_bias"] = c.MlpBias;
                o["initializer_range"] = c.InitializerRange;
                return Heads(o, c);
            }
            case Gpt2Config c:
            {
                var o = Source(c.Source);
                o["model_type"] = "gpt2";
                o["architectures"] = new JsonArray(ArchitectureName(c));
                o["vocab_size"] = c.VocabSize;
                o["n_positions"] = c.ContextLength;
                o["n_layer"] = c.Layers;
                o["n_embd"] = c.Width;
                o["n_head"] = c.Heads;
                o["n_inner"] = c.InnerSize > 0 ? c.InnerSize : null;
                o["layer_norm_epsilon"] = c.LayerNormEps;
                o["activation_function"] = c.Activation;
                o["tie_word_embeddings"] = c.TieEmbeddings;
                o["initializer_range"] = c.InitializerRange;
                return Heads(o, c);
            }
            default:
                throw new NotSupportedException($"HuggingFaceConfig.ToJson: {config.GetType().Name} has no Hugging Face config.");
        }

        static JsonObject Heads(JsonObject o, ModelConfig c)
        {
            foreach (var key in ClassifierKeys) o.Remove(key);
            if (c.ValueHead) o[ValueHeadKey] = true;
            if (c.RewardHead)
            {
                o["id2label"] = new JsonObject { ["0"] = "LABEL_0" };
                o["label2id"] = new JsonObject { ["LABEL_0"] = 0 };
            }
            return o;
        }
    }

    static JsonObject Source(ConfigSource? source) => source?.ToJsonObject() ?? [];

    /// <summary>The <c>pad_token_id</c> of the <c>config.json</c> a Hugging Face config was read from (null for Blend's own GPT, or when absent).</summary>
    internal static int? PadTokenId(ModelConfig config) => config switch
    {
        LlamaConfig c => c.Source?.PadTokenId,
        Gpt2Config c => c.Source?.PadTokenId,
        _ => null,
    };

    // What says which heads a model has: recomputed from the config on every save, never carried from the source.
    static readonly string[] ClassifierKeys = [ValueHeadKey, RewardHeadKey, "id2label", "label2id", "num_labels", "problem_type"];

    static ConfigSource Normalise(JsonObject config)
    {
        var copy = (JsonObject)JsonNode.Parse(config.ToJsonString())!;
        foreach (var key in ClassifierKeys) copy.Remove(key);
        return new ConfigSource(copy);
    }

    sealed class FieldException(string message) : Exception(message);

    /// <summary>Typed reads of a JSON object that remember which fields were read.</summary>
    sealed class Fields(JsonObject o)
    {
        public HashSet<string> Used { get; } = [];

        public bool Has(string key) => o.ContainsKey(key);

        public JsonNode? Node(string key)
        {
            Used.Add(key);
            return o[key];
        }

        public string? String(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw new FieldException($"field '{key}' must be a string."),
        };

        public int? Int(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue => (int)d,
            var n => throw new FieldException($"field '{key}' must be an integer (is {n.ToJsonString()})."),
        };

        public double? Double(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            var n => throw new FieldException($"field '{key}' must be a number (is {n.ToJsonString()})."),
        };

        public bool Bool(string key, bool fallback) => Node(key) switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            var n => throw new FieldException($"field '{key}' must be true or false (is {n.ToJsonString()})."),
        };

        public void Require(string key, bool expected)
        {
            if (Bool(key, expected) != expected)
                throw new FieldException(string.Create(CultureInfo.InvariantCulture, $"field '{key}' is {!expected}; Blend implements only {expected}."));
        }
    }
}
