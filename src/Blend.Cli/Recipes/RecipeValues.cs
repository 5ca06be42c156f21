using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Cli.Recipes;

/// <summary>Typed reads of a recipe object that has already passed <see cref="RecipeReader"/>'s checks (absent fields give null).</summary>
/// <param name="Object">The JSON object.</param>
/// <param name="Path">Its JSON path (<c>$.tasks[0].judges[1]</c>), for messages.</param>
internal sealed record RecipeValues(JsonObject Object, string Path)
{
    /// <summary>A string field, or null.</summary>
    public string? String(string name) => Object[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>An integer field, or null.</summary>
    public int? Int(string name) => Object[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (int)v.GetValue<double>() : null;

    /// <summary>A number field, or null.</summary>
    public double? Number(string name) => Object[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    /// <summary>A boolean field, or null.</summary>
    public bool? Bool(string name) => Object[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>A string-list field, or null.</summary>
    public IReadOnlyList<string>? Strings(string name) => Object[name] is JsonArray a ? [.. a.Select(x => x!.GetValue<string>())] : null;

    /// <summary>A nested object, or null.</summary>
    public RecipeValues? Child(string name) => Object[name] is JsonObject o ? new(o, $"{Path}.{name}") : null;

    /// <summary>The items of an object list (empty when absent).</summary>
    public IReadOnlyList<RecipeValues> Children(string name) =>
        Object[name] is JsonArray a ? [.. a.Select((x, i) => new RecipeValues(x as JsonObject ?? [], $"{Path}.{name}[{i.ToString(CultureInfo.InvariantCulture)}]"))] : [];

    /// <summary>True when the field is present.</summary>
    public bool Has(string name) => Object.ContainsKey(name);
}
