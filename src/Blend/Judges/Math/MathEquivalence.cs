using System.Numerics;

namespace Blend;

/// <summary>
/// Decides whether two parsed answers are the same mathematical object: exact rationals compare exactly; symbolic and
/// irrational values are evaluated at six seeded points (each variable bound to a value in [0.35, 2.45]) and compared
/// with tolerance; <c>±</c> expands into a two-element solution list; intervals compare ends and open/closed brackets
/// (brackets at ±∞ are ignored); tuples are ordered; <c>\{…\}</c> sets, bare lists and unions are unordered (bare lists
/// ordered when <see cref="MathAnswerOptions.OrderMatters"/>); relations compare by direction and strictness
/// (<c>x ≥ 5</c> = <c>5 ≤ x</c>, a one-variable inequality also equals its interval); <c>x = v</c> equals a bare
/// <c>v</c>; a percent value equals its number or its hundredth; words compare word for word.
/// </summary>
/// <remarks>An answer that cannot be evaluated throws <see cref="MathParseException"/> (the judge's error verdict).</remarks>
internal sealed class MathEquivalence(MathAnswerOptions options)
{
    const double SymbolicTolerance = 1e-9;
    const int MaxVariables = 12;
    static readonly double[][] Points = MakePoints();

    static double[][] MakePoints()
    {
        var rng = new Random(20241201);
        return [.. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, MaxVariables).Select(_ => 0.35 + 2.1 * rng.NextDouble()).ToArray())];
    }

    /// <summary>True when <paramref name="actual"/> is the same answer as <paramref name="expected"/>.</summary>
    public bool Equivalent(MathAnswerValue expected, MathAnswerValue actual) => Consistent(actual) && Equal(Normalize(expected), Normalize(actual));

    static readonly MathEquivalence Exactly = new(new MathAnswerOptions());

    /// <summary>False for an equation between two constants that differ (<c>6 = 5</c>, <c>x = 2 = 3</c>): a false statement.</summary>
    static bool Consistent(MathAnswerValue v) => v switch
    {
        RelationAnswer r when r.Ops.All(o => o == "=") =>
            Enumerable.Range(1, r.Sides.Length - 1).All(k => !(NoVariables(r.Sides[k - 1]) && NoVariables(r.Sides[k])) || Exactly.Scalar(r.Sides[k - 1], r.Sides[k])),
        ListAnswer l => l.Items.All(Consistent),
        SetAnswer s => s.Items.All(Consistent),
        TupleAnswer t => t.Items.All(Consistent),
        _ => true,
    };

    /// <summary>Expands ±, flattens nested lists, collapses one-item lists and turns <c>a &lt; x &lt; b</c> into an interval.</summary>
    static MathAnswerValue Normalize(MathAnswerValue v)
    {
        switch (v)
        {
            case ScalarAnswer s when MathEvaluation.HasPlusMinus(s.Expr):
                return new ListAnswer([.. MathEvaluation.ExpandPlusMinus(s.Expr).Select(e => (MathAnswerValue)new ScalarAnswer(e))]);
            case ListAnswer l:
                {
                    var items = new List<MathAnswerValue>();
                    foreach (var item in l.Items)
                    {
                        var n = Normalize(item);
                        if (n is ListAnswer inner) items.AddRange(inner.Items); else items.Add(n);
                    }
                    return items.Count == 1 ? items[0] : new ListAnswer([.. items]);
                }
            case SetAnswer s: return new SetAnswer([.. s.Items.Select(Normalize).SelectMany(i => i is ListAnswer l ? l.Items : [i])]);
            case TupleAnswer t: return t with { Items = [.. t.Items.Select(Normalize)] };
            case UnionAnswer u: return new UnionAnswer([.. u.Parts.Select(Normalize)]);
            case RelationAnswer r when r.Ops.Length > 1:
                {
                    if (r.Ops.All(o => o == "=")) return new RelationAnswer([r.Sides[0], r.Sides[^1]], ["="]);
                    if (r.Ops.Length == 2 && r.Sides[1] is VarExpr { IsConstant: false } && NoVariables(r.Sides[0]) && NoVariables(r.Sides[2]))
                    {
                        bool up = r.Ops.All(o => o is "<" or "<="), down = r.Ops.All(o => o is ">" or ">=");
                        if (up) return new TupleAnswer(r.Ops[0] == "<" ? '(' : '[', r.Ops[1] == "<" ? ')' : ']', [new ScalarAnswer(r.Sides[0]), new ScalarAnswer(r.Sides[2])]);
                        if (down) return new TupleAnswer(r.Ops[1] == ">" ? '(' : '[', r.Ops[0] == ">" ? ')' : ']', [new ScalarAnswer(r.Sides[2]), new ScalarAnswer(r.Sides[0])]);
                    }
                    throw new MathParseException("a chained relation that is not a < x < b");
                }
            default: return v;
        }
    }

    static bool NoVariables(MathExpr e)
    {
        var set = new HashSet<string>();
        MathEvaluation.Variables(e, set);
        return set.Count == 0;
    }

    bool Equal(MathAnswerValue e, MathAnswerValue a)
    {
        // x = v against a bare v (either side).
        if (e is RelationAnswer && a is not RelationAnswer && AssignedValue(e) is { } ev) return Equal(ev, a);
        if (a is RelationAnswer && e is not RelationAnswer && AssignedValue(a) is { } av) return Equal(e, av);
        // A one-variable inequality against an interval or union.
        if (e is RelationAnswer re && a is TupleAnswer or UnionAnswer && AsInterval(re) is { } ei) return Equal(ei, a);
        if (a is RelationAnswer ra && e is TupleAnswer or UnionAnswer && AsInterval(ra) is { } ai) return Equal(e, ai);
        // A one-element set against a bare value.
        if (e is SetAnswer { Items.Length: 1 } es && a is not SetAnswer) return Equal(es.Items[0], a);
        if (a is SetAnswer { Items.Length: 1 } as1 && e is not SetAnswer) return Equal(e, as1.Items[0]);
        return (e, a) switch
        {
            (ScalarAnswer x, ScalarAnswer y) => Scalar(x.Expr, y.Expr),
            (TextAnswer x, TextAnswer y) => x.Words == y.Words,
            (RelationAnswer x, RelationAnswer y) => Relation(x, y),
            (TupleAnswer x, TupleAnswer y) => Tuple(x, y),
            (ListAnswer x, ListAnswer y) => options.OrderMatters ? Ordered(x.Items, y.Items) : Unordered(x.Items, y.Items),
            (SetAnswer x, SetAnswer y) => Unordered(x.Items, y.Items),
            (SetAnswer x, ListAnswer y) => Unordered(x.Items, y.Items),
            (ListAnswer x, SetAnswer y) => Unordered(x.Items, y.Items),
            (UnionAnswer x, UnionAnswer y) => Unordered(x.Parts, y.Parts),
            _ => false,
        };
    }

    static MathAnswerValue? AssignedValue(MathAnswerValue v) =>
        v is RelationAnswer { Ops: ["="] } r && (IsName(r.Sides[0]) && r.Sides[1] is not VarExpr || NoVariables(r.Sides[0]) && NoVariables(r.Sides[1]))
            ? Normalize(new ScalarAnswer(r.Sides[1])) : null;

    /// <summary>What an answer may name on the left of <c>=</c>: a variable (<c>x</c>, <c>a_1</c>), or a function value or
    /// product of two variables (<c>f(x)</c>, <c>xy</c>), never an expression with numbers (<c>x - 1 = 5</c> is not 5).</summary>
    static bool IsName(MathExpr e) => e is VarExpr { IsConstant: false } || e is BinExpr { Op: '*', Left: VarExpr { IsConstant: false }, Right: VarExpr { IsConstant: false } };

    static TupleAnswer? AsInterval(RelationAnswer r)
    {
        if (r.Ops.Length != 1 || r.Ops[0] is "=" or "!=") return null;
        string op = r.Ops[0];
        MathExpr bound;
        if (r.Sides[0] is VarExpr { IsConstant: false } && NoVariables(r.Sides[1])) bound = r.Sides[1];
        else if (r.Sides[1] is VarExpr { IsConstant: false } && NoVariables(r.Sides[0]))
        {
            bound = r.Sides[0];
            op = op switch { "<" => ">", "<=" => ">=", ">" => "<", _ => "<=" };
        }
        else return null;
        var b = new ScalarAnswer(bound);
        var inf = new ScalarAnswer(new InfinityExpr());
        var minusInf = new ScalarAnswer(new NegExpr(new InfinityExpr()));
        return op switch
        {
            ">" => new TupleAnswer('(', ')', [b, inf]),
            ">=" => new TupleAnswer('[', ')', [b, inf]),
            "<" => new TupleAnswer('(', ')', [minusInf, b]),
            _ => new TupleAnswer('(', ']', [minusInf, b]),
        };
    }

    bool Ordered(MathAnswerValue[] e, MathAnswerValue[] a)
    {
        if (e.Length != a.Length) return false;
        for (int i = 0; i < e.Length; i++) if (!Equal(e[i], a[i])) return false;
        return true;
    }

    bool Unordered(MathAnswerValue[] e, MathAnswerValue[] a)
    {
        if (e.Length != a.Length) return false;
        var used = new bool[a.Length];
        foreach (var x in e)
        {
            int match = -1;
            for (int j = 0; j < a.Length && match < 0; j++)
                if (!used[j] && Equal(x, a[j])) match = j;
            if (match < 0) return false;
            used[match] = true;
        }
        return true;
    }

    bool Tuple(TupleAnswer e, TupleAnswer a)
    {
        if (e.Items.Length != a.Items.Length) return false;
        if (e.Items.Length == 2)
        {
            // Interval-like: brackets must agree, except at ±∞.
            if (e.Open != a.Open && !IsInfinite(e.Items[0]) ) return false;
            if (e.Close != a.Close && !IsInfinite(e.Items[1])) return false;
        }
        return Ordered(e.Items, a.Items);
    }

    static bool IsInfinite(MathAnswerValue v) => v is ScalarAnswer s && InfinitySign(s.Expr) != 0;

    /// <summary>+1 for ∞ (or +∞), −1 for −∞, 0 otherwise.</summary>
    static int InfinitySign(MathExpr e) => e switch
    {
        InfinityExpr => 1,
        NegExpr n => -InfinitySign(n.Operand),
        _ => 0,
    };

    static bool HasInfinity(MathExpr e) => e switch
    {
        InfinityExpr => true,
        NegExpr n => HasInfinity(n.Operand),
        BinExpr b => HasInfinity(b.Left) || HasInfinity(b.Right),
        FuncExpr f => f.Args.Any(HasInfinity),
        PercentExpr p => HasInfinity(p.Operand),
        _ => false,
    };

    bool Scalar(MathExpr e, MathExpr a)
    {
        if (e is PercentExpr pe && a is PercentExpr pa) return Scalar(pe.Operand, pa.Operand);
        if (e is PercentExpr p1) return Scalar(p1.Operand, a) || Value(e, a);
        if (a is PercentExpr p2) return Scalar(e, p2.Operand) || Value(e, a);
        return Value(e, a);
    }

    bool Value(MathExpr e, MathExpr a)
    {
        if (HasInfinity(e) || HasInfinity(a))
        {
            int se = InfinitySign(e), sa = InfinitySign(a);
            if (se == 0 || sa == 0) { if (se != 0 || sa != 0) return false; throw new MathParseException("∞ inside an expression"); }
            return se == sa;
        }
        var xe = MathEvaluation.Exact(e);
        var xa = MathEvaluation.Exact(a);
        bool tolerant = options.AbsoluteTolerance > 0 || options.RelativeTolerance > 0;
        if (xe is not null && xa is not null)
            return tolerant ? Close(xe.Value, xa.Value, options.RelativeTolerance) : xe == xa;
        // A rational cannot equal an irrational: a long decimal against a symbolic value is an approximation.
        if (!tolerant && (xe ?? xa) is { } exact && exact.Denominator > 1_000_000) return false;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        MathEvaluation.Variables(e, names);
        MathEvaluation.Variables(a, names);
        if (names.Count > MaxVariables) throw new MathParseException($"more than {MaxVariables} variables");
        int valid = 0;
        foreach (var vars in Bindings(names))
        {
            var ve = MathEvaluation.Numeric(e, vars);
            var va = MathEvaluation.Numeric(a, vars);
            bool fe = IsFinite(ve), fa = IsFinite(va);
            if (!fe && !fa) continue;
            if (fe != fa) return false;
            if (!Close(ve, va, Math.Max(options.RelativeTolerance, SymbolicTolerance))) return false;
            valid++;
        }
        if (valid == 0) throw new MathParseException("the answers cannot be evaluated");
        return true;
    }

    static IEnumerable<Dictionary<string, double>> Bindings(SortedSet<string> names)
    {
        if (names.Count == 0) { yield return []; yield break; }
        foreach (var point in Points)
        {
            var d = new Dictionary<string, double>(names.Count, StringComparer.Ordinal);
            int j = 0;
            foreach (var n in names) d[n] = point[j++];
            yield return d;
        }
    }

    static bool IsFinite(Complex z) => double.IsFinite(z.Real) && double.IsFinite(z.Imaginary);

    bool Close(Complex x, Complex y, double relative)
    {
        double diff = Complex.Abs(x - y);
        double scale = Math.Max(Complex.Abs(x), Complex.Abs(y));
        return diff <= options.AbsoluteTolerance || diff <= relative * scale || (scale < 1e-300 && diff == 0) || diff < 1e-12 && relative >= SymbolicTolerance;
    }

    bool Relation(RelationAnswer e, RelationAnswer a)
    {
        if (e.Ops.Length != 1 || a.Ops.Length != 1) return false;
        var (de, oe) = Difference(e);
        var (da, oa) = Difference(a);
        if (oe != oa) return false;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        MathEvaluation.Variables(de, names);
        MathEvaluation.Variables(da, names);
        if (names.Count > MaxVariables) throw new MathParseException($"more than {MaxVariables} variables");
        Complex? ratio = null;
        int valid = 0;
        foreach (var vars in Bindings(names))
        {
            var ve = MathEvaluation.Numeric(de, vars);
            var va = MathEvaluation.Numeric(da, vars);
            if (!IsFinite(ve) || !IsFinite(va)) continue;
            valid++;
            if (Complex.Abs(va) < 1e-9 || Complex.Abs(ve) < 1e-9)
            {
                if (Complex.Abs(va) < 1e-9 != Complex.Abs(ve) < 1e-9) return false;
                continue;
            }
            var k = ve / va;
            if (ratio is null) ratio = k;
            else if (Complex.Abs(k - ratio.Value) > 1e-7 * Math.Max(1, Complex.Abs(ratio.Value))) return false;
        }
        if (valid == 0) throw new MathParseException("the relations cannot be evaluated");
        if (ratio is not { } r) return true;
        if (oe is ">" or ">=") return Math.Abs(r.Imaginary) < 1e-9 && r.Real > 0;
        return true;
    }

    /// <summary>lhs − rhs with the op turned into =, !=, &gt; or &gt;= (a &lt; b becomes b − a &gt; 0).</summary>
    static (MathExpr Difference, string Op) Difference(RelationAnswer r) => r.Ops[0] switch
    {
        "<" => (new BinExpr('-', r.Sides[1], r.Sides[0]), ">"),
        "<=" => (new BinExpr('-', r.Sides[1], r.Sides[0]), ">="),
        var op => (new BinExpr('-', r.Sides[0], r.Sides[1]), op),
    };
}
