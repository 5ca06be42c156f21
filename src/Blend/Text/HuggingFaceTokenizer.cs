using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.HuggingFace;
using Microsoft.ML.Tokenizers;

namespace Blend;

/// <summary>
/// A Hugging Face tokenizer read from a model folder: <c>tokenizer.json</c> (BPE, byte-level as in GPT-2, Llama 3 and Qwen,
/// or SentencePiece-style with byte fallback as in Llama 2, Mistral and TinyLlama) with its normalizer, pre-tokenizer,
/// added and special tokens, post-processor and decoder, plus <c>tokenizer_config.json</c> (special tokens and the
/// chat template). A Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, so it plugs in wherever one is taken.
/// </summary>
/// <remarks>
/// Encoding follows the Rust <c>tokenizers</c> crate: added tokens are found in the raw text first, each segment between
/// them is normalized, pre-tokenized and BPE-encoded; regex pre-tokenizers match code points (see the test against the
/// JavaScript tokenizer of transformers.js on real Llama 3 and Qwen 3 files). A component type Blend does not implement
/// is a <see cref="FormatException"/> naming it and its JSON path, never a silently different tokenizer.
/// </remarks>
/// <example><code>var tok = HuggingFaceTokenizer.Load("models/Qwen3-0.6B");
/// var ids = tok.Encode("Hello", addSpecialTokens: false);
/// string prompt = tok.ChatTemplate!.Render([new ChatMessage("user", "Hi")], addGenerationPrompt: true);</code></example>
public sealed class HuggingFaceTokenizer : Tokenizer
{
    readonly BpeModel _model;
    readonly AddedTokens _added;
    readonly Func<string, string> _normalize;
    readonly Func<string, bool, List<string>> _preTokenize;
    readonly Func<List<string>, List<string>> _decode;
    readonly int[] _before;
    readonly int[] _after;
    readonly string[] _idToToken;
    readonly Dictionary<string, int> _tokenToId;
    readonly HashSet<int> _specialIds;

    HuggingFaceTokenizer(string source, JsonObject json, JsonObject? config, ChatTemplate? template)
    {
        Source = source;
        var model = json["model"] as JsonObject ?? throw new FormatException($"{source}: field 'model' is missing.");
        var modelType = model["type"]?.GetValue<string>() ?? "BPE";
        if (modelType != "BPE")
            throw new FormatException($"{source}: model.type '{modelType}' is not supported (only BPE; WordPiece and Unigram tokenizer.json files are not).");
        if (model["dropout"] is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.GetValue<double>() > 0)
            throw new FormatException($"{source}: model.dropout {d} is not supported (BPE dropout is for training only).");
        foreach (var field in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0)
                throw new FormatException($"{source}: model.{field} is not supported.");

        var vocabObj = model["vocab"] as JsonObject ?? throw new FormatException($"{source}: field 'model.vocab' is missing.");
        var vocab = new Dictionary<string, int>(vocabObj.Count, StringComparer.Ordinal);
        foreach (var (k, v) in vocabObj) vocab[k] = v?.GetValue<int>() ?? throw new FormatException($"{source}: model.vocab['{k}'] is not an id.");
        var merges = ReadMerges(model["merges"], source);
        _model = new BpeModel(vocab, merges, model["unk_token"]?.GetValue<string>(), JsonFields.Bool(model, "fuse_unk", false),
            JsonFields.Bool(model, "byte_fallback", false), JsonFields.Bool(model, "ignore_merges", false), source);

        _added = AddedTokens.From(json["added_tokens"], $"{source}: added_tokens");
        _tokenToId = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        foreach (var t in _added.All) _tokenToId[t.Content] = t.Id;
        int size = _tokenToId.Values.DefaultIfEmpty(-1).Max() + 1;
        _idToToken = new string[size];
        foreach (var (tok, id) in _tokenToId)
        {
            if (id < 0) throw new FormatException($"{source}: token '{tok}' has the negative id {id}.");
            _idToToken[id] = tok;
        }
        _specialIds = _added.All.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        _normalize = Normalizers.From(json["normalizer"], $"{source}: normalizer");
        _preTokenize = PreTokenizers.From(json["pre_tokenizer"], $"{source}: pre_tokenizer");
        _decode = Decoders.From(json["decoder"], t => _added.ByContent.ContainsKey(t), $"{source}: decoder");
        (_before, _after) = PostProcessors.From(json["post_processor"],
            name => _tokenToId.TryGetValue(name, out var id) ? id : throw new FormatException($"{source}: post_processor names '{name}', which is not a token."),
            $"{source}: post_processor");

        BosToken = SpecialName(config, "bos_token");
        EosToken = SpecialName(config, "eos_token");
        PadToken = SpecialName(config, "pad_token");
        UnkToken = SpecialName(config, "unk_token") ?? model["unk_token"]?.GetValue<string>();
        ChatTemplate = template;
    }

    /// <summary>The file the tokenizer was read from.</summary>
    public string Source { get; }

    /// <summary>Number of ids: one more than the largest id of the vocabulary and the added tokens.</summary>
    public int VocabSize => _idToToken.Length;

    /// <summary>The beginning-of-sequence token named by <c>tokenizer_config.json</c>, if any.</summary>
    public string? BosToken { get; }

    /// <summary>The end-of-sequence token named by <c>tokenizer_config.json</c>, if any.</summary>
    public string? EosToken { get; }

    /// <summary>The padding token named by <c>tokenizer_config.json</c>, if any.</summary>
    public string? PadToken { get; }

    /// <summary>The unknown token of the configuration or the BPE model, if any.</summary>
    public string? UnkToken { get; }

    /// <summary>The model's chat template (from <c>tokenizer_config.json</c> or <c>chat_template.jinja</c>), if it has one.</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>Ids of the added tokens marked special (skipped when decoding with <c>skipSpecialTokens</c>).</summary>
    public IReadOnlyCollection<int> SpecialTokenIds => _specialIds;

    /// <summary>The id of a token string, or null.</summary>
    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    /// <summary>The token string of an id, or null.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>
    /// Loads a tokenizer from a model folder (or a <c>tokenizer.json</c> path): <c>tokenizer.json</c>, else GPT-2's
    /// <c>vocab.json</c> + <c>merges.txt</c>; <c>tokenizer_config.json</c> and <c>chat_template.jinja</c> beside it when present.
    /// </summary>
    /// <exception cref="FileNotFoundException">No tokenizer file is there.</exception>
    /// <exception cref="FormatException">A file is malformed or uses a component Blend does not implement; the message names the file and JSON path.</exception>
    public static HuggingFaceTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string tokenizerJson = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        var configPath = Path.Combine(dir, "tokenizer_config.json");
        var config = File.Exists(configPath) ? ParseObject(configPath) : null;
        var template = ChatTemplateFrom(dir, config, configPath);

        if (File.Exists(tokenizerJson)) return new HuggingFaceTokenizer(tokenizerJson, ParseObject(tokenizerJson), config, template);
        var vocabPath = Path.Combine(dir, "vocab.json");
        var mergesPath = Path.Combine(dir, "merges.txt");
        if (File.Exists(vocabPath) && File.Exists(mergesPath))
            return new HuggingFaceTokenizer(vocabPath, Gpt2Json(vocabPath, mergesPath), config, template);
        throw new FileNotFoundException($"HuggingFaceTokenizer.Load: neither '{tokenizerJson}' nor vocab.json + merges.txt exist in '{dir}'.", tokenizerJson);
    }

    /// <summary>The token ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/>, the post-processor's tokens (e.g. BOS) around them.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens) ids.AddRange(_before);
        bool first = true;
        foreach (var (segment, token) in _added.Split(text))
        {
            if (token is not null) { ids.Add(token.Id); first = false; continue; }
            foreach (var word in _preTokenize(_normalize(segment!), first)) _model.Encode(word, ids);
            first = false;
        }
        if (addSpecialTokens) ids.AddRange(_after);
        return ids;
    }

    /// <summary>The text of <paramref name="ids"/>; with <paramref name="skipSpecialTokens"/>, special added tokens are left out.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            var tok = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), $"HuggingFaceTokenizer.Decode: id {id} is not in the vocabulary of {Source}.");
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            tokens.Add(tok);
        }
        return string.Concat(_decode(tokens));
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <inheritdoc />
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        var text = Decode(list, skipSpecialTokens: false);
        if (text.Length > destination.Length) { idsConsumed = 0; charsWritten = 0; return OperationStatus.DestinationTooSmall; }
        text.AsSpan().CopyTo(destination);
        idsConsumed = list.Count;
        charsWritten = text.Length;
        return OperationStatus.Done;
    }

    /// <inheritdoc />
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var s = text ?? textSpan.ToString();
        var ids = Encode(s).ToList();
        if (settings.MaxTokenCount > 0 && ids.Count > settings.MaxTokenCount) ids.RemoveRange(settings.MaxTokenCount, ids.Count - settings.MaxTokenCount);
        return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = s.Length };
    }

    /// <inheritdoc />
    /// <remarks>Offsets are not tracked through normalization: each token's offset is the empty range at 0.</remarks>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var s = text ?? textSpan.ToString();
        var tokens = Encode(s).Select(id => new EncodedToken(id, _idToToken[id], new Range(0, 0))).ToList();
        if (settings.MaxTokenCount > 0 && tokens.Count > settings.MaxTokenCount) tokens.RemoveRange(settings.MaxTokenCount, tokens.Count - settings.MaxTokenCount);
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = s.Length };
    }

    /// <inheritdoc />
    public override string ToString() => $"HuggingFaceTokenizer({Path.GetFileName(Path.GetDirectoryName(Source))}, {VocabSize} ids{(ChatTemplate is null ? "" : ", chat template")})";

    static List<(string, string)> ReadMerges(JsonNode? node, string source)
    {
        if (node is null) return [];
        if (node is not JsonArray arr) throw new FormatException($"{source}: model.merges must be an array.");
        var list = new List<(string, string)>(arr.Count);
        int i = 0;
        foreach (var m in arr)
        {
            switch (m)
            {
                case JsonArray pair when pair.Count == 2:
                    list.Add((pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>()));
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                {
                    var s = v.GetValue<string>();
                    int sp = s.IndexOf(' ', 1);
                    if (sp <= 0 || sp == s.Length - 1) throw new FormatException($"{source}: model.merges[{i}] '{s}' is not 'left right'.");
                    list.Add((s[..sp], s[(sp + 1)..]));
                    break;
                }
                default:
                    throw new FormatException($"{source}: model.merges[{i}] is neither \"left right\" nor [left, right].");
            }
            i++;
        }
        return list;
    }

    static JsonObject ParseObject(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { MaxDepth = 256 }) as JsonObject
                ?? throw new FormatException($"{path}: expected a JSON object.");
        }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON (line {e.LineNumber + 1}: {e.Message})", e); }
    }

    static string? SpecialName(JsonObject? config, string field) => config?[field] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => o["content"]?.GetValue<string>(),
        _ => null,
    };

    static ChatTemplate? ChatTemplateFrom(string dir, JsonObject? config, string configPath)
    {
        var jinja = Path.Combine(dir, "chat_template.jinja");
        if (File.Exists(jinja)) return ChatTemplate.Parse(File.ReadAllText(jinja), jinja, SpecialName(config, "bos_token"), SpecialName(config, "eos_token"));
        switch (config?["chat_template"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return ChatTemplate.Parse(v.GetValue<string>(), configPath + ": chat_template", SpecialName(config, "bos_token"), SpecialName(config, "eos_token"));
            case JsonArray named:
            {
                var entry = named.OfType<JsonObject>().FirstOrDefault(o => o["name"]?.GetValue<string>() == "default")
                    ?? throw new FormatException($"{configPath}: chat_template is a list without a 'default' entry.");
                return ChatTemplate.Parse(entry["template"]?.GetValue<string>() ?? throw new FormatException($"{configPath}: chat_template 'default' has no 'template'."),
                    configPath + ": chat_template[default]", SpecialName(config, "bos_token"), SpecialName(config, "eos_token"));
            }
            default:
                return null;
        }
    }

    static JsonObject Gpt2Json(string vocabPath, string mergesPath)
    {
        var vocab = ParseObject(vocabPath);
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(mergesPath, Encoding.UTF8))
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)) merges.Add(line);
        return new JsonObject
        {
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab.DeepClone(), ["merges"] = merges },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
        };
    }
}
