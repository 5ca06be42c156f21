using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>Reading fields of <c>tokenizer.json</c> with errors that name the file and the JSON path.</summary>
internal static class JsonFields
{
    public static string Type(JsonObject obj, string where) =>
        obj["type"]?.GetValue<string>() ?? throw new FormatException($"{where}: field 'type' is missing.");

    public static string String(JsonObject obj, string name, string where) =>
        obj[name]?.GetValue<string>() ?? throw new FormatException($"{where}: field '{name}' is missing.");

    public static bool Bool(JsonObject obj, string name, bool fallback) =>
        obj[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    public static JsonArray Array(JsonObject obj, string name, string where) =>
        obj[name] as JsonArray ?? throw new FormatException($"{where}: field '{name}' is missing or not an array.");

    /// <summary>A <c>{"String": "…"}</c> or <c>{"Regex": "…"}</c> pattern as a regex.</summary>
    public static Regex Pattern(JsonNode? node, string where)
    {
        if (node is JsonObject p)
        {
            if (p["String"]?.GetValue<string>() is string s) return new Regex(Regex.Escape(s), RegexOptions.CultureInvariant);
            if (p["Regex"]?.GetValue<string>() is string r)
            {
                try { return new Regex(r, RegexOptions.CultureInvariant); }
                catch (ArgumentException e) { throw new FormatException($"{where}: pattern '{r}' is not a regex .NET accepts ({e.Message}).", e); }
            }
        }
        throw new FormatException($"{where}: field 'pattern' must be {{\"String\": …}} or {{\"Regex\": …}}.");
    }

    public static IEnumerable<JsonObject> Objects(JsonArray array, string where)
    {
        int i = 0;
        foreach (var n in array)
        {
            yield return n as JsonObject ?? throw new FormatException($"{where}[{i}]: expected an object.");
            i++;
        }
    }
}
