using System.Text.Json.Nodes;

namespace Blend.HuggingFace;

/// <summary>One entry of <c>added_tokens</c> in a <c>tokenizer.json</c>.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord);

/// <summary>
/// Finds added tokens (<c>&lt;|im_start|&gt;</c>, <c>&lt;s&gt;</c>, …) in raw text before normalization, longest match first
/// at each position, as the Rust crate does: the text between them is encoded by the model, the tokens become their ids.
/// <c>lstrip</c>/<c>rstrip</c> tokens absorb the whitespace beside them; <c>single_word</c> tokens match only between
/// non-word characters.
/// </summary>
internal sealed class AddedTokens
{
    readonly Dictionary<char, AddedToken[]> _byFirst;

    public AddedTokens(IReadOnlyList<AddedToken> tokens)
    {
        All = tokens;
        _byFirst = tokens.Where(t => t.Content.Length > 0).GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        ByContent = tokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public IReadOnlyList<AddedToken> All { get; }

    public IReadOnlyDictionary<string, AddedToken> ByContent { get; }

    public static AddedTokens From(JsonNode? node, string where)
    {
        if (node is null) return new AddedTokens([]);
        if (node is not JsonArray arr) throw new FormatException($"{where}: expected an array.");
        var list = new List<AddedToken>();
        int i = 0;
        foreach (var o in JsonFields.Objects(arr, where))
        {
            var at = $"{where}[{i++}]";
            list.Add(new AddedToken(
                o["id"]?.GetValue<int>() ?? throw new FormatException($"{at}: field 'id' is missing."),
                JsonFields.String(o, "content", at),
                JsonFields.Bool(o, "special", false), JsonFields.Bool(o, "lstrip", false),
                JsonFields.Bool(o, "rstrip", false), JsonFields.Bool(o, "single_word", false)));
        }
        return new AddedTokens(list);
    }

    /// <summary>The text cut into plain segments (strings) and added tokens, in order.</summary>
    public List<(string? Text, AddedToken? Token)> Split(string text)
    {
        var parts = new List<(string?, AddedToken?)>();
        if (_byFirst.Count == 0) { if (text.Length > 0) parts.Add((text, null)); return parts; }
        int segStart = 0, i = 0;
        while (i < text.Length)
        {
            var tok = _byFirst.TryGetValue(text[i], out var cands) ? MatchAt(text, i, cands) : null;
            if (tok is null) { i++; continue; }
            int segEnd = i;
            if (tok.LStrip) while (segEnd > segStart && char.IsWhiteSpace(text[segEnd - 1])) segEnd--;
            if (segEnd > segStart) parts.Add((text[segStart..segEnd], null));
            parts.Add((null, tok));
            i += tok.Content.Length;
            if (tok.RStrip) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            segStart = i;
        }
        if (segStart < text.Length) parts.Add((text[segStart..], null));
        return parts;
    }

    static AddedToken? MatchAt(string text, int i, AddedToken[] candidates)
    {
        foreach (var t in candidates)
        {
            if (i + t.Content.Length > text.Length || string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) != 0) continue;
            if (t.SingleWord)
            {
                bool leftOk = i == 0 || !IsWordChar(text[i - 1]);
                int end = i + t.Content.Length;
                bool rightOk = end == text.Length || !IsWordChar(text[end]);
                if (!leftOk || !rightOk) continue;
            }
            return t;
        }
        return null;
    }

    static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
