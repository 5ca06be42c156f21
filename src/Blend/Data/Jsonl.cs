using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// Reads and writes JSON Lines files; every error names the file, the line number and the field. Nothing is silently changed:
/// invalid UTF-8, a duplicate key, an unpaired surrogate (raw or as a <c>\uD800</c> escape) and a file without any object are
/// errors on read, and a string that UTF-8 cannot hold exactly (an unpaired surrogate) is refused on write.
/// </summary>
public static class Jsonl
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Reads every non-blank line of <paramref name="path"/> as a JSON object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file has no object, is not UTF-8, or a line is not a JSON object without duplicate keys
    /// and unpaired surrogates; the message names the file, line and (where known) field.</exception>
    public static IReadOnlyList<JsonLine> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL file '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        var result = new List<JsonLine>();
        int number = 0, start = 0;
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) start = 3;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            number++;
            string line;
            try { line = StrictUtf8.GetString(bytes, start, end - start); }
            catch (DecoderFallbackException e)
            {
                throw new FormatException($"{path}:{number}: not valid UTF-8 (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} at column {e.Index + 1}).", e);
            }
            start = end + 1;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (LoneSurrogateEscape(line) is int column)
                throw new FormatException($"{path}:{number}: an unpaired surrogate escape at column {column + 1} (\"{line.Substring(column, 6)}\"{Field(line, column)}); such a string has no exact UTF-8 form.");
            JsonNode? node;
            try { node = JsonNode.Parse(line, documentOptions: ParseOptions); }
            catch (JsonException e) { throw new FormatException($"{path}:{number}: not valid JSON ({e.Message})", e); }
            if (node is not JsonObject obj) throw new FormatException($"{path}:{number}: expected a JSON object, found {node?.GetValueKind().ToString() ?? "null"}");
            result.Add(new JsonLine(path, number, obj));
        }
        if (result.Count == 0) throw new FormatException($"{path}: the file has no JSON object ({(bytes.Length == 0 ? "it is empty" : "only blank lines")}).");
        return result;
    }

    /// <summary>Writes objects as JSON Lines, atomically; the file reads back to equal objects.</summary>
    /// <exception cref="ArgumentException">A string or key holds an unpaired surrogate (UTF-8 cannot store it); the message names the line and field.</exception>
    public static void Write(string path, IEnumerable<JsonObject> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var options = new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var text = new StringBuilder();
        int number = 0;
        foreach (var line in lines)
        {
            number++;
            ArgumentNullException.ThrowIfNull(line);
            if (Unpaired(line, "") is string field)
                throw new ArgumentException($"Jsonl.Write: line {number}, field '{field}' holds an unpaired surrogate; UTF-8 cannot store it exactly, so it is refused rather than replaced.");
            text.Append(line.ToJsonString(options)).Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>The first field path (<c>a.b[2]</c>) whose key or string value has an unpaired surrogate, or null.</summary>
    static string? Unpaired(JsonNode? node, string at)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    var here = at.Length == 0 ? k : at + "." + k;
                    if (HasLoneSurrogate(k)) return here;
                    if (Unpaired(v, here) is string f) return f;
                }
                return null;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) if (Unpaired(a[i], $"{at}[{i}]") is string f) return f;
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return HasLoneSurrogate(v.GetValue<string>()) ? at : null;
            default:
                return null;
        }
    }

    static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }

    /// <summary>The column of the first <c>\uD8xx</c>–<c>\uDFxx</c> escape that is not part of a high-low pair, or null.</summary>
    static int? LoneSurrogateEscape(string line)
    {
        for (int i = 0; i + 5 < line.Length; i++)
        {
            if (line[i] != '\\') continue;
            if (line[i + 1] != 'u') { i++; continue; } // another escape (\\, \", \n…): skip its second character
            if (!ushort.TryParse(line.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var c)) { i += 5; continue; }
            if (char.IsHighSurrogate((char)c))
            {
                if (i + 11 < line.Length + 0 && line[i + 6] == '\\' && line[i + 7] == 'u'
                    && ushort.TryParse(line.AsSpan(i + 8, 4), System.Globalization.NumberStyles.HexNumber, null, out var low) && char.IsLowSurrogate((char)low))
                { i += 11; continue; }
                return i;
            }
            if (char.IsLowSurrogate((char)c)) return i;
            i += 5;
        }
        return null;
    }

    /// <summary>", field 'name'" for the key whose value holds <paramref name="column"/>, best effort.</summary>
    static string Field(string line, int column)
    {
        var m = System.Text.RegularExpressions.Regex.Matches(line[..column], "\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:");
        return m.Count == 0 ? "" : $", field '{m[^1].Groups[1].Value}'";
    }
}

/// <summary>One object of a JSONL file, with typed field access whose errors name the file, line and field.</summary>
/// <param name="File">The file path.</param>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Object">The parsed object.</param>
public sealed record JsonLine(string File, int Line, JsonObject Object)
{
    /// <summary>A required string field.</summary>
    /// <exception cref="FormatException">The field is missing or not a string.</exception>
    public string String(string field) =>
        OptionalString(field) ?? throw Error(field, "is missing");

    /// <summary>An optional string field (null when absent or JSON null).</summary>
    /// <exception cref="FormatException">The field is present but not a string.</exception>
    public string? OptionalString(string field)
    {
        var node = Object[field];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out string? s)) return s;
        throw Error(field, $"must be a string, found {node.GetValueKind()}");
    }

    /// <summary>A required number field.</summary>
    /// <exception cref="FormatException">The field is missing or not a number.</exception>
    public double Number(string field)
    {
        var node = Object[field] ?? throw Error(field, "is missing");
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
        throw Error(field, $"must be a number, found {node.GetValueKind()}");
    }

    /// <summary>An optional object field (null when absent).</summary>
    /// <exception cref="FormatException">The field is present but not an object.</exception>
    public JsonObject? OptionalObject(string field)
    {
        var node = Object[field];
        if (node is null) return null;
        return node as JsonObject ?? throw Error(field, $"must be an object, found {node.GetValueKind()}");
    }

    /// <summary>An error that names the file, line and field.</summary>
    public FormatException Error(string field, string problem) => new($"{File}:{Line}: field '{field}' {problem}");
}
