using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Cli.Recipes;

/// <summary>Writes <see cref="RecipeFormat"/> as a JSON Schema (draft 2020-12); <c>recipes/recipe.schema.json</c> is its output.</summary>
internal static class RecipeSchema
{
    /// <summary>The schema as indented JSON text (ends with a newline).</summary>
    public static string Text() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>The schema.</summary>
    public static JsonObject Build()
    {
        var schema = Object(RecipeFormat.Root, null);
        var head = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://github.com/blend-kit/blend/recipes/recipe.schema.json",
            ["title"] = "Blend recipe",
            ["description"] = "A Blend run: model, tasks (prompts, judges, rewards, optimizer), budgets and serving. Written by `blend recipe schema`; checked by `blend recipe validate`.",
        };
        foreach (var (k, v) in schema) head[k] = v?.DeepClone();
        return head;
    }

    static JsonObject Object(Shape shape, IReadOnlyList<Field>? extra)
    {
        var fields = extra is null ? shape.Fields : [.. extra, .. shape.Fields];
        var o = new JsonObject { ["type"] = "object" };
        if (fields.Count == 0) return o;
        var properties = new JsonObject();
        foreach (var f in fields) properties[f.Name] = Value(f);
        o["properties"] = properties;
        var required = fields.Where(f => f.Required).Select(f => (JsonNode)f.Name).ToArray();
        if (required.Length > 0) o["required"] = new JsonArray(required);
        o["additionalProperties"] = false;
        if (shape.OneOf is { } group)
        {
            var choices = group.Select(g => (JsonNode)new JsonObject { ["required"] = new JsonArray(g) }).ToArray();
            o[shape.ExactlyOne ? "oneOf" : "not"] = shape.ExactlyOne ? new JsonArray(choices) : new JsonObject { ["anyOf"] = new JsonArray(PairsOf(group)) };
        }
        return o;
    }

    static JsonNode[] PairsOf(IReadOnlyList<string> names) =>
        [.. names.SelectMany(a => names.Where(b => string.CompareOrdinal(a, b) < 0).Select(b => (JsonNode)new JsonObject { ["required"] = new JsonArray(a, b) }))];

    static JsonObject Value(Field f)
    {
        var v = f.Type switch
        {
            FieldType.String or FieldType.File or FieldType.Folder or FieldType.OutputFolder => new JsonObject { ["type"] = "string" },
            FieldType.Integer => new JsonObject { ["type"] = "integer" },
            FieldType.Number => new JsonObject { ["type"] = "number" },
            FieldType.Boolean => new JsonObject { ["type"] = "boolean" },
            FieldType.StringList or FieldType.FileList or FieldType.FolderList => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            FieldType.Object => Object(f.Shape!, null),
            FieldType.ObjectList => new JsonObject { ["type"] = "array", ["items"] = Object(f.Shape!, null) },
            FieldType.Union => Union(f.Union!),
            FieldType.UnionList => new JsonObject { ["type"] = "array", ["items"] = Union(f.Union!) },
            _ => throw new InvalidOperationException(f.Type.ToString()),
        };
        var described = new JsonObject { ["description"] = f.Description };
        foreach (var (k, x) in v) described[k] = x?.DeepClone();
        if (f.Default is not null) described["default"] = f.Default.DeepClone();
        if (f.Choices is { } c) described["enum"] = new JsonArray([.. c.Select(x => (JsonNode)x)]);
        if (f.Min is double min)
        {
            if (f.Type is FieldType.ObjectList or FieldType.FolderList) described["minItems"] = (int)min;
            else described[f.MinExclusive ? "exclusiveMinimum" : "minimum"] = min;
        }
        if (f.Max is double max) described["maximum"] = max;
        return described;
    }

    static JsonObject Union(UnionShape union) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("type"),
        ["oneOf"] = new JsonArray([.. union.Variants.Select(variant =>
        {
            var o = Object(new Shape(variant.Type, variant.Fields), [new Field("type", FieldType.String, variant.Description)]);
            o["title"] = $"{union.Title}: {variant.Type}";
            o["properties"]!["type"]!["const"] = variant.Type;
            o["required"] = new JsonArray([.. new[] { "type" }.Concat(variant.Fields.Where(f => f.Required).Select(f => f.Name)).Select(n => (JsonNode)n)]);
            return (JsonNode)o;
        })]),
    };
}
