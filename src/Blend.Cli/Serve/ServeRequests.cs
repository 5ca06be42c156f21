using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;

namespace Blend.Cli.Serve;

/// <summary>A request the server refuses: 400 (or 413 for a body over the cap) with this message.</summary>
internal sealed class BadRequestException(string message, int status = 400) : Exception(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Strict parsing of request bodies: a JSON object, only the known fields (an unknown one gets a did-you-mean), lists of
/// the right element type and equal lengths. Every message names the field and, for list items, the index.
/// </summary>
internal static class ServeRequests
{
    static readonly string[] RewardFields = ["query", "prompts", "labels"];
    static readonly string[] ScoreFields = ["samples"];
    static readonly string[] SampleFields = ["task", "prompt", "response", "reference", "metadata"];

    /// <summary>OpenRLHF's <c>/get_reward</c> body: <c>query</c> (prompt + response as decoded), optional <c>prompts</c> and <c>labels</c>.</summary>
    public static (IReadOnlyList<string> Queries, IReadOnlyList<string>? Prompts, IReadOnlyList<string?>? Labels) ParseReward(byte[] body)
    {
        var root = Object(body, RewardFields);
        var queries = Strings(root, "query", required: true, allowNull: false)!;
        var prompts = Strings(root, "prompts", required: false, allowNull: false);
        var labels = Strings(root, "labels", required: false, allowNull: true);
        if (prompts is not null && prompts.Count != queries.Count) throw new BadRequestException($"'prompts' has {prompts.Count} items but 'query' has {queries.Count}; they must have the same length");
        if (labels is not null && labels.Count != queries.Count) throw new BadRequestException($"'labels' has {labels.Count} items but 'query' has {queries.Count}; they must have the same length");
        return (queries!, prompts!, labels);
    }

    /// <summary>The plain endpoint's body: <c>{"samples": [{"task", "prompt", "response", "reference", "metadata"}]}</c>.</summary>
    public static IReadOnlyList<(string? Task, string Prompt, string Response, string? Reference, JsonObject? Metadata)> ParseScore(byte[] body)
    {
        var root = Object(body, ScoreFields);
        if (root["samples"] is not JsonArray samples) throw new BadRequestException(root.ContainsKey("samples") ? "'samples' must be a list of objects" : "missing field 'samples' (a list of {task, prompt, response, reference?, metadata?})");
        var result = new List<(string?, string, string, string?, JsonObject?)>();
        for (int i = 0; i < samples.Count; i++)
        {
            var at = $"samples[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (samples[i] is not JsonObject s) throw new BadRequestException($"'{at}' must be an object");
            Known(s, SampleFields, at);
            result.Add((Text(s, "task", at, false), Text(s, "prompt", at, true)!, Text(s, "response", at, true)!, Text(s, "reference", at, false),
                s["metadata"] switch { null => null, JsonObject m => m, _ => throw new BadRequestException($"'{at}.metadata' must be an object") }));
        }
        return result;
    }

    static JsonObject Object(byte[] body, string[] fields)
    {
        if (body.Length == 0) throw new BadRequestException("empty body; send a JSON object");
        JsonNode? node;
        try { node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }); }
        catch (JsonException e) { throw new BadRequestException($"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {Trim(e.Message)}"); }
        if (node is not JsonObject root) throw new BadRequestException($"the body must be a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
        try { Known(root, fields, null); }
        catch (ArgumentException e) // duplicate keys surface here
        {
            var key = System.Text.RegularExpressions.Regex.Match(e.Message, @"Key: (.*?)(?: \(Parameter|$)").Groups[1].Value;
            throw new BadRequestException($"malformed JSON: duplicate field '{key}'");
        }
        return root;
    }

    static void Known(JsonObject obj, string[] fields, string? at)
    {
        foreach (var (key, _) in obj)
            if (!fields.Contains(key))
                throw new BadRequestException($"unknown field '{(at is null ? "" : at + ".")}{key}'{DidYouMean.Hint(key, fields)} (known: {string.Join(", ", fields)})");
    }

    static List<string?>? Strings(JsonObject root, string field, bool required, bool allowNull)
    {
        var node = root[field];
        if (node is null)
        {
            if (required && !root.ContainsKey(field)) throw new BadRequestException($"missing field '{field}' (a list of strings)");
            if (required || root.ContainsKey(field) && !allowNull) throw new BadRequestException($"'{field}' must be a list of strings, found null");
            return null;
        }
        if (node is not JsonArray list) throw new BadRequestException($"'{field}' must be a list of strings, found {node.GetValueKind().ToString().ToLowerInvariant()}");
        var result = new List<string?>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null && allowNull) { result.Add(null); continue; }
            if (list[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String) { result.Add(v.GetValue<string>()); continue; }
            if (allowNull && list[i] is JsonValue n && n.GetValueKind() == JsonValueKind.Number) { result.Add(n.ToJsonString()); continue; }
            throw new BadRequestException($"'{field}[{i}]' must be a string{(allowNull ? " (or a number or null)" : "")}, found {list[i]?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
        }
        return result;
    }

    static string? Text(JsonObject s, string field, string at, bool required)
    {
        var node = s[field];
        if (node is null)
        {
            if (required) throw new BadRequestException($"'{at}.{field}' is missing (a string)");
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw new BadRequestException($"'{at}.{field}' must be a string, found {node.GetValueKind().ToString().ToLowerInvariant()}");
    }

    static string Trim(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
