using System.Globalization;
using System.Text;

namespace Blend.Jinja;

/// <summary>Raised by a template's <c>raise_exception(message)</c>.</summary>
internal sealed class TemplateRaisedException(string message) : Exception(message);

/// <summary>
/// Renders parsed templates: Python/Jinja semantics for the subset that chat templates use (variables and scopes, loops
/// with <c>loop.*</c>, <c>namespace</c>, macros, the common filters, tests and string/dict methods).
/// </summary>
internal sealed class JinjaInterpreter
{
    sealed class Scope(Scope? parent)
    {
        readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);
        public Scope? Parent { get; } = parent;
        public bool TryGet(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s._vars.TryGetValue(name, out value)) return true;
            value = null;
            return false;
        }
        public void Set(string name, object? value) => _vars[name] = value;
    }

    enum Flow { Normal, Break, Continue }

    readonly string _where;

    JinjaInterpreter(string where) { _where = where; }

    public static string Render(IReadOnlyList<Node> template, IReadOnlyDictionary<string, object?> variables, string where)
    {
        var interp = new JinjaInterpreter(where);
        var root = new Scope(null);
        root.Set("raise_exception", new Callable("raise_exception", (a, _) => throw new TemplateRaisedException(a.Count > 0 ? JinjaValues.Str(a[0]) : "raise_exception()")));
        root.Set("namespace", new Callable("namespace", (a, kw) => new Namespace(new Dictionary<string, object?>(kw))));
        root.Set("range", new Callable("range", (a, _) => interp.Range(a)));
        root.Set("strftime_now", new Callable("strftime_now", (a, _) => Strftime(DateTime.Now, a.Count > 0 ? JinjaValues.Str(a[0]) : "%Y-%m-%d")));
        var scope = new Scope(root);
        foreach (var (k, v) in variables) scope.Set(k, v);
        var sb = new StringBuilder();
        interp.Exec(template, scope, sb);
        return sb.ToString();
    }

    FormatException Error(int line, string message) => new($"{_where}: line {line}: {message}.");

    Flow Exec(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = Exec(node, scope, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    Flow Exec(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode t: output.Append(t.Text); return Flow.Normal;
            case OutputNode o: output.Append(JinjaValues.Str(Eval(o.Value, scope))); return Flow.Normal;
            case IfNode i:
                foreach (var (cond, body) in i.Branches)
                    if (JinjaValues.Truthy(Eval(cond, scope))) return Exec(body, scope, output);
                return i.Else is null ? Flow.Normal : Exec(i.Else, scope, output);
            case ForNode f: return ExecFor(f, scope, output);
            case SetNode s:
            {
                var value = Eval(s.Value, scope);
                if (s.Attribute is null) { scope.Set(s.Name, value); return Flow.Normal; }
                if (!scope.TryGet(s.Name, out var target) || target is not Namespace ns)
                    throw Error(s.Line, $"'{s.Name}' is not a namespace, so '{s.Name}.{s.Attribute}' cannot be set");
                ns.Values[s.Attribute] = value;
                return Flow.Normal;
            }
            case SetBlockNode sb:
            {
                var inner = new StringBuilder();
                Exec(sb.Body, new Scope(scope), inner);
                scope.Set(sb.Name, inner.ToString());
                return Flow.Normal;
            }
            case MacroNode m:
                scope.Set(m.Name, new Callable(m.Name, (args, kwargs) =>
                {
                    var local = new Scope(scope);
                    for (int k = 0; k < m.Parameters.Count; k++)
                    {
                        var (pname, def) = m.Parameters[k];
                        object? v = k < args.Count ? args[k] : kwargs.TryGetValue(pname, out var kv) ? kv : def is null ? Undefined.Value : Eval(def, scope);
                        local.Set(pname, v);
                    }
                    var result = new StringBuilder();
                    Exec(m.Body, local, result);
                    return result.ToString();
                }));
                return Flow.Normal;
            case BreakNode: return Flow.Break;
            case ContinueNode: return Flow.Continue;
            default: throw Error(node.Line, $"cannot run {node.GetType().Name}");
        }
    }

    Flow ExecFor(ForNode f, Scope scope, StringBuilder output)
    {
        var source = Eval(f.Iterable, scope);
        var items = Iterate(source, f.Line).ToList();
        var loopScope = new Scope(scope);
        if (f.Filter is not null)
            items = items.Where(item => { Bind(loopScope, f, item); return JinjaValues.Truthy(Eval(f.Filter, loopScope)); }).ToList();
        if (items.Count == 0) return f.Else is null ? Flow.Normal : Exec(f.Else, scope, output);
        for (int i = 0; i < items.Count; i++)
        {
            Bind(loopScope, f, items[i]);
            var loop = new Dictionary<string, object?>
            {
                ["index"] = (long)(i + 1), ["index0"] = (long)i, ["revindex"] = (long)(items.Count - i), ["revindex0"] = (long)(items.Count - i - 1),
                ["first"] = i == 0, ["last"] = i == items.Count - 1, ["length"] = (long)items.Count,
                ["previtem"] = i > 0 ? items[i - 1] : Undefined.Value, ["nextitem"] = i + 1 < items.Count ? items[i + 1] : Undefined.Value,
            };
            loopScope.Set("loop", loop);
            var flow = Exec(f.Body, loopScope, output);
            if (flow == Flow.Break) break;
        }
        // Jinja scoping: assignments inside a loop do not leak out (namespaces exist for that).
        return Flow.Normal;
    }

    void Bind(Scope scope, ForNode f, object? item)
    {
        if (f.Targets.Count == 1) { scope.Set(f.Targets[0], item); return; }
        var parts = item as IList<object?> ?? throw Error(f.Line, $"cannot unpack {JinjaValues.TypeName(item)} into {f.Targets.Count} names");
        if (parts.Count != f.Targets.Count) throw Error(f.Line, $"cannot unpack {parts.Count} values into {f.Targets.Count} names");
        for (int k = 0; k < parts.Count; k++) scope.Set(f.Targets[k], parts[k]);
    }

    IEnumerable<object?> Iterate(object? v, int line) => v switch
    {
        IList<object?> list => list,
        IDictionary<string, object?> dict => dict.Keys,
        string s => EnumerateChars(s),
        Undefined => [],
        _ => throw Error(line, $"{JinjaValues.TypeName(v)} is not iterable"),
    };

    static IEnumerable<object?> EnumerateChars(string s)
    {
        for (int i = 0; i < s.Length;)
        {
            int n = char.IsSurrogatePair(s, i) ? 2 : 1;
            yield return s.Substring(i, n);
            i += n;
        }
    }

    object? Eval(Expr e, Scope scope)
    {
        switch (e)
        {
            case Literal l: return l.Value;
            case NameRef n: return scope.TryGet(n.Name, out var v) ? v : Undefined.Value;
            case GetAttr g: return Attr(Eval(g.Target, scope), g.Name);
            case GetItem gi: return Item(Eval(gi.Target, scope), Eval(gi.Index, scope), gi.Line);
            case SliceExpr s: return Slice(Eval(s.Target, scope), s.Start is null ? null : Eval(s.Start, scope), s.Stop is null ? null : Eval(s.Stop, scope), s.Step is null ? null : Eval(s.Step, scope), s.Line);
            case CallExpr c:
            {
                var fn = Eval(c.Function, scope);
                var args = c.Args.Select(a => Eval(a, scope)).ToList();
                var kwargs = c.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value, scope));
                if (fn is Callable callable) return callable.Invoke(args, kwargs);
                throw Error(c.Line, $"{Describe(c.Function)} is not callable ({JinjaValues.TypeName(fn)})");
            }
            case FilterExpr f:
                return JinjaFilters.Apply(f.Name, Eval(f.Target, scope), f.Args.Select(a => Eval(a, scope)).ToList(),
                    f.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value, scope)), msg => Error(f.Line, msg));
            case TestExpr t:
            {
                bool r = JinjaFilters.Test(t.Name, Eval(t.Target, scope), t.Args.Select(a => Eval(a, scope)).ToList(), msg => Error(t.Line, msg));
                return t.Negated ? !r : r;
            }
            case UnaryExpr u:
            {
                var x = Eval(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !JinjaValues.Truthy(x),
                    "-" => x switch { long l => (object)(-l), double d => -d, bool b => b ? -1L : 0L, _ => throw Error(u.Line, $"cannot negate {JinjaValues.TypeName(x)}") },
                    _ => throw Error(u.Line, $"unknown operator {u.Op}"),
                };
            }
            case BinaryExpr b: return Binary(b, scope);
            case ConditionalExpr c:
                return JinjaValues.Truthy(Eval(c.Condition, scope)) ? Eval(c.Then, scope) : c.Else is null ? Undefined.Value : Eval(c.Else, scope);
            case ListExpr l: return l.Items.Select(i => Eval(i, scope)).ToList();
            case DictExpr d:
            {
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, val) in d.Items) dict[JinjaValues.Str(Eval(k, scope))] = Eval(val, scope);
                return dict;
            }
            default: throw Error(e.Line, $"cannot evaluate {e.GetType().Name}");
        }
    }

    static string Describe(Expr e) => e switch { NameRef n => $"'{n.Name}'", GetAttr g => $"'{g.Name}'", _ => "the expression" };

    object? Binary(BinaryExpr b, Scope scope)
    {
        if (b.Op == "and") { var l = Eval(b.Left, scope); return JinjaValues.Truthy(l) ? Eval(b.Right, scope) : l; }
        if (b.Op == "or") { var l = Eval(b.Left, scope); return JinjaValues.Truthy(l) ? l : Eval(b.Right, scope); }
        var x = Eval(b.Left, scope);
        var y = Eval(b.Right, scope);
        Func<string, Exception> err = m => Error(b.Line, m);
        switch (b.Op)
        {
            case "==": return JinjaValues.Equals(x, y);
            case "!=": return !JinjaValues.Equals(x, y);
            case "<": return JinjaValues.Compare(x, y, err) < 0;
            case ">": return JinjaValues.Compare(x, y, err) > 0;
            case "<=": return JinjaValues.Compare(x, y, err) <= 0;
            case ">=": return JinjaValues.Compare(x, y, err) >= 0;
            case "in": return Contains(y, x, b.Line);
            case "not in": return !Contains(y, x, b.Line);
            case "~": return JinjaValues.Str(x) + JinjaValues.Str(y);
            case "+":
                if (x is string xs && y is string ys) return xs + ys;
                if (x is IList<object?> xl && y is IList<object?> yl) return xl.Concat(yl).ToList();
                return Arith(x, y, b.Op, err);
            default: return Arith(x, y, b.Op, err);
        }
    }

    static object? Arith(object? x, object? y, string op, Func<string, Exception> err)
    {
        if (op == "*" && x is string s && y is long n) return string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n)));
        if (!JinjaValues.IsNumber(x) || !JinjaValues.IsNumber(y))
            throw err($"unsupported operand types for {op}: {JinjaValues.TypeName(x)} and {JinjaValues.TypeName(y)}");
        bool ints = x is long or bool && y is long or bool;
        if (ints)
        {
            long a = (long)JinjaValues.ToDouble(x), c = (long)JinjaValues.ToDouble(y);
            switch (op)
            {
                case "+": return a + c;
                case "-": return a - c;
                case "*": return a * c;
                case "//": if (c == 0) throw err("integer division by zero"); return (long)Math.Floor((double)a / c);
                case "%": if (c == 0) throw err("modulo by zero"); return ((a % c) + c) % c;
                case "**": return c >= 0 ? (object)(long)Math.Pow(a, c) : Math.Pow(a, c);
            }
        }
        double p = JinjaValues.ToDouble(x), q = JinjaValues.ToDouble(y);
        return op switch
        {
            "+" => p + q,
            "-" => p - q,
            "*" => p * q,
            "/" => q == 0 ? throw err("division by zero") : p / q,
            "//" => q == 0 ? throw err("division by zero") : Math.Floor(p / q),
            "%" => q == 0 ? throw err("modulo by zero") : p - q * Math.Floor(p / q),
            "**" => Math.Pow(p, q),
            _ => throw err($"unknown operator {op}"),
        };
    }

    bool Contains(object? container, object? item, int line) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        IList<object?> list => list.Any(i => JinjaValues.Equals(i, item)),
        IDictionary<string, object?> dict => item is string k && dict.ContainsKey(k),
        Undefined => false,
        _ => throw Error(line, $"'in' needs a string, list or dict on its right, not {JinjaValues.TypeName(container)}"),
    };

    object? Attr(object? target, string name)
    {
        switch (target)
        {
            case IDictionary<string, object?> dict:
                if (dict.TryGetValue(name, out var v)) return v;
                return (object?)JinjaFilters.Method(target, name) ?? Undefined.Value;
            case Namespace ns: return ns.Values.TryGetValue(name, out var nv) ? nv : Undefined.Value;
            default: return (object?)JinjaFilters.Method(target, name) ?? Undefined.Value;
        }
    }

    object? Item(object? target, object? index, int line)
    {
        switch (target)
        {
            case IDictionary<string, object?> dict:
                return index is string k && dict.TryGetValue(k, out var v) ? v : Undefined.Value;
            case IList<object?> list when index is long or bool:
            {
                long i = (long)JinjaValues.ToDouble(index);
                if (i < 0) i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : Undefined.Value;
            }
            case string s when index is long or bool:
            {
                var chars = EnumerateChars(s).ToList();
                long i = (long)JinjaValues.ToDouble(index);
                if (i < 0) i += chars.Count;
                return i >= 0 && i < chars.Count ? chars[(int)i] : Undefined.Value;
            }
            case Namespace ns when index is string key: return ns.Values.TryGetValue(key, out var nv) ? nv : Undefined.Value;
            case Undefined: return Undefined.Value;
            case null: throw Error(line, "cannot index None");
            default: return index is string name ? Attr(target, name) : Undefined.Value;
        }
    }

    object? Slice(object? target, object? start, object? stop, object? step, int line)
    {
        List<object?> items = target switch
        {
            IList<object?> list => list.ToList(),
            string s => EnumerateChars(s).ToList(),
            Undefined => [],
            _ => throw Error(line, $"cannot slice {JinjaValues.TypeName(target)}"),
        };
        long n = items.Count;
        long st = step is null ? 1 : (long)JinjaValues.ToDouble(step);
        if (st == 0) throw Error(line, "slice step cannot be zero");
        long Norm(object? v, long dflt)
        {
            if (v is null) return dflt;
            long i = (long)JinjaValues.ToDouble(v);
            if (i < 0) i += n;
            return st > 0 ? Math.Clamp(i, 0, n) : Math.Clamp(i, -1, n - 1);
        }
        long a = Norm(start, st > 0 ? 0 : n - 1), b = Norm(stop, st > 0 ? n : -1);
        var result = new List<object?>();
        for (long i = a; st > 0 ? i < b : i > b; i += st) result.Add(items[(int)i]);
        return target is string ? string.Concat(result.Select(r => (string)r!)) : result;
    }

    List<object?> Range(IReadOnlyList<object?> a)
    {
        long start = 0, stop, step = 1;
        if (a.Count == 1) stop = (long)JinjaValues.ToDouble(a[0]);
        else { start = (long)JinjaValues.ToDouble(a[0]); stop = (long)JinjaValues.ToDouble(a[1]); if (a.Count > 2) step = (long)JinjaValues.ToDouble(a[2]); }
        if (step == 0) throw new FormatException($"{_where}: range() step cannot be zero.");
        var list = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) { list.Add(i); if (list.Count > 1_000_000) throw new FormatException($"{_where}: range() longer than a million items."); }
        return list;
    }

    static string Strftime(DateTime t, string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            sb.Append(format[++i] switch
            {
                'Y' => t.ToString("yyyy", CultureInfo.InvariantCulture),
                'm' => t.ToString("MM", CultureInfo.InvariantCulture),
                'd' => t.ToString("dd", CultureInfo.InvariantCulture),
                'B' => t.ToString("MMMM", CultureInfo.InvariantCulture),
                'b' => t.ToString("MMM", CultureInfo.InvariantCulture),
                'H' => t.ToString("HH", CultureInfo.InvariantCulture),
                'M' => t.ToString("mm", CultureInfo.InvariantCulture),
                'S' => t.ToString("ss", CultureInfo.InvariantCulture),
                '%' => "%",
                char c => "%" + c,
            });
        }
        return sb.ToString();
    }
}
