using System.Globalization;

namespace Blend.Jinja;

/// <summary>The filters, tests and methods (of strings, lists and dicts) that chat templates use.</summary>
internal static class JinjaFilters
{
    public static object? Apply(string name, object? v, IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> kw, Func<string, Exception> error)
    {
        object? Arg(int i, string key, object? dflt = null) => i < a.Count ? a[i] : kw.TryGetValue(key, out var x) ? x : dflt;
        switch (name)
        {
            case "trim": return Str(v, error).Trim();
            case "length" or "count":
                return v switch
                {
                    string s => (long)CodePoints(s),
                    IList<object?> l => (long)l.Count,
                    IDictionary<string, object?> dc => (long)dc.Count,
                    Undefined => 0L,
                    _ => throw error($"{JinjaValues.TypeName(v)} has no length"),
                };
            case "upper": return Str(v, error).ToUpperInvariant();
            case "lower": return Str(v, error).ToLowerInvariant();
            case "capitalize": { var s = Str(v, error); return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(); }
            case "title": return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Str(v, error).ToLowerInvariant());
            case "string": return JinjaValues.Str(v);
            case "safe": return v;
            case "int":
                return v switch
                {
                    long l => l,
                    double dv => (long)Math.Truncate(dv),
                    bool b => b ? 1L : 0L,
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) => (long)Math.Truncate(pd),
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return v switch
                {
                    long l => (double)l,
                    double dv => dv,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) => pd,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs": return v switch { long l => (object)Math.Abs(l), double dv => Math.Abs(dv), _ => throw error($"abs of {JinjaValues.TypeName(v)}") };
            case "round":
            {
                int digits = (int)JinjaValues.ToDouble(Arg(0, "precision", 0L));
                return Math.Round(JinjaValues.ToDouble(v), digits, MidpointRounding.ToEven);
            }
            case "default" or "d":
            {
                bool boolean = JinjaValues.Truthy(Arg(1, "boolean", false));
                return v is Undefined || (boolean && !JinjaValues.Truthy(v)) ? Arg(0, "default_value", "") : v;
            }
            case "tojson":
            {
                var indent = Arg(0, "indent");
                return JinjaValues.ToJson(v, indent is null or Undefined ? null : (int)JinjaValues.ToDouble(indent), JinjaValues.Truthy(Arg(1, "sort_keys", false)));
            }
            case "first": return List(v, error).FirstOrDefault(Undefined.Value);
            case "last": return List(v, error).LastOrDefault(Undefined.Value);
            case "list": return List(v, error);
            case "reverse": return v is string rs ? new string(rs.Reverse().ToArray()) : Enumerable.Reverse(List(v, error)).ToList();
            case "unique":
            {
                var result = new List<object?>();
                foreach (var x in List(v, error)) if (!result.Any(r => JinjaValues.Equals(r, x))) result.Add(x);
                return result;
            }
            case "join":
            {
                var sep = JinjaValues.Str(Arg(0, "d", ""));
                var attr = Arg(1, "attribute");
                return string.Join(sep, List(v, error).Select(x => JinjaValues.Str(attr is string at ? Get(x, at) : x)));
            }
            case "replace":
            {
                var s = Str(v, error);
                var old = JinjaValues.Str(Arg(0, "old"));
                var rep = JinjaValues.Str(Arg(1, "new"));
                return old.Length == 0 ? s : s.Replace(old, rep, StringComparison.Ordinal);
            }
            case "items":
                return v is IDictionary<string, object?> di ? di.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList() : throw error("items needs a dict");
            case "dictsort":
                return v is IDictionary<string, object?> ds
                    ? ds.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()
                    : throw error("dictsort needs a dict");
            case "selectattr" or "rejectattr":
            {
                var attr = JinjaValues.Str(Arg(0, "attr"));
                bool select = name == "selectattr";
                var testName = a.Count > 1 ? JinjaValues.Str(a[1]) : null;
                var testArgs = a.Skip(2).ToList();
                return List(v, error).Where(x =>
                {
                    var val = Get(x, attr);
                    bool r = testName is null ? JinjaValues.Truthy(val) : Test(testName, val, testArgs, error);
                    return r == select;
                }).ToList();
            }
            case "select" or "reject":
            {
                bool select = name == "select";
                var testName = a.Count > 0 ? JinjaValues.Str(a[0]) : null;
                var testArgs = a.Skip(1).ToList();
                return List(v, error).Where(x => (testName is null ? JinjaValues.Truthy(x) : Test(testName, x, testArgs, error)) == select).ToList();
            }
            case "map":
            {
                if (kw.TryGetValue("attribute", out var at)) return List(v, error).Select(x => Get(x, JinjaValues.Str(at))).ToList();
                var filter = JinjaValues.Str(Arg(0, "filter"));
                return List(v, error).Select(x => Apply(filter, x, a.Skip(1).ToList(), new Dictionary<string, object?>(), error)).ToList();
            }
            case "sort":
            {
                var list = List(v, error).ToList();
                bool reverse = JinjaValues.Truthy(Arg(0, "reverse", false));
                var attr = Arg(2, "attribute") as string;
                list.Sort((x, y) => JinjaValues.Compare(attr is null ? x : Get(x, attr), attr is null ? y : Get(y, attr), error));
                if (reverse) list.Reverse();
                return list;
            }
            case "indent":
            {
                int width = (int)JinjaValues.ToDouble(Arg(0, "width", 4L));
                bool first = JinjaValues.Truthy(Arg(1, "first", false));
                var pad = new string(' ', width);
                var lines = Str(v, error).Split('\n');
                return string.Join("\n", lines.Select((l, i) => (i == 0 && !first) || l.Length == 0 ? l : pad + l));
            }
            default:
                throw error($"the filter '{name}' is not supported");
        }
    }

    public static bool Test(string name, object? v, IReadOnlyList<object?> a, Func<string, Exception> error) => name switch
    {
        "defined" => v is not Undefined,
        "undefined" => v is Undefined,
        "none" => v is null,
        "string" => v is string,
        "number" => v is long or double,
        "integer" => v is long,
        "float" => v is double,
        "boolean" => v is bool,
        "true" => v is true,
        "false" => v is false,
        "mapping" => v is IDictionary<string, object?>,
        "sequence" => v is IList<object?> or string,
        "iterable" => v is IList<object?> or string or IDictionary<string, object?>,
        "callable" => v is Callable,
        "odd" => v is long l && Math.Abs(l % 2) == 1,
        "even" => v is long e && e % 2 == 0,
        "divisibleby" => v is long n && a.Count > 0 && a[0] is long m && m != 0 && n % m == 0,
        "equalto" or "eq" or "==" => a.Count > 0 && JinjaValues.Equals(v, a[0]),
        "ne" or "!=" => a.Count > 0 && !JinjaValues.Equals(v, a[0]),
        "sameas" => a.Count > 0 && (ReferenceEquals(v, a[0]) || (v is bool or null && JinjaValues.Equals(v, a[0]))),
        "in" => a.Count > 0 && a[0] switch { IList<object?> l2 => l2.Any(x => JinjaValues.Equals(x, v)), string s => v is string sub && s.Contains(sub, StringComparison.Ordinal), IDictionary<string, object?> d => v is string k && d.ContainsKey(k), _ => false },
        "lower" => v is string lo && lo == lo.ToLowerInvariant(),
        "upper" => v is string up && up == up.ToUpperInvariant(),
        _ => throw error($"the test '{name}' is not supported"),
    };

    /// <summary>A bound method of a string, list or dict (<c>content.strip</c>, <c>messages.items</c>), or null.</summary>
    public static Callable? Method(object? target, string name)
    {
        switch (target)
        {
            case string s:
                return name switch
                {
                    "strip" => new(name, (a, _) => a.Count > 0 && a[0] is string cs ? s.Trim(cs.ToCharArray()) : s.Trim()),
                    "lstrip" => new(name, (a, _) => a.Count > 0 && a[0] is string cs ? s.TrimStart(cs.ToCharArray()) : s.TrimStart()),
                    "rstrip" => new(name, (a, _) => a.Count > 0 && a[0] is string cs ? s.TrimEnd(cs.ToCharArray()) : s.TrimEnd()),
                    "startswith" => new(name, (a, _) => a.Count > 0 && (a[0] is IList<object?> ps ? ps.Any(p => s.StartsWith(JinjaValues.Str(p), StringComparison.Ordinal)) : s.StartsWith(JinjaValues.Str(a[0]), StringComparison.Ordinal))),
                    "endswith" => new(name, (a, _) => a.Count > 0 && (a[0] is IList<object?> ps ? ps.Any(p => s.EndsWith(JinjaValues.Str(p), StringComparison.Ordinal)) : s.EndsWith(JinjaValues.Str(a[0]), StringComparison.Ordinal))),
                    "split" => new(name, (a, _) => Split(s, a)),
                    "upper" => new(name, (_, _) => s.ToUpperInvariant()),
                    "lower" => new(name, (_, _) => s.ToLowerInvariant()),
                    "title" => new(name, (_, _) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s.ToLowerInvariant())),
                    "capitalize" => new(name, (_, _) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()),
                    "replace" => new(name, (a, _) => a.Count >= 2 && JinjaValues.Str(a[0]).Length > 0 ? s.Replace(JinjaValues.Str(a[0]), JinjaValues.Str(a[1]), StringComparison.Ordinal) : s),
                    "find" => new(name, (a, _) => (long)s.IndexOf(JinjaValues.Str(a.Count > 0 ? a[0] : ""), StringComparison.Ordinal)),
                    "count" => new(name, (a, _) => { var sub = JinjaValues.Str(a.Count > 0 ? a[0] : ""); if (sub.Length == 0) return (long)s.Length + 1; long c = 0; for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) c++; return c; }),
                    "isdigit" => new(name, (_, _) => s.Length > 0 && s.All(char.IsDigit)),
                    "isspace" => new(name, (_, _) => s.Length > 0 && s.All(char.IsWhiteSpace)),
                    "join" => new(name, (a, _) => string.Join(s, (a.Count > 0 ? a[0] as IList<object?> : null)?.Select(JinjaValues.Str) ?? [])),
                    _ => null,
                };
            case IDictionary<string, object?> d:
                return name switch
                {
                    "items" => new(name, (_, _) => d.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()),
                    "keys" => new(name, (_, _) => d.Keys.Select(k => (object?)k).ToList()),
                    "values" => new(name, (_, _) => d.Values.ToList()),
                    "get" => new(name, (a, _) => a.Count > 0 && a[0] is string k && d.TryGetValue(k, out var v) ? v : a.Count > 1 ? a[1] : null),
                    _ => null,
                };
            default:
                return null;
        }
    }

    static List<object?> Split(string s, IReadOnlyList<object?> a)
    {
        var sep = a.Count > 0 && a[0] is string x ? x : null;
        long max = a.Count > 1 && a[1] is long m ? m : -1;
        if (sep is null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return parts.Select(p => (object?)p).ToList();
        }
        if (sep.Length == 0) throw new FormatException("split: empty separator.");
        var result = new List<object?>();
        int start = 0;
        while (max < 0 || result.Count < max)
        {
            int i = s.IndexOf(sep, start, StringComparison.Ordinal);
            if (i < 0) break;
            result.Add(s[start..i]);
            start = i + sep.Length;
        }
        result.Add(s[start..]);
        return result;
    }

    static object? Get(object? x, string attr) =>
        x is IDictionary<string, object?> d ? (d.TryGetValue(attr, out var v) ? v : Undefined.Value) : x is Namespace ns && ns.Values.TryGetValue(attr, out var nv) ? nv : Undefined.Value;

    static string Str(object? v, Func<string, Exception> error) => v switch
    {
        string s => s,
        Undefined => "",
        _ => JinjaValues.Str(v),
    };

    static IList<object?> List(object? v, Func<string, Exception> error) => v switch
    {
        IList<object?> l => l,
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        IDictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
        Undefined => [],
        _ => throw error($"{JinjaValues.TypeName(v)} is not a list"),
    };

    static int CodePoints(string s)
    {
        int n = 0;
        foreach (var c in s) if (!char.IsLowSurrogate(c)) n++;
        return n;
    }
}
