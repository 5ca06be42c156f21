using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Blend;

/// <summary>
/// One value of a mergekit <c>parameters:</c> map, as mergekit evaluates it for a tensor at layer position t ∈ [0, 1]:
/// a scalar (number, bool or text) is itself; a list of numbers is a gradient, interpolated linearly at s = t·(n − 1)
/// between entries ⌊s⌋ and ⌊s⌋ + 1; a list of other scalars picks entry ⌊t·(n − 1)⌋; a list of <c>{filter, value}</c>
/// maps picks the first whose filter is absent, <c>*</c>, or a substring of the tensor's name (no match: no value here).
/// t is i / (L − 1) for layer i of a slice of L layers (1 when L = 1) and 0 for tensors outside the layers.
/// </summary>
internal sealed record MergeSetting(string Key, int Line, object? Scalar, IReadOnlyList<double>? Gradient, IReadOnlyList<object>? Picks, IReadOnlyList<(string? Filter, MergeSetting Value)>? Conditions)
{
    /// <summary>Parses a setting node; an unsupported shape is a <see cref="MergeConfigException"/> at its line.</summary>
    public static MergeSetting Parse(string file, string key, YamlNode node)
    {
        int line = (int)node.Start.Line;
        switch (node)
        {
            case YamlScalarNode s:
                return new MergeSetting(key, line, ScalarValue(s), null, null, null);
            case YamlSequenceNode seq when seq.Children.Count == 0:
                throw new MergeConfigException(file, line, key, "an empty list is not a value");
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode):
                var values = seq.Children.Cast<YamlScalarNode>().Select(ScalarValue).ToList();
                if (values.All(v => v is double)) return new MergeSetting(key, line, null, values.Cast<double>().ToList(), null, null);
                return new MergeSetting(key, line, null, null, values!, null);
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlMappingNode):
                var conditions = new List<(string?, MergeSetting)>();
                for (int i = 0; i < seq.Children.Count; i++)
                {
                    var m = (YamlMappingNode)seq.Children[i];
                    string? filter = null;
                    MergeSetting? value = null;
                    foreach (var (k, v) in m.Children)
                    {
                        var name = ((YamlScalarNode)k).Value;
                        if (name == "filter") filter = v is YamlScalarNode fs ? fs.Value : throw new MergeConfigException(file, (int)v.Start.Line, $"{key}[{i}].filter", "a filter is a text to find in tensor names");
                        else if (name == "value") value = Parse(file, $"{key}[{i}].value", v);
                        else throw new MergeConfigException(file, (int)k.Start.Line, $"{key}[{i}].{name}", "unsupported key in a conditional parameter (known: filter, value)");
                    }
                    conditions.Add((filter, value ?? throw new MergeConfigException(file, (int)m.Start.Line, $"{key}[{i}]", "a conditional parameter needs a 'value'")));
                }
                return new MergeSetting(key, line, null, null, null, conditions);
            default:
                throw new MergeConfigException(file, line, key, "expected a number, true/false, a list of numbers (a gradient over layers) or a list of {filter, value}");
        }
    }

    /// <summary>The value for <paramref name="tensor"/> at layer position <paramref name="t"/>, with the setting that gave it (null: no filter matched).</summary>
    public (object Value, MergeSetting From)? Evaluate(string tensor, double t)
    {
        if (Scalar is not null) return (Scalar, this);
        if (Gradient is { } g)
        {
            double s = t * (g.Count - 1);
            int i0 = (int)Math.Floor(s);
            int i1 = Math.Min(g.Count - 1, i0 + 1);
            double frac = s - i0;
            return ((1 - frac) * g[i0] + frac * g[i1], this);
        }
        if (Picks is { } p) return (p[(int)Math.Floor(t * (p.Count - 1))], this);
        foreach (var (filter, value) in Conditions!)
            if (filter is null || filter == "*" || tensor.Contains(filter, StringComparison.Ordinal))
                return value.Evaluate(tensor, t);
        return null;
    }

    static object ScalarValue(YamlScalarNode s)
    {
        var text = s.Value ?? "";
        if (s.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            if (text is "true" or "True") return true;
            if (text is "false" or "False") return false;
        }
        return text;
    }
}
