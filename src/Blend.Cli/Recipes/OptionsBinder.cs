using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace Blend.Cli.Recipes;

/// <summary>
/// Maps a library options record (<see cref="CrpgOptions"/>, <see cref="SftOptions"/>, …) to recipe fields: each settable
/// number, boolean or enum property (nullable ones too: absent means the library's own default) becomes a snake_case field
/// (<c>KlMax</c> → <c>kl_max</c>; enum values too, <c>DrGrpo</c> → <c>dr_grpo</c>) described by the property's XML doc, so a
/// new option in the library is a new recipe field without touching the CLI.
/// </summary>
internal static class OptionsBinder
{
    static readonly Lazy<Dictionary<string, string>> Docs = new(LoadDocs);

    /// <summary>The recipe name of a property.</summary>
    public static string FieldName(string property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property);

    /// <summary>Fields for the settable int/double/bool properties of <paramref name="type"/> (all, or only <paramref name="only"/>; never <paramref name="except"/>).</summary>
    public static IEnumerable<Field> Fields(Type type, IReadOnlyCollection<string>? only = null, IReadOnlyCollection<string>? except = null)
    {
        var defaults = Activator.CreateInstance(type);
        foreach (var p in Properties(type, only, except))
        {
            var t = Underlying(p);
            var kind = t.IsEnum ? FieldType.String : t == typeof(bool) ? FieldType.Boolean : t == typeof(int) ? FieldType.Integer : FieldType.Number;
            var value = p.GetValue(defaults);
            var doc = Docs.Value.GetValueOrDefault($"P:{p.DeclaringType!.FullName}.{p.Name}") ?? $"{type.Name}.{p.Name}.";
            yield return new Field(FieldName(p.Name), kind, doc)
            {
                Default = value switch { bool b => b, int i => i, double d => d, Enum e => FieldName(e.ToString()), _ => null },
                Choices = t.IsEnum ? [.. Enum.GetNames(t).Select(FieldName)] : null,
            };
        }
    }

    /// <summary>A new <typeparamref name="T"/> with the fields present in <paramref name="values"/> set.</summary>
    public static T Bind<T>(RecipeValues values, IReadOnlyCollection<string>? only = null, IReadOnlyCollection<string>? except = null) where T : class =>
        (T)Bind(typeof(T), values, only, except);

    /// <summary>A new <paramref name="type"/> with the fields present in <paramref name="values"/> set.</summary>
    public static object Bind(Type type, RecipeValues values, IReadOnlyCollection<string>? only = null, IReadOnlyCollection<string>? except = null)
    {
        var result = Activator.CreateInstance(type)!;
        foreach (var p in Properties(type, only, except))
        {
            var name = FieldName(p.Name);
            if (!values.Has(name)) continue;
            var t = Underlying(p);
            // Each branch boxed on its own: a plain ?: would widen int? to double?.
            object? value = t.IsEnum ? Enum.GetNames(t).Where(n => FieldName(n) == values.String(name)).Select(n => Enum.Parse(t, n)).FirstOrDefault()
                : t == typeof(bool) ? values.Bool(name) : t == typeof(int) ? (object?)values.Int(name) : values.Number(name);
            p.SetValue(result, value);
        }
        return result;
    }

    /// <summary>A library message about <paramref name="type"/> with its property names written as recipe fields (<c>KlMax</c> → <c>kl_max</c>).</summary>
    public static string Translate(Type type, string message)
    {
        foreach (var p in Properties(type, null, null))
            message = System.Text.RegularExpressions.Regex.Replace(message, $@"\b{p.Name}\b", FieldName(p.Name));
        return message;
    }

    /// <summary>The property's type without <see cref="Nullable{T}"/>.</summary>
    static Type Underlying(PropertyInfo p) => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;

    static IEnumerable<PropertyInfo> Properties(Type type, IReadOnlyCollection<string>? only, IReadOnlyCollection<string>? except) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && Underlying(p) is var t && (t == typeof(int) || t == typeof(double) || t == typeof(bool) || t.IsEnum))
            .Where(p => (only is null || only.Contains(p.Name)) && (except is null || !except.Contains(p.Name)))
            .OrderBy(p => p.MetadataToken);

    static Dictionary<string, string> LoadDocs()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.ChangeExtension(typeof(Judge).Assembly.Location, ".xml");
        if (!File.Exists(path)) return docs;
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is null || summary is null) continue;
            var text = string.Concat(summary.Nodes().Select(n => n is XElement e ? (string?)e.Attribute("cref")?.Value.Split('.').Last() ?? e.Value : n.ToString()));
            docs[name] = System.Text.RegularExpressions.Regex.Replace(System.Net.WebUtility.HtmlDecode(text), @"\s+", " ").Trim();
        }
        return docs;
    }
}
