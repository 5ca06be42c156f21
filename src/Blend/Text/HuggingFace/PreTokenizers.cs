using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>
/// The <c>pre_tokenizer</c> of a <c>tokenizer.json</c>: maps one segment (between added tokens) to the words the BPE model
/// sees. Each step maps every current piece to pieces, as the Rust <c>tokenizers</c> crate does.
/// </summary>
internal static class PreTokenizers
{
    /// <summary>GPT-2's pattern, used by <c>ByteLevel</c> with <c>use_regex</c>.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    static readonly Regex Gpt2Regex = new(Gpt2Pattern, RegexOptions.CultureInvariant);

    /// <summary>The pre-tokenizer described by <paramref name="node"/> (null: the whole segment is one word).</summary>
    public static Func<string, bool, List<string>> From(JsonNode? node, string where)
    {
        if (node is null) return static (s, _) => s.Length == 0 ? [] : [s];
        var step = StepFrom(node, where);
        return (s, first) => step([s], first).Where(p => p.Length > 0).ToList();
    }

    static Func<IEnumerable<string>, bool, IEnumerable<string>> StepFrom(JsonNode node, string where)
    {
        if (node is not JsonObject obj) throw new FormatException($"{where}: expected an object.");
        var type = JsonFields.Type(obj, where);
        switch (type)
        {
            case "Sequence":
            {
                var steps = JsonFields.Objects(JsonFields.Array(obj, "pretokenizers", where), where + ".pretokenizers")
                    .Select((n, i) => StepFrom(n, $"{where}.pretokenizers[{i}]")).ToArray();
                return (pieces, first) => { foreach (var s in steps) pieces = s(pieces.ToList(), first); return pieces; };
            }
            case "Split":
            {
                var regex = JsonFields.Pattern(obj["pattern"], where + ".pattern");
                var behavior = TextPieces.ParseBehavior(obj["behavior"]?.GetValue<string>(), where);
                bool invert = JsonFields.Bool(obj, "invert", false);
                return (pieces, _) => pieces.SelectMany(p => TextPieces.Split(p, regex, behavior, invert));
            }
            case "ByteLevel":
            {
                bool prefix = JsonFields.Bool(obj, "add_prefix_space", true);
                bool useRegex = JsonFields.Bool(obj, "use_regex", true);
                return (pieces, _) => pieces.SelectMany(p =>
                {
                    if (prefix && !p.StartsWith(' ')) p = " " + p;
                    var words = useRegex ? TextPieces.Split(p, Gpt2Regex, SplitBehavior.Isolated, false) : [p];
                    return words.Select(ByteLevelAlphabet.EncodeUtf8);
                });
            }
            case "Metaspace":
            {
                var replacement = JsonFields.String(obj, "replacement", where);
                var scheme = obj["prepend_scheme"]?.GetValue<string>() ?? (JsonFields.Bool(obj, "add_prefix_space", true) ? "always" : "never");
                if (scheme is not ("always" or "first" or "never")) throw new FormatException($"{where}: prepend_scheme '{scheme}' is not always, first or never.");
                bool split = JsonFields.Bool(obj, "split", true);
                var splitter = new Regex(Regex.Escape(replacement), RegexOptions.CultureInvariant);
                return (pieces, first) => pieces.SelectMany(p =>
                {
                    p = p.Replace(" ", replacement);
                    if ((scheme == "always" || (scheme == "first" && first)) && !p.StartsWith(replacement, StringComparison.Ordinal)) p = replacement + p;
                    return split ? TextPieces.Split(p, splitter, SplitBehavior.MergedWithNext, false) : [p];
                });
            }
            case "Digits":
            {
                var regex = new Regex(JsonFields.Bool(obj, "individual_digits", false) ? @"\p{Nd}" : @"\p{Nd}+", RegexOptions.CultureInvariant);
                return (pieces, _) => pieces.SelectMany(p => TextPieces.Split(p, regex, SplitBehavior.Isolated, false));
            }
            case "Whitespace":
            {
                var regex = new Regex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant);
                return (pieces, _) => pieces.SelectMany(p => TextPieces.Split(p, regex, SplitBehavior.Removed, true));
            }
            case "WhitespaceSplit":
            {
                var regex = new Regex(@"\s+", RegexOptions.CultureInvariant);
                return (pieces, _) => pieces.SelectMany(p => TextPieces.Split(p, regex, SplitBehavior.Removed, false));
            }
            default:
                throw new FormatException($"{where}: pre-tokenizer type '{type}' is not supported (Sequence, Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit).");
        }
    }
}
