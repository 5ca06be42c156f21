using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Blend;

/// <summary>
/// Turns text into model token ids and back: wraps any Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, adds the special
/// tokens PAD, BOS, EOS, UNK and SEP, lays out (prompt, response) pairs, and optionally compacts the vocabulary to the ids a
/// corpus uses (for tiny models).
/// </summary>
/// <remarks>
/// Full mode: ids are the base tokenizer's ids, specials follow them (<c>base + 0..4</c> = PAD, BOS, EOS, UNK, SEP).
/// Compact mode (<see cref="Compact"/>): ids 0..4 are PAD, BOS, EOS, UNK, SEP and ids from 5 on map densely to the base ids
/// the corpus used plus the single-character tokens of printable ASCII, so any ASCII text still encodes (a base token outside
/// the map falls back to its characters) and decodes back exactly; other unmapped text becomes UNK, which decodes to
/// <see cref="UnknownMarker"/>. With <see cref="SplitDigits"/> every ASCII digit is its own token (arithmetic learns digit
/// by digit). Long texts are encoded in chunks (see <see cref="TextChunks"/>), so encoding time is linear in the length of the
/// text whatever its shape.
/// </remarks>
/// <example><code>var codec = TextCodec.Cl100k().Compact(corpus);
/// var ids = codec.Encode("What is 2 + 3?");
/// string text = codec.Decode(ids);</code></example>
public sealed partial class TextCodec
{
    /// <summary>What an UNK token decodes to.</summary>
    public const string UnknownMarker = "\u27e8unk\u27e9";

    const int SpecialCount = 5;
    const string TokenizerFile = "tokenizer.json";

    readonly Tokenizer _tokenizer;
    readonly string _kind;
    readonly IReadOnlyList<string> _files;
    readonly int _baseVocab;
    readonly int[]? _denseToBase;
    readonly Dictionary<int, int>? _baseToDense;
    readonly Dictionary<char, int>? _asciiFallback;
    readonly HuggingFaceTokenizer? _hf;

    TextCodec(Tokenizer tokenizer, string kind, IReadOnlyList<string> files, int baseVocab, bool splitDigits, int[]? compact)
    {
        _tokenizer = tokenizer;
        _kind = kind;
        _files = files;
        _baseVocab = baseVocab;
        SplitDigits = splitDigits;
        if (compact is null)
        {
            Pad = baseVocab; Bos = baseVocab + 1; Eos = baseVocab + 2; Unk = baseVocab + 3; Sep = baseVocab + 4;
            VocabSize = baseVocab + SpecialCount;
            return;
        }
        Pad = 0; Bos = 1; Eos = 2; Unk = 3; Sep = 4;
        _denseToBase = compact;
        _baseToDense = new Dictionary<int, int>(compact.Length);
        for (int i = 0; i < compact.Length; i++)
        {
            if (compact[i] < 0 || compact[i] >= baseVocab) throw new ArgumentException($"TextCodec: compact map entry {i} is base id {compact[i]}, outside the base vocabulary [0, {baseVocab}).");
            if (!_baseToDense.TryAdd(compact[i], SpecialCount + i)) throw new ArgumentException($"TextCodec: compact map lists base id {compact[i]} twice.");
        }
        VocabSize = SpecialCount + compact.Length;
        _asciiFallback = [];
        for (char c = ' '; c <= '~'; c++) AddFallback(c);
        AddFallback('\n');

        void AddFallback(char c)
        {
            var ids = _tokenizer.EncodeToIds(c.ToString());
            if (ids.Count == 1 && _baseToDense.TryGetValue(ids[0], out var dense)) _asciiFallback[c] = dense;
        }
    }

    TextCodec(HuggingFaceTokenizer hf, IReadOnlyList<string> files)
    {
        _tokenizer = hf;
        _hf = hf;
        _kind = "huggingface";
        _files = files;
        _baseVocab = hf.VocabSize;
        VocabSize = hf.VocabSize;
        int? Id(string? token) => token is null ? null : hf.TokenToId(token);
        Eos = EndOfTurn(hf) ?? Id(hf.EosToken)
            ?? throw new FormatException($"{hf.Source}: the tokenizer names no eos_token and has no chat template that ends a turn with a token, so Blend cannot tell where a response ends.");
        Pad = Id(hf.PadToken) ?? Eos;
        Bos = Id(hf.BosToken) ?? -1;
        Unk = Id(hf.UnkToken) ?? Pad;
        Sep = -1;
    }

    /// <summary>The wrapped tokenizer.</summary>
    public Tokenizer Tokenizer => _tokenizer;

    /// <summary>Which base tokenizer this is: <c>cl100k_base</c>, <c>o200k_base</c>, <c>gpt2</c>, <c>sentencepiece</c>, <c>huggingface</c> or <c>custom</c>.</summary>
    public string Kind => _kind;

    /// <summary>Number of ids the model must embed (base or compact vocabulary plus the five specials).</summary>
    public int VocabSize { get; }

    /// <summary>Padding id (never a target; left padding for generation, right padding for training).</summary>
    public int Pad { get; }

    /// <summary>Beginning-of-sequence id (-1 for a Hugging Face tokenizer without one).</summary>
    public int Bos { get; }

    /// <summary>End-of-sequence id; generation stops when it is sampled. For a Hugging Face tokenizer with a chat template, the token that ends an assistant turn (<c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>), else its <c>eos_token</c>.</summary>
    public int Eos { get; }

    /// <summary>Unknown-token id (compact mode: text outside the map; a Hugging Face tokenizer without one uses PAD, which decodes to nothing).</summary>
    public int Unk { get; }

    /// <summary>Separator between the prompt and the response in the chat layout (-1 for a Hugging Face tokenizer, whose chat template lays out turns).</summary>
    public int Sep { get; }

    /// <summary>True when the vocabulary is compacted to a corpus (see <see cref="Compact"/>).</summary>
    public bool IsCompact => _denseToBase is not null;

    /// <summary>True when every ASCII digit is encoded as its own token.</summary>
    public bool SplitDigits { get; }

    /// <summary>OpenAI's cl100k_base tokenizer (GPT-3.5/4), from the embedded data package.</summary>
    /// <param name="splitDigits">Encode every ASCII digit as its own token (default false).</param>
    public static TextCodec Cl100k(bool splitDigits = false) => FromKind("cl100k_base", null, splitDigits, null);

    /// <summary>OpenAI's o200k_base tokenizer (GPT-4o), from the embedded data package.</summary>
    /// <param name="splitDigits">Encode every ASCII digit as its own token (default false).</param>
    public static TextCodec O200k(bool splitDigits = false) => FromKind("o200k_base", null, splitDigits, null);

    /// <summary>A GPT-2-style byte-level BPE tokenizer from <c>vocab.json</c> and <c>merges.txt</c>.</summary>
    public static TextCodec Gpt2(string vocabJsonPath, string mergesPath, bool splitDigits = false)
    {
        RequireFile(vocabJsonPath, "vocab.json");
        RequireFile(mergesPath, "merges.txt");
        return FromKind("gpt2", [vocabJsonPath, mergesPath], splitDigits, null);
    }

    /// <summary>A SentencePiece tokenizer from a <c>tokenizer.model</c> file (BPE or Unigram).</summary>
    public static TextCodec SentencePiece(string modelPath, bool splitDigits = false)
    {
        RequireFile(modelPath, "tokenizer.model");
        return FromKind("sentencepiece", [modelPath], splitDigits, null);
    }

    /// <summary>
    /// The tokenizer of a Hugging Face model folder (<c>tokenizer.json</c> or <c>vocab.json</c> + <c>merges.txt</c>, with
    /// <c>tokenizer_config.json</c>): the model's own ids and special tokens, and its chat template for every prompt.
    /// </summary>
    /// <remarks>
    /// <see cref="EncodeChat"/> renders the prompt as a one-user-turn conversation with the generation prompt (the text the
    /// model answers from); the response follows with <see cref="Eos"/>. Without a chat template, the prompt is
    /// <c>[BOS] prompt</c>. Special tokens written inside text are parsed as special tokens, as in transformers.
    /// </remarks>
    /// <exception cref="FileNotFoundException">The folder has no tokenizer files.</exception>
    /// <exception cref="FormatException">A file is malformed or uses a component Blend does not implement (named).</exception>
    public static TextCodec FromHuggingFace(string dir)
    {
        var hf = HuggingFaceTokenizer.Load(dir);
        var folder = Directory.Exists(dir) ? dir : Path.GetDirectoryName(Path.GetFullPath(dir))!;
        var files = HuggingFaceFiles.Select(f => Path.Combine(folder, f)).Where(File.Exists).ToArray();
        return new TextCodec(hf, files);
    }

    /// <summary>The chat template of a Hugging Face tokenizer, or null (other kinds have the fixed chat layout).</summary>
    public ChatTemplate? ChatTemplate => _hf?.ChatTemplate;

    /// <summary>Wraps any tokenizer whose ids are below <paramref name="baseVocabSize"/> (cannot be saved with <see cref="Save"/>).</summary>
    public static TextCodec Wrap(Tokenizer tokenizer, int baseVocabSize, bool splitDigits = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseVocabSize, 1);
        return new TextCodec(tokenizer, "custom", [], baseVocabSize, splitDigits, null);
    }

    /// <summary>
    /// A compact codec over this tokenizer: the base ids that <paramref name="corpus"/> uses (plus printable ASCII characters)
    /// mapped to a dense range after the specials.
    /// </summary>
    /// <param name="corpus">Texts whose tokens the model must know.</param>
    /// <param name="splitDigits">Encode every ASCII digit as its own token (default true: tiny models learn arithmetic digit by digit).</param>
    public TextCodec Compact(IEnumerable<string> corpus, bool splitDigits = true)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var full = new TextCodec(_tokenizer, _kind, _files, _baseVocab, splitDigits, null);
        var used = new SortedSet<int>();
        foreach (var text in corpus)
            foreach (var id in full.EncodeBase(text ?? "")) used.Add(id);
        for (char c = ' '; c <= '~'; c++) foreach (var id in _tokenizer.EncodeToIds(c.ToString())) used.Add(id);
        foreach (var id in _tokenizer.EncodeToIds("\n")) used.Add(id);
        return new TextCodec(_tokenizer, _kind, _files, _baseVocab, splitDigits, used.ToArray());
    }

    /// <summary>Characters this thread has passed to <see cref="Encode"/> so far (tests read it to show that truncation encodes only what it keeps).</summary>
    [ThreadStatic] internal static long EncodedCharacters;

    /// <summary>Token ids of <paramref name="text"/> (no BOS/EOS).</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        EncodedCharacters += text.Length;
        if (_hf is not null) return _hf.Encode(text);
        var baseIds = EncodeBase(text);
        if (_baseToDense is null) return baseIds;
        var result = new List<int>(baseIds.Count);
        foreach (var id in baseIds)
        {
            if (_baseToDense.TryGetValue(id, out var dense)) { result.Add(dense); continue; }
            var piece = _tokenizer.Decode([id]);
            if (piece.Length > 0 && piece.All(c => _asciiFallback!.ContainsKey(c)))
                foreach (var c in piece) result.Add(_asciiFallback![c]);
            else
                result.Add(Unk);
        }
        return result;
    }

    /// <summary>Text of <paramref name="ids"/>: PAD, BOS, EOS and SEP are skipped, UNK becomes <see cref="UnknownMarker"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="VocabSize"/>).</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (_hf is not null)
        {
            var list = new List<int>();
            foreach (var id in ids)
            {
                if (id < 0 || id >= VocabSize) throw new ArgumentOutOfRangeException(nameof(ids), $"TextCodec.Decode: id {id} is outside the vocabulary [0, {VocabSize}).");
                if (id != Pad && id != Eos) list.Add(id);
            }
            return _hf.Decode(list, skipSpecialTokens: true);
        }
        var sb = new StringBuilder();
        var run = new List<int>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= VocabSize) throw new ArgumentOutOfRangeException(nameof(ids), $"TextCodec.Decode: id {id} is outside the vocabulary [0, {VocabSize}).");
            if (id == Pad || id == Bos || id == Eos || id == Sep) continue;
            if (id == Unk) { Flush(); sb.Append(UnknownMarker); continue; }
            run.Add(_denseToBase is null ? id : _denseToBase[id - SpecialCount]);
        }
        Flush();
        return sb.ToString();

        void Flush()
        {
            if (run.Count == 0) return;
            sb.Append(_tokenizer.Decode(run));
            run.Clear();
        }
    }

    /// <summary>
    /// The chat layout <c>[BOS] prompt [SEP] response [EOS]</c>; without a response, <c>[BOS] prompt [SEP]</c> (what generation
    /// starts from).
    /// </summary>
    /// <remarks>The whole prompt is encoded (in time linear in its length); where it enters a model, a prompt longer than the
    /// context leaves it is truncated from the left by <see cref="PromptTruncation"/>.</remarks>
    public ChatEncoding EncodeChat(string prompt, string? response = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (_hf is not null) return EncodeChatHuggingFace(prompt, response);
        var ids = new List<int> { Bos };
        ids.AddRange(Encode(prompt));
        ids.Add(Sep);
        int start = ids.Count;
        if (response is not null)
        {
            ids.AddRange(Encode(response));
            ids.Add(Eos);
        }
        return new ChatEncoding(ids, start);
    }

    /// <summary>
    /// The prompt ids of the chat layout (<see cref="EncodeChat"/> without a response) truncated by <see cref="PromptTruncation"/>'s
    /// rule to at most <paramref name="maxTokens"/>: the same ids as <c>PromptTruncation.KeepEnd(EncodeChat(prompt).PromptIds, maxTokens)</c>,
    /// but only the end of the text that the kept ids come from is encoded (whole <see cref="TextChunks"/> chunks, from the last
    /// one back, until they hold enough ids) and the first chunk for the first id, so a prompt of megabytes costs about what one
    /// that fits costs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is below <see cref="PromptTruncation.MinTokens"/>.</exception>
    public IReadOnlyList<int> EncodeChatPrompt(string prompt, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (maxTokens < PromptTruncation.MinTokens)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"TextCodec.EncodeChatPrompt: room for {maxTokens} prompt tokens; a prompt keeps at least its first and last token ({PromptTruncation.MinTokens}).");
        if (_hf is null)
        {
            // [BOS] prompt [SEP]: BOS, the prompt's last maxTokens − 2 ids, SEP
            return [Bos, .. Last(EncodeTail(prompt, maxTokens - 2).Ids, maxTokens - 2), Sep];
        }
        if (_hf.ChatTemplate is { } template)
        {
            var text = template.Render([new ChatMessage("user", prompt)], addGenerationPrompt: true);
            var (ids, complete) = EncodeTail(text, maxTokens - 1);
            if (complete) return PromptTruncation.KeepEnd(ids, maxTokens);
            var first = Encode(text.Substring(0, TextChunks.Split(text).First().Length));
            return [first[0], .. Last(ids, maxTokens - 1)];
        }
        if (Bos >= 0) return [Bos, .. Last(EncodeTail(prompt, maxTokens - 1).Ids, maxTokens - 1)];
        return PromptTruncation.KeepEnd(Encode(prompt), maxTokens);
    }

    static IEnumerable<int> Last(List<int> ids, int count) => ids.Skip(Math.Max(0, ids.Count - count));

    /// <summary>
    /// The ids of the end of <paramref name="text"/> as <see cref="Encode"/> gives them: whole chunks encoded from the last one
    /// back until they hold at least <paramref name="count"/> ids; <c>Complete</c>: every chunk was encoded (the ids are the whole text's).
    /// </summary>
    (List<int> Ids, bool Complete) EncodeTail(string text, int count)
    {
        if (text.Length <= 2 * TextChunks.Target) return ([.. Encode(text)], true);
        var chunks = TextChunks.Split(text).ToList();
        var parts = new List<IReadOnlyList<int>>();
        int have = 0, k = chunks.Count;
        while (k > 0 && have < count)
        {
            var (start, length) = chunks[--k];
            var ids = Encode(text.Substring(start, length));
            parts.Add(ids);
            have += ids.Count;
        }
        var joined = new List<int>(have);
        for (int i = parts.Count - 1; i >= 0; i--) joined.AddRange(parts[i]);
        return (joined, k == 0);
    }

    /// <summary>The response ids of the chat layout: <c>response [EOS]</c>.</summary>
    public IReadOnlyList<int> EncodeResponse(string response)
    {
        var ids = new List<int>(Encode(response)) { Eos };
        return ids;
    }

    /// <summary>Writes <c>tokenizer.json</c> (base tokenizer, digit splitting, compact map) and copies the base tokenizer's files into <paramref name="dir"/>.</summary>
    /// <exception cref="NotSupportedException">The codec wraps a custom tokenizer (see <see cref="Wrap"/>).</exception>
    public void Save(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (_kind == "custom") throw new NotSupportedException("TextCodec.Save: a codec made with TextCodec.Wrap cannot be saved; use Cl100k, O200k, Gpt2 or SentencePiece.");
        Directory.CreateDirectory(dir);
        if (_hf is not null)
        {
            // The Hugging Face layout: the model's own files, copied unchanged, so other tools open the folder.
            foreach (var f in _files)
            {
                var target = Path.Combine(dir, Path.GetFileName(f));
                if (!string.Equals(Path.GetFullPath(f), Path.GetFullPath(target), StringComparison.Ordinal))
                    AtomicFile.WriteAllBytes(target, File.ReadAllBytes(f));
            }
            return;
        }
        var files = new JsonArray();
        foreach (var f in _files)
        {
            var name = Path.GetFileName(f);
            var target = Path.Combine(dir, name);
            if (!string.Equals(Path.GetFullPath(f), Path.GetFullPath(target), StringComparison.Ordinal))
                AtomicFile.WriteAllBytes(target, File.ReadAllBytes(f));
            files.Add(name);
        }
        var json = new JsonObject
        {
            ["format"] = "blend-textcodec/1",
            ["base"] = _kind,
            ["files"] = files,
            ["split_digits"] = SplitDigits,
            ["base_vocab_size"] = _baseVocab,
            ["vocab_size"] = VocabSize,
            ["specials"] = new JsonObject { ["pad"] = Pad, ["bos"] = Bos, ["eos"] = Eos, ["unk"] = Unk, ["sep"] = Sep },
            ["compact"] = _denseToBase is null ? null : new JsonArray(_denseToBase.Select(i => (JsonNode)i).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(dir, TokenizerFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <summary>Loads a codec saved with <see cref="Save"/> from <paramref name="dir"/> (a Hugging Face <c>tokenizer.json</c> there is read with <see cref="FromHuggingFace"/>).</summary>
    /// <exception cref="FormatException">The file is malformed; the message names the file and field.</exception>
    public static TextCodec Load(string dir)
    {
        var path = Path.Combine(dir, TokenizerFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"TextCodec.Load: '{path}' does not exist.", path);
        JsonObject obj;
        try { obj = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: expected a JSON object."); }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON ({e.Message})", e); }
        if (obj["format"] is null && obj["model"] is JsonObject) return FromHuggingFace(dir);
        string kind = Field(obj, path, "base").GetValue<string>();
        bool split = obj["split_digits"]?.GetValue<bool>() ?? false;
        var files = (obj["files"] as JsonArray ?? []).Select(n => Path.Combine(dir, n!.GetValue<string>())).ToArray();
        foreach (var f in files) RequireFile(f, Path.GetFileName(f));
        int[]? compact = obj["compact"] is JsonArray arr ? arr.Select(n => n!.GetValue<int>()).ToArray() : null;
        var codec = FromKind(kind, files, split, compact, path);
        if (obj["vocab_size"] is JsonNode vs && vs.GetValue<int>() != codec.VocabSize)
            throw new FormatException($"{path}: field 'vocab_size' is {vs.GetValue<int>()} but the rebuilt codec has {codec.VocabSize} ids.");
        return codec;
    }

    /// <inheritdoc />
    public override string ToString() => $"TextCodec({_kind}{(IsCompact ? ", compact" : "")}{(SplitDigits ? ", split digits" : "")}, {VocabSize} ids)";

    static readonly string[] HuggingFaceFiles = ["tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json", "vocab.json", "merges.txt"];

    ChatEncoding EncodeChatHuggingFace(string prompt, string? response)
    {
        var hf = _hf!;
        List<int> ids;
        if (hf.ChatTemplate is { } template)
            ids = [.. hf.Encode(template.Render([new ChatMessage("user", prompt)], addGenerationPrompt: true))];
        else
        {
            ids = Bos >= 0 ? [Bos] : [];
            ids.AddRange(hf.Encode(prompt));
        }
        int start = ids.Count;
        if (response is not null)
        {
            ids.AddRange(hf.Encode(response));
            ids.Add(Eos);
        }
        return new ChatEncoding(ids, start);
    }

    /// <summary>
    /// The token that closes an assistant turn in the chat template: render a conversation whose reply is a marker and take
    /// the first added token right after it (<c>&lt;|im_end|&gt;</c> for Qwen, <c>&lt;|eot_id|&gt;</c> for Llama 3).
    /// </summary>
    static int? EndOfTurn(HuggingFaceTokenizer hf)
    {
        if (hf.ChatTemplate is not { } template) return null;
        const string marker = "\u2063blend-reply\u2063";
        string text;
        try { text = template.Render([new ChatMessage("user", "hi"), new ChatMessage("assistant", marker)], addGenerationPrompt: false); }
        catch (Exception e) when (e is InvalidOperationException or FormatException) { return null; }
        int at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var after = hf.Encode(text[(at + marker.Length)..]);
        return after.Count > 0 && hf.SpecialTokenIds.Contains(after[0]) ? after[0] : null;
    }

    List<int> EncodeBase(string text)
    {
        var result = new List<int>();
        if (text.Length == 0) return result;
        if (!SplitDigits) { result.AddRange(EncodePlain(text)); return result; }
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i])) continue;
            if (i > start) result.AddRange(EncodePlain(text[start..i]));
            result.AddRange(EncodePlain(text[i].ToString()));
            start = i + 1;
        }
        if (start < text.Length) result.AddRange(EncodePlain(text[start..]));
        return result;
    }

    IReadOnlyList<int> EncodePlain(string text)
    {
        if (text.Length <= TextChunks.Target) return EncodeOne(text);
        var ids = new List<int>();
        foreach (var (start, length) in TextChunks.Split(text)) ids.AddRange(EncodeOne(text.Substring(start, length)));
        return ids;
    }

    IReadOnlyList<int> EncodeOne(string text) => _tokenizer is SentencePieceTokenizer sp
        ? MergeUnknownRuns(sp.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false), sp.UnknownId)
        : _tokenizer.EncodeToIds(text);

    /// <summary>
    /// SentencePiece's processor merges a run of consecutive unknown pieces into one unknown piece (one id per run, whatever
    /// the model type); Microsoft.ML.Tokenizers gives one id per unknown character.
    /// </summary>
    static IReadOnlyList<int> MergeUnknownRuns(IReadOnlyList<int> ids, int unknown)
    {
        var merged = new List<int>(ids.Count);
        foreach (var id in ids)
            if (id != unknown || merged.Count == 0 || merged[^1] != unknown) merged.Add(id);
        return merged;
    }

    static TextCodec FromKind(string kind, string[]? files, bool splitDigits, int[]? compact, string? source = null)
    {
        files ??= [];
        switch (kind)
        {
            case "cl100k_base":
            case "o200k_base":
            {
                var tk = TiktokenTokenizer.CreateForEncoding(kind);
                // Tiktoken's special tokens follow its ranks: cl100k_base 100277 ids, o200k_base 200019.
                int vocab = (tk.SpecialTokens ?? throw new InvalidOperationException($"TextCodec: {kind} has no special tokens.")).Values.Max() + 1;
                return new TextCodec(tk, kind, [], vocab, splitDigits, compact);
            }
            case "gpt2":
            {
                if (files.Length != 2) throw new FormatException($"{source ?? "TextCodec"}: a gpt2 codec needs vocab.json and merges.txt.");
                var bpe = BpeTokenizer.Create(files[0], files[1]);
                int vocab = bpe.Vocabulary.Values.Max() + 1;
                return new TextCodec(bpe, kind, files, vocab, splitDigits, compact);
            }
            case "sentencepiece":
            {
                if (files.Length != 1) throw new FormatException($"{source ?? "TextCodec"}: a sentencepiece codec needs tokenizer.model.");
                using var stream = File.OpenRead(files[0]);
                var sp = SentencePieceTokenizer.Create(stream, false, false);
                int vocab = sp.Vocabulary.Values.Max() + 1;
                return new TextCodec(sp, kind, files, vocab, splitDigits, compact);
            }
            default:
                throw new FormatException($"{source ?? "TextCodec"}: unknown base tokenizer '{kind}' (expected cl100k_base, o200k_base, gpt2 or sentencepiece).");
        }
    }

    static JsonNode Field(JsonObject obj, string path, string name) =>
        obj[name] ?? throw new FormatException($"{path}: field '{name}' is missing.");

    static void RequireFile(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"TextCodec: {what} file '{path}' does not exist.", path);
    }
}
