using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>
/// The <c>decoder</c> of a <c>tokenizer.json</c>: turns the token strings of a sequence back into text. Each step maps the
/// list of strings to a new list; the result is their concatenation.
/// </summary>
internal static class Decoders
{
    /// <summary>The decoder described by <paramref name="node"/>; <paramref name="isAdded"/> tells added tokens, which byte-level decoding passes through.</summary>
    public static Func<List<string>, List<string>> From(JsonNode? node, Func<string, bool> isAdded, string where)
    {
        if (node is null) return static t => t;
        if (node is not JsonObject obj) throw new FormatException($"{where}: expected an object or null.");
        var type = JsonFields.Type(obj, where);
        switch (type)
        {
            case "Sequence":
            {
                var steps = JsonFields.Objects(JsonFields.Array(obj, "decoders", where), where + ".decoders")
                    .Select((n, i) => From(n, isAdded, $"{where}.decoders[{i}]")).ToArray();
                return t => { foreach (var s in steps) t = s(t); return t; };
            }
            case "ByteLevel":
                return tokens =>
                {
                    var result = new List<string>();
                    var bytes = new List<byte>();
                    foreach (var tok in tokens)
                    {
                        if (isAdded(tok)) { Flush(); result.Add(tok); continue; }
                        foreach (var c in tok)
                        {
                            if (ByteLevelAlphabet.Decode(c) is byte b) bytes.Add(b);
                            else { Flush(); result.Add(c.ToString()); }
                        }
                    }
                    Flush();
                    return result;

                    void Flush()
                    {
                        if (bytes.Count == 0) return;
                        result.Add(Encoding.UTF8.GetString(bytes.ToArray()));
                        bytes.Clear();
                    }
                };
            case "Replace":
            {
                var regex = JsonFields.Pattern(obj["pattern"], where + ".pattern");
                var content = JsonFields.String(obj, "content", where).Replace("$", "$$");
                return t => t.Select(s => regex.Replace(s, content)).ToList();
            }
            case "ByteFallback":
                return tokens =>
                {
                    var result = new List<string>();
                    var bytes = new List<byte>();
                    foreach (var tok in tokens)
                    {
                        if (tok.Length == 6 && tok.StartsWith("<0x", StringComparison.Ordinal) && tok[5] == '>' &&
                            byte.TryParse(tok.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                        { bytes.Add(b); continue; }
                        Flush();
                        result.Add(tok);
                    }
                    Flush();
                    return result;

                    void Flush()
                    {
                        if (bytes.Count == 0) return;
                        // As the Rust crate: invalid UTF-8 becomes one U+FFFD per byte.
                        try { result.Add(new UTF8Encoding(false, true).GetString(bytes.ToArray())); }
                        catch (DecoderFallbackException) { result.Add(new string('\uFFFD', bytes.Count)); }
                        bytes.Clear();
                    }
                };
            case "Fuse":
                return static t => [string.Concat(t)];
            case "Strip":
            {
                var content = JsonFields.String(obj, "content", where);
                if (content.Length != 1) throw new FormatException($"{where}: Strip content must be one character.");
                int start = obj["start"]?.GetValue<int>() ?? 0, stop = obj["stop"]?.GetValue<int>() ?? 0;
                char c = content[0];
                return t => t.Select(s =>
                {
                    int a = 0, b = s.Length;
                    while (a < start && a < b && s[a] == c) a++;
                    for (int i = 0; i < stop && b > a && s[b - 1] == c; i++) b--;
                    return s[a..b];
                }).ToList();
            }
            case "Metaspace":
            {
                var replacement = JsonFields.String(obj, "replacement", where);
                var scheme = obj["prepend_scheme"]?.GetValue<string>() ?? (JsonFields.Bool(obj, "add_prefix_space", true) ? "always" : "never");
                return t => t.Select((s, i) =>
                {
                    s = s.Replace(replacement, " ");
                    return i == 0 && scheme != "never" && s.StartsWith(' ') ? s[1..] : s;
                }).ToList();
            }
            default:
                throw new FormatException($"{where}: decoder type '{type}' is not supported (Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace).");
        }
    }
}
