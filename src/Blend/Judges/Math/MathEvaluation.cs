using System.Numerics;

namespace Blend;

/// <summary>
/// Evaluates <see cref="MathExpr"/> trees: exactly, as rationals, when the tree is built from numbers with
/// <c>+ - * /</c>, integer powers, perfect-square roots, factorials and binomials; otherwise numerically, over complex
/// numbers (so <c>\sqrt{-4} = 2i</c>), with each variable bound to a value. Also expands <c>±</c> into its branches.
/// </summary>
internal static class MathEvaluation
{
    const int MaxBits = 1 << 16;

    /// <summary>The exact value, or null when the tree has variables, irrational parts or would be too large.</summary>
    public static MathNumber? Exact(MathExpr e)
    {
        switch (e)
        {
            case NumExpr n: return n.Value;
            case NegExpr n: return Exact(n.Operand) is { } v ? new MathNumber(-v.Numerator, v.Denominator) : null;
            case PercentExpr p: return Exact(p.Operand) is { } q ? MathNumber.Of(q.Numerator, q.Denominator * 100) : null;
            case BinExpr b when b.Op is '+' or '-' or '*' or '/':
                {
                    if (Exact(b.Left) is not { } x || Exact(b.Right) is not { } y) return null;
                    return b.Op switch
                    {
                        '+' => MathNumber.Of(x.Numerator * y.Denominator + y.Numerator * x.Denominator, x.Denominator * y.Denominator),
                        '-' => MathNumber.Of(x.Numerator * y.Denominator - y.Numerator * x.Denominator, x.Denominator * y.Denominator),
                        '*' => MathNumber.Of(x.Numerator * y.Numerator, x.Denominator * y.Denominator),
                        _ => y.Numerator.IsZero ? null : MathNumber.Of(x.Numerator * y.Denominator, x.Denominator * y.Numerator),
                    };
                }
            case BinExpr { Op: '^' } b:
                {
                    if (Exact(b.Left) is not { } x || Exact(b.Right) is not { } y) return null;
                    if (y.Denominator.IsOne) return IntegerPower(x, y.Numerator);
                    if (y.Denominator == 2 || y.Denominator == 3)
                        return Root(x, (int)y.Denominator) is { } r ? IntegerPower(r, y.Numerator) : null;
                    return null;
                }
            case FuncExpr f:
                switch (f.Name)
                {
                    case "sqrt": return Exact(f.Args[0]) is { } s ? Root(s, 2) : null;
                    case "deg": return Exact(f.Args[0]);
                    case "root":
                        return Exact(f.Args[0]) is { } a && Exact(f.Args[1]) is { Denominator.IsOne: true } d && d.Numerator >= 2 && d.Numerator <= 64
                            ? Root(a, (int)d.Numerator) : null;
                    case "abs": return Exact(f.Args[0]) is { } av ? new MathNumber(BigInteger.Abs(av.Numerator), av.Denominator) : null;
                    case "fact":
                        {
                            if (Exact(f.Args[0]) is not { Denominator.IsOne: true } fv || fv.Numerator.Sign < 0 || fv.Numerator > 2000) return null;
                            BigInteger r = 1;
                            for (int i = 2; i <= (int)fv.Numerator; i++) r *= i;
                            return new MathNumber(r, 1);
                        }
                    case "binom":
                        {
                            if (Exact(f.Args[0]) is not { Denominator.IsOne: true } n || Exact(f.Args[1]) is not { Denominator.IsOne: true } k) return null;
                            if (n.Numerator.Sign < 0 || n.Numerator > 100_000 || k.Numerator.Sign < 0 || k.Numerator > n.Numerator) return k.Numerator.Sign < 0 || (n.Numerator.Sign >= 0 && k.Numerator > n.Numerator) ? new MathNumber(0, 1) : null;
                            int kk = (int)BigInteger.Min(k.Numerator, n.Numerator - k.Numerator);
                            BigInteger r = 1;
                            for (int i = 0; i < kk; i++) r = r * (n.Numerator - i) / (i + 1);
                            return new MathNumber(r, 1);
                        }
                }
                return null;
            default: return null;
        }
    }

    static MathNumber? IntegerPower(MathNumber x, BigInteger n)
    {
        if (n.IsZero) return x.Numerator.IsZero ? null : new MathNumber(1, 1);
        if (x.Numerator.IsZero) return n.Sign > 0 ? x : null;
        if (BigInteger.Abs(x.Numerator).IsOne && x.Denominator.IsOne) return new MathNumber(x.Numerator.Sign < 0 && !n.IsEven ? -1 : 1, 1);
        long bits = (long)Math.Max(x.Numerator.GetBitLength(), x.Denominator.GetBitLength());
        if (BigInteger.Abs(n) > MaxBits || bits * (long)BigInteger.Abs(n) > MaxBits) return null;
        int k = (int)BigInteger.Abs(n);
        var num = BigInteger.Pow(x.Numerator, k);
        var den = BigInteger.Pow(x.Denominator, k);
        return n.Sign > 0 ? MathNumber.Of(num, den) : MathNumber.Of(den, num);
    }

    static MathNumber? Root(MathNumber x, int degree)
    {
        if (x.Numerator.Sign < 0)
        {
            if (degree % 2 == 0) return null;
            return Root(new MathNumber(-x.Numerator, x.Denominator), degree) is { } r ? new MathNumber(-r.Numerator, r.Denominator) : null;
        }
        return IntegerRoot(x.Numerator, degree) is { } a && IntegerRoot(x.Denominator, degree) is { } b ? MathNumber.Of(a, b) : null;
    }

    static BigInteger? IntegerRoot(BigInteger n, int degree)
    {
        if (n.IsZero || n.IsOne) return n;
        if (n.GetBitLength() > 4096) return null;
        var guess = new BigInteger(Math.Round(Math.Exp(BigInteger.Log(n) / degree)));
        for (var g = guess - 2; g <= guess + 2; g++)
            if (g.Sign >= 0 && BigInteger.Pow(g, degree) == n) return g;
        return null;
    }

    /// <summary>The numeric value with the variables bound by <paramref name="variables"/> (an unbound variable is NaN).</summary>
    public static Complex Numeric(MathExpr e, IReadOnlyDictionary<string, double> variables)
    {
        switch (e)
        {
            case NumExpr n: return n.Value.Value;
            case VarExpr v:
                return v.Name switch
                {
                    "pi" => Math.PI,
                    "e" => Math.E,
                    "i" => Complex.ImaginaryOne,
                    _ => variables.TryGetValue(v.Name, out var x) ? x : double.NaN,
                };
            case InfinityExpr: return double.PositiveInfinity;
            case NegExpr n: return -Numeric(n.Operand, variables);
            case PercentExpr p: return Numeric(p.Operand, variables) / 100;
            case BinExpr b:
                {
                    var x = Numeric(b.Left, variables);
                    if (b.Op == '^' && Exact(b.Right) is { Denominator.IsOne: true } k && BigInteger.Abs(k.Numerator) <= 64)
                    {
                        Complex r = 1;
                        for (int i = 0; i < (int)BigInteger.Abs(k.Numerator); i++) r *= x;
                        return k.Numerator.Sign < 0 ? 1 / r : r;
                    }
                    var y = Numeric(b.Right, variables);
                    return b.Op switch
                    {
                        '+' => x + y,
                        '-' => x - y,
                        '*' => x * y,
                        '/' => y == Complex.Zero ? double.NaN : x / y,
                        '^' => RealPower(x, y),
                        _ => double.NaN,
                    };
                }
            case FuncExpr f:
                {
                    var a = Numeric(f.Args[0], variables);
                    if (f.Args[0] is FuncExpr { Name: "deg" } && f.Name is "sin" or "cos" or "tan" or "sec" or "csc" or "cot") a *= Math.PI / 180;
                    return f.Name switch
                    {
                        "deg" => a,
                        "sin" => Complex.Sin(a),
                        "cos" => Complex.Cos(a),
                        "tan" => Complex.Tan(a),
                        "sec" => 1 / Complex.Cos(a),
                        "csc" => 1 / Complex.Sin(a),
                        "cot" => 1 / Complex.Tan(a),
                        "arcsin" => Complex.Asin(a),
                        "arccos" => Complex.Acos(a),
                        "arctan" => Complex.Atan(a),
                        "sinh" => Complex.Sinh(a),
                        "cosh" => Complex.Cosh(a),
                        "tanh" => Complex.Tanh(a),
                        "ln" => Complex.Log(a),
                        "log" => f.Args.Length == 2 ? Complex.Log(a) / Complex.Log(Numeric(f.Args[1], variables)) : Complex.Log(a),
                        "exp" => Complex.Exp(a),
                        "sqrt" => Complex.Sqrt(a),
                        "root" => NthRoot(a, Numeric(f.Args[1], variables)),
                        "abs" => Complex.Abs(a),
                        "fact" => Exact(f) is { } v ? v.Value : Gamma(a),
                        "binom" => Exact(f) is { } w ? w.Value : double.NaN,
                        _ => double.NaN,
                    };
                }
            default: return double.NaN;
        }
    }

    static Complex RealPower(Complex x, Complex y)
    {
        if (x.Imaginary == 0 && y.Imaginary == 0 && x.Real >= 0) return Math.Pow(x.Real, y.Real);
        return x == Complex.Zero ? (y.Real > 0 ? Complex.Zero : double.NaN) : Complex.Pow(x, y);
    }

    static Complex NthRoot(Complex x, Complex n)
    {
        if (x.Imaginary == 0 && n.Imaginary == 0 && x.Real < 0 && n.Real % 2 == 1) return -Math.Pow(-x.Real, 1 / n.Real);
        return RealPower(x, 1 / n);
    }

    static Complex Gamma(Complex z) => z.Imaginary == 0 && z.Real >= 0 && z.Real <= 170 && z.Real % 1 == 0
        ? Enumerable.Range(1, (int)z.Real).Aggregate(1.0, (p, k) => p * k) : double.NaN;

    /// <summary>The free variables of <paramref name="e"/> (not π, e or i), added to <paramref name="into"/>.</summary>
    public static void Variables(MathExpr e, ISet<string> into)
    {
        switch (e)
        {
            case VarExpr v when !v.IsConstant: into.Add(v.Name); break;
            case NegExpr n: Variables(n.Operand, into); break;
            case PercentExpr p: Variables(p.Operand, into); break;
            case BinExpr b: Variables(b.Left, into); Variables(b.Right, into); break;
            case FuncExpr f: foreach (var a in f.Args) Variables(a, into); break;
        }
    }

    /// <summary>Whether the tree contains ±.</summary>
    public static bool HasPlusMinus(MathExpr e) => e switch
    {
        BinExpr b => b.Op == '±' || HasPlusMinus(b.Left) || HasPlusMinus(b.Right),
        NegExpr n => HasPlusMinus(n.Operand),
        PercentExpr p => HasPlusMinus(p.Operand),
        FuncExpr f => f.Args.Any(HasPlusMinus),
        _ => false,
    };

    /// <summary>Every branch of the ± signs in <paramref name="e"/> (a ± b → a + b, a − b); at most 16 branches.</summary>
    /// <exception cref="MathParseException">More than four ± signs.</exception>
    public static List<MathExpr> ExpandPlusMinus(MathExpr e)
    {
        switch (e)
        {
            case BinExpr b:
                {
                    var result = new List<MathExpr>();
                    foreach (var l in ExpandPlusMinus(b.Left))
                        foreach (var r in ExpandPlusMinus(b.Right))
                        {
                            if (b.Op == '±') { result.Add(new BinExpr('+', l, r)); result.Add(new BinExpr('-', l, r)); }
                            else result.Add(new BinExpr(b.Op, l, r));
                            if (result.Count > 16) throw new MathParseException("more than four ± signs");
                        }
                    return result;
                }
            case NegExpr n: return [.. ExpandPlusMinus(n.Operand).Select(x => (MathExpr)new NegExpr(x))];
            case PercentExpr p: return [.. ExpandPlusMinus(p.Operand).Select(x => (MathExpr)new PercentExpr(x))];
            case FuncExpr f when f.Args.Any(HasPlusMinus):
                {
                    var lists = new List<List<MathExpr>> { new() };
                    foreach (var a in f.Args)
                        lists = [.. lists.SelectMany(prefix => ExpandPlusMinus(a).Select(x => new List<MathExpr>(prefix) { x }))];
                    if (lists.Count > 16) throw new MathParseException("more than four ± signs");
                    return [.. lists.Select(args => (MathExpr)new FuncExpr(f.Name, [.. args]))];
                }
            default: return [e];
        }
    }
}
