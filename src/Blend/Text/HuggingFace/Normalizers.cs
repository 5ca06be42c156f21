using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>The <c>normalizer</c> of a <c>tokenizer.json</c>: a text-to-text function applied to each segment between added tokens.</summary>
internal static class Normalizers
{
    /// <summary>The normalizer described by <paramref name="node"/> (null: identity).</summary>
    public static Func<string, string> From(JsonNode? node, string where)
    {
        if (node is null) return static s => s;
        if (node is not JsonObject obj) throw new FormatException($"{where}: expected an object or null.");
        var type = JsonFields.Type(obj, where);
        switch (type)
        {
            case "NFC": return static s => s.Normalize(NormalizationForm.FormC);
            case "NFD": return static s => s.Normalize(NormalizationForm.FormD);
            case "NFKC": return static s => s.Normalize(NormalizationForm.FormKC);
            case "NFKD": return static s => s.Normalize(NormalizationForm.FormKD);
            case "Lowercase": return static s => s.ToLowerInvariant();
            case "StripAccents":
                return static s =>
                {
                    var sb = new StringBuilder(s.Length);
                    foreach (var c in s) if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
                    return sb.ToString();
                };
            case "Prepend":
            {
                var prefix = JsonFields.String(obj, "prepend", where);
                return s => s.Length == 0 ? s : prefix + s;
            }
            case "Replace":
            {
                var regex = JsonFields.Pattern(obj["pattern"], where + ".pattern");
                var content = JsonFields.String(obj, "content", where);
                return s => regex.Replace(s, content.Replace("$", "$$"));
            }
            case "Strip":
            {
                bool left = JsonFields.Bool(obj, "strip_left", true), right = JsonFields.Bool(obj, "strip_right", true);
                return s => left && right ? s.Trim() : left ? s.TrimStart() : right ? s.TrimEnd() : s;
            }
            case "Sequence":
            {
                var parts = JsonFields.Objects(JsonFields.Array(obj, "normalizers", where), where + ".normalizers")
                    .Select((n, i) => From(n, $"{where}.normalizers[{i}]")).ToArray();
                return s => { foreach (var p in parts) s = p(s); return s; };
            }
            default:
                throw new FormatException($"{where}: normalizer type '{type}' is not supported (NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Prepend, Replace, Strip, Sequence).");
        }
    }
}
