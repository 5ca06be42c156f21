using System.Globalization;
using System.Numerics;

namespace Blend;

/// <summary>
/// A recursive-descent parser from <see cref="MathLexer"/> tokens to a <see cref="MathAnswerValue"/>. Grammar (loosest first):
/// list (<c>,</c> <c>;</c> "or" "and") → relation chain (<c>= ≠ &lt; ≤ &gt; ≥ \in</c>) → union (<c>\cup</c>) →
/// sum (<c>+ - \pm \mp</c>) → product (<c>* \cdot \times / \div</c>, implicit) → unary minus → power (<c>^</c>) →
/// postfix (<c>!</c> <c>%</c> degrees, subscripts) → primary (numbers, mixed numbers, variables, <c>\frac</c>, <c>\sqrt[n]{}</c>,
/// <c>\binom</c>, functions, <c>|x|</c>, groups, tuples and intervals, <c>\{…\}</c> sets, ∞, ∅).
/// LaTeX's one-character arguments are honoured (<c>\frac12</c>, <c>\frac3{3}</c>, <c>x^23</c> = x²·3). Leading and
/// trailing words of an item are units and are dropped; words between two pieces of math are an error.
/// </summary>
internal sealed class MathParser
{
    readonly List<MathToken> _t;
    int _p;
    int _depth;

    MathParser(List<MathToken> tokens) => _t = tokens;

    /// <summary>Parses a final-answer text.</summary>
    /// <exception cref="MathParseException">The text is not a math answer Blend can read.</exception>
    public static MathAnswerValue Parse(string text)
    {
        var tokens = MathLexer.Tokenize(text);
        if (tokens.Count == 1) throw new MathParseException("the answer is empty");
        if (tokens.All(t => t.Kind is MathTokenKind.Word or MathTokenKind.End || t.Is(",")))
        {
            var words = tokens.Where(t => t.Kind == MathTokenKind.Word).Select(t => t.Text.ToLowerInvariant()).ToList();
            if (words.Count == 0) throw new MathParseException("the answer is empty");
            return new TextAnswer(string.Join(' ', words));
        }
        var parser = new MathParser(tokens);
        var items = parser.ParseList();
        if (parser.Peek.Kind != MathTokenKind.End) throw new MathParseException($"unexpected {parser.Peek} in the answer");
        return items.Count == 1 ? items[0] : new ListAnswer([.. items]);
    }

    MathToken Peek => _t[_p];
    MathToken PeekAt(int k) => _p + k < _t.Count ? _t[_p + k] : _t[^1];
    MathToken Next() => _t[_p++];
    bool Accept(string symbol)
    {
        if (!Peek.Is(symbol)) return false;
        _p++;
        return true;
    }
    void Expect(string symbol)
    {
        if (!Accept(symbol)) throw new MathParseException($"expected '{symbol}', found {Peek}");
    }

    static bool IsCloser(MathToken t) => t.Kind == MathTokenKind.End || t.Is(")") || t.Is("]") || t.Is("}") || t.Is("\\}");

    List<MathAnswerValue> ParseList()
    {
        var items = new List<MathAnswerValue>();
        while (true)
        {
            while (Accept(",") || Accept(";")) { }
            if (IsCloser(Peek)) break;
            items.Add(ParseItem());
            if (!(Peek.Is(",") || Peek.Is(";"))) break;
        }
        return items;
    }

    /// <summary>Words that change what the math around them says ("not 5", "5 is wrong"): never dropped as units.</summary>
    static readonly HashSet<string> Hedges = new(StringComparer.OrdinalIgnoreCase)
    {
        "not", "no", "non", "false", "wrong", "incorrect", "never", "except", "excluding", "unless", "but", "maybe", "perhaps",
        "approximately", "approx", "about", "roughly", "nearly", "almost", "around", "than", "more", "less", "least", "most",
        "if", "is", "are", "was", "isn", "isnt", "plus", "minus", "times", "over", "under", "between", "neither", "nor", "or",
        "and", "undefined", "none", "all", "any", "every", "real", "numbers", "infinite", "infinitely", "many",
    };

    /// <summary>Drops trailing unit words (<c>cm</c>, <c>\text{ meters}</c>, <c>cm^2</c>); a hedge word among them is an error.</summary>
    void SkipUnits()
    {
        while (Peek.Kind == MathTokenKind.Word)
        {
            if (Hedges.Contains(Peek.Text)) throw new MathParseException($"the word '{Peek.Text}' next to the math");
            _p++;
            if (Peek.Is("^") && PeekAt(1).Kind == MathTokenKind.Num) _p += 2;   // cm^2
            else if (Peek.Is("^") && PeekAt(1).Is("{") && PeekAt(2).Kind == MathTokenKind.Num && PeekAt(3).Is("}")) _p += 4;
        }
    }

    MathAnswerValue ParseItem()
    {
        if (++_depth > 200) throw new MathParseException("the answer is nested too deeply");
        if (Peek.Kind == MathTokenKind.Word) throw new MathParseException($"words before the math ('{Peek.Text}')");
        if (IsCloser(Peek) || Peek.Is(",")) throw new MathParseException("a list item has no math");
        var sides = new List<MathAnswerValue> { ParseUnion() };
        SkipUnits();
        var ops = new List<string>();
        while (Peek.Kind == MathTokenKind.Sym && Peek.Text is "=" or "!=" or "<" or "<=" or ">" or ">=" or "≈" || (Peek.Kind == MathTokenKind.Cmd && Peek.Text == "in"))
        {
            if (Peek.Is("≈"))
            {
                // 4\sqrt3 \approx 6.93: the exact value is the answer; the approximation is read and dropped.
                _p++;
                ParseUnion();
                SkipUnits();
                continue;
            }
            ops.Add(Next().Text);
            if (Peek.Kind == MathTokenKind.Word) throw new MathParseException($"words inside a relation ('{Peek.Text}')");
            sides.Add(ParseUnion());
            SkipUnits();
        }
        SkipUnits();
        _depth--;
        if (ops.Count == 0) return sides[0];
        if (ops[^1] == "in") return sides[^1];     // x \in [0, 1): the set
        if (ops.Contains("in")) throw new MathParseException("'\\in' inside a relation chain");
        var exprs = sides.Select(s => s is ScalarAnswer sc ? sc.Expr : throw new MathParseException("a relation between non-scalars")).ToArray();
        return new RelationAnswer(exprs, [.. ops]);
    }

    MathAnswerValue ParseUnion()
    {
        var first = ToAnswer(ParseSum());
        if (!(Peek.Kind == MathTokenKind.Cmd && Peek.Text == "cup") && !(Peek.Kind == MathTokenKind.Ident && Peek.Text == "U" && Peek.SpaceBefore)) return first;
        var parts = new List<MathAnswerValue> { first };
        while ((Peek.Kind == MathTokenKind.Cmd && Peek.Text == "cup") || (Peek.Kind == MathTokenKind.Ident && Peek.Text == "U"))
        {
            _p++;
            parts.Add(ToAnswer(ParseSum()));
        }
        return new UnionAnswer([.. parts]);
    }

    static MathAnswerValue ToAnswer(MathExpr e) => e is WrappedExpr w ? w.Answer : new ScalarAnswer(e);

    static MathExpr Scalar(MathExpr e) => e is WrappedExpr ? throw new MathParseException("a tuple or set inside arithmetic") : e;

    MathExpr ParseSum()
    {
        MathExpr left;
        if (Peek.Is("pm") || Peek.Is("mp"))
        {
            _p++;
            left = new BinExpr('±', new NumExpr(MathNumber.Of(0, 1)), Scalar(ParseProduct()));
        }
        else left = ParseProduct();
        while (Peek.Kind == MathTokenKind.Sym && Peek.Text is "+" or "-" or "pm" or "mp")
        {
            var op = Next().Text;
            var right = Scalar(ParseProduct());
            left = op switch
            {
                "+" => new BinExpr('+', Scalar(left), right),
                "-" => new BinExpr('-', Scalar(left), right),
                _ => new BinExpr('±', Scalar(left), right),
            };
        }
        return left;
    }

    bool StartsImplicitFactor(MathToken t) => t.Kind switch
    {
        MathTokenKind.Ident => true,
        MathTokenKind.Cmd => t.Text is not ("cup" or "in"),
        MathTokenKind.Sym => t.Text == "(" || t.Text == "{",
        _ => false,
    };

    MathExpr ParseProduct()
    {
        var left = ParseUnary();
        while (true)
        {
            if (Peek.Is("*") || Peek.Is("/"))
            {
                char op = Next().Text[0];
                left = new BinExpr(op, Scalar(left), Scalar(ParseUnary()));
            }
            else if (StartsImplicitFactor(Peek) && left is not WrappedExpr)
                left = new BinExpr('*', Scalar(left), Scalar(ParsePower()));
            else if (Peek.Kind == MathTokenKind.Num)
                throw new MathParseException($"two numbers in a row ({Peek.Text} after a number)");
            else return left;
        }
    }

    MathExpr ParseUnary()
    {
        if (Accept("-")) return new NegExpr(Scalar(ParseUnary()));
        if (Accept("+")) return Scalar(ParseUnary());
        return ParsePower();
    }

    MathExpr ParsePower()
    {
        var b = ParsePostfix();
        while (Peek.Is("^"))
        {
            _p++;
            if (Peek.Kind == MathTokenKind.Degree) { _p++; b = Degrees(b); continue; }                  // 30^\circ
            if (Peek.Is("{") && PeekAt(1).Kind == MathTokenKind.Degree && PeekAt(2).Is("}")) { _p += 3; b = Degrees(b); continue; }
            var exponent = ParseExponent();
            b = new BinExpr('^', Scalar(b), exponent);
            b = ParsePostfixOps(b);
        }
        return b;
    }

    MathExpr ParseExponent()
    {
        if (Accept("-")) return new NegExpr(ParseExponent());
        if (Accept("+")) return ParseExponent();
        if (Peek.Is("{") || Peek.Is("(")) return ParseGroupExpr();
        return ReadArgument();
    }

    MathExpr ParsePostfix() => ParsePostfixOps(ParsePrimary());

    MathExpr ParsePostfixOps(MathExpr e)
    {
        while (true)
        {
            if (Peek.Is("!") && !PeekAt(1).Is("=")) { _p++; e = new FuncExpr("fact", [Scalar(e)]); }
            else if (Peek.Is("%")) { _p++; e = new PercentExpr(Scalar(e)); }
            else if (Peek.Kind == MathTokenKind.Degree) { _p++; e = Degrees(e); }
            else return e;
        }
    }

    /// <summary>A value in degrees: compared as the number itself, converted to radians inside trigonometric functions.</summary>
    static MathExpr Degrees(MathExpr e) => e is FuncExpr { Name: "deg" } ? e : new FuncExpr("deg", [Scalar(e)]);

    /// <summary>A LaTeX argument: a braced group, or one character (the first digit of a longer number), or one command.</summary>
    MathExpr ReadArgument()
    {
        if (Peek.Is("{")) return ParseGroupExpr();
        var t = Peek;
        if (t.Kind == MathTokenKind.Num && t.Text.Length > 1 && char.IsAsciiDigit(t.Text[1]))
        {
            _t[_p] = t with { Text = t.Text[1..], SpaceBefore = false };
            return new NumExpr(MathNumber.Of(t.Text[0] - '0', 1));
        }
        if (t.Kind is MathTokenKind.Num or MathTokenKind.Ident) return ParsePrimary();
        if (t.Kind == MathTokenKind.Cmd) return ParsePostfix();
        throw new MathParseException($"expected an argument, found {t}");
    }

    MathExpr ParseGroupExpr()
    {
        string close = Next().Text == "{" ? "}" : ")";
        var items = ParseList();
        Expect(close);
        if (items.Count != 1 || items[0] is not ScalarAnswer s) throw new MathParseException("a group that is not one expression");
        return s.Expr;
    }

    MathExpr ParsePrimary()
    {
        if (++_depth > 200) throw new MathParseException("the answer is nested too deeply");
        try { return ParsePrimaryCore(); }
        finally { _depth--; }
    }

    MathExpr ParsePrimaryCore()
    {
        var t = Next();
        switch (t.Kind)
        {
            case MathTokenKind.Num:
                return ParseNumber(t);
            case MathTokenKind.Ident:
                {
                    var name = t.Text;
                    if (Peek.Is("_"))
                    {
                        _p++;
                        name += "_" + SubscriptText();
                    }
                    return new VarExpr(name);
                }
            case MathTokenKind.Cmd:
                return ParseCommand(t.Text);
            case MathTokenKind.Sym:
                switch (t.Text)
                {
                    case "(" or "[": return ParseBracket(t.Text[0]);
                    case "{":
                        {
                            var items = ParseList();
                            Expect("}");
                            if (items.Count == 1 && items[0] is ScalarAnswer s) return s.Expr;
                            return new WrappedExpr(items.Count == 1 ? items[0] : new ListAnswer([.. items]));
                        }
                    case "\\{":
                        {
                            var items = ParseList();
                            Expect("\\}");
                            return new WrappedExpr(new SetAnswer([.. items]));
                        }
                    case "|":
                        {
                            var inner = Scalar(ParseSum());
                            Expect("|");
                            return new FuncExpr("abs", [inner]);
                        }
                }
                break;
        }
        throw new MathParseException($"unexpected {t}");
    }

    string SubscriptText()
    {
        if (Peek.Is("{"))
        {
            _p++;
            var parts = new List<string>();
            while (!Peek.Is("}"))
            {
                if (Peek.Kind == MathTokenKind.End) throw new MathParseException("unbalanced subscript braces");
                parts.Add(Next().Text);
            }
            _p++;
            return string.Concat(parts);
        }
        var t = Next();
        if (t.Kind == MathTokenKind.Num && t.Text.Length > 1)
        {
            _t[--_p] = t with { Text = t.Text[1..] };
            return t.Text[..1];
        }
        if (t.Kind is MathTokenKind.Num or MathTokenKind.Ident) return t.Text;
        throw new MathParseException($"bad subscript {t}");
    }

    MathExpr ParseNumber(MathToken t)
    {
        if (t.Text.Contains('.', StringComparison.Ordinal) && Peek.Kind == MathTokenKind.Cmd && Peek.Text == "overline")
        {
            // 0.1\overline{6} = 0.1666…: the repeating block after the written digits.
            _p++;
            var block = RepeatingBlock();
            int dot = t.Text.IndexOf('.', StringComparison.Ordinal);
            string whole = t.Text[..dot], fixedDigits = t.Text[(dot + 1)..];
            var a = BigInteger.Parse(whole + fixedDigits + block, NumberStyles.None, CultureInfo.InvariantCulture)
                  - BigInteger.Parse(whole + fixedDigits, NumberStyles.None, CultureInfo.InvariantCulture);
            var d = (BigInteger.Pow(10, block.Length) - 1) * BigInteger.Pow(10, fixedDigits.Length);
            return new NumExpr(MathNumber.Of(a, d));
        }
        var value = ToNumber(t.Text);
        bool isInteger = value.Denominator.IsOne && !t.Text.Contains('.', StringComparison.Ordinal) && !t.Text.Contains('e', StringComparison.Ordinal);
        // Mixed numbers: 918\frac{1}{2}, 2\frac34, 3 1/2.
        if (isInteger && Peek.Kind == MathTokenKind.Cmd && Peek.Text == "frac" && TryMixedFrac(out var frac))
            return new NumExpr(MathNumber.Of(value.Numerator * frac.Denominator + frac.Numerator, frac.Denominator));
        if (isInteger && Peek.Kind == MathTokenKind.Num && Peek.SpaceBefore && PeekAt(1).Is("/") && PeekAt(2).Kind == MathTokenKind.Num
            && IsDigits(Peek.Text) && IsDigits(PeekAt(2).Text))
        {
            var n = BigInteger.Parse(Peek.Text, CultureInfo.InvariantCulture);
            var d = BigInteger.Parse(PeekAt(2).Text, CultureInfo.InvariantCulture);
            if (!d.IsZero && n < d && !PeekAt(3).Is("^"))
            {
                _p += 3;
                return new NumExpr(MathNumber.Of(value.Numerator * d + n, d));
            }
        }
        return new NumExpr(value);
    }

    string RepeatingBlock()
    {
        Expect("{");
        var digits = new System.Text.StringBuilder();
        while (Peek.Kind == MathTokenKind.Num && IsDigits(Peek.Text)) digits.Append(Next().Text);
        Expect("}");
        if (digits.Length == 0 || digits.Length > 200) throw new MathParseException("\\overline needs a block of digits");
        return digits.ToString();
    }

    static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    /// <summary>Reads <c>\frac{n}{d}</c> with integer literals n &lt; d right after an integer (a mixed number).</summary>
    bool TryMixedFrac(out MathNumber frac)
    {
        frac = MathNumber.Of(0, 1);
        int save = _p;
        var saved = _t.ToArray();
        _p++;
        try
        {
            var n = ReadArgument();
            var d = ReadArgument();
            if (n is NumExpr { Value.Denominator.IsOne: true } a && d is NumExpr { Value.Denominator.IsOne: true } b
                && a.Value.Numerator.Sign >= 0 && b.Value.Numerator > a.Value.Numerator && !Peek.Is("^"))
            {
                frac = MathNumber.Of(a.Value.Numerator, b.Value.Numerator);
                return true;
            }
        }
        catch (MathParseException) { }
        _p = save;
        _t.Clear();
        _t.AddRange(saved);
        return false;
    }

    MathExpr ParseCommand(string name)
    {
        switch (name)
        {
            case "frac":
                {
                    var n = ReadArgument();
                    var d = ReadArgument();
                    return new BinExpr('/', n, d);
                }
            case "binom":
                {
                    var n = ReadArgument();
                    var k = ReadArgument();
                    return new FuncExpr("binom", [n, k]);
                }
            case "sqrt":
                {
                    MathExpr? degree = null;
                    if (Accept("["))
                    {
                        var items = ParseList();
                        Expect("]");
                        if (items.Count != 1 || items[0] is not ScalarAnswer s) throw new MathParseException("bad root degree");
                        degree = s.Expr;
                    }
                    var arg = Peek.Is("(") ? ParseGroupExpr() : ReadArgument();
                    return degree is null ? new FuncExpr("sqrt", [arg]) : new FuncExpr("root", [arg, degree]);
                }
            case "infty": return new InfinityExpr();
            case "reals": return new WrappedExpr(new TupleAnswer('(', ')', [new ScalarAnswer(new NegExpr(new InfinityExpr())), new ScalarAnswer(new InfinityExpr())]));
            case "emptyset": return new WrappedExpr(new SetAnswer([]));
            default:
                {
                    // A function: \sin^2 x, \sin^{-1} x, \log_2 8, \ln(x), \sin x.
                    MathExpr? power = null, logBase = null;
                    for (int k = 0; k < 2; k++)
                    {
                        if (Peek.Is("^") ) { _p++; power = ParseExponent(); }
                        else if (Peek.Is("_") && name == "log") { _p++; logBase = ReadArgument(); }
                    }
                    MathExpr arg = Peek.Is("(") || Peek.Is("{") ? ParseGroupExpr() : Scalar(ParsePower());
                    var fname = name;
                    if (power is NegExpr { Operand: NumExpr { Value: { Numerator.IsOne: true, Denominator.IsOne: true } } } && name is "sin" or "cos" or "tan")
                    {
                        fname = "arc" + name;
                        power = null;
                    }
                    MathExpr f = logBase is null ? new FuncExpr(fname, [arg]) : new FuncExpr("log", [arg, logBase]);
                    return power is null ? f : new BinExpr('^', f, power);
                }
        }
    }

    MathExpr ParseBracket(char open)
    {
        var items = ParseList();
        char close;
        if (Accept(")")) close = ')';
        else if (Accept("]")) close = ']';
        else throw new MathParseException($"expected ')' or ']', found {Peek}");
        if (items.Count == 0) throw new MathParseException("empty brackets");
        if (items.Count == 1)
        {
            if ((open == '(') != (close == ')')) throw new MathParseException("a half-open bracket around one item");
            if (items[0] is ScalarAnswer s) return s.Expr;
            return new WrappedExpr(items[0] is TupleAnswer or SetAnswer or UnionAnswer ? items[0] : new TupleAnswer(open, close, [.. items]));
        }
        return new WrappedExpr(new TupleAnswer(open, close, [.. items]));
    }

    /// <summary>Canonical number text ("1234.5", "3e-2") to an exact rational.</summary>
    internal static MathNumber ToNumber(string text)
    {
        int e = text.IndexOf('e', StringComparison.Ordinal);
        int exponent = 0;
        if (e >= 0)
        {
            if (!int.TryParse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 400)
                throw new MathParseException($"number '{text}' is out of range");
            text = text[..e];
        }
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? text : text[..dot], frac = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length + frac.Length > 1000) throw new MathParseException("a number with more than 1000 digits");
        var n = BigInteger.Parse(whole.Length + frac.Length == 0 ? "0" : whole + frac, NumberStyles.None, CultureInfo.InvariantCulture);
        int scale = frac.Length - exponent;
        return scale >= 0 ? MathNumber.Of(n, BigInteger.Pow(10, scale)) : MathNumber.Of(n * BigInteger.Pow(10, -scale), 1);
    }
}
