using System.Globalization;

namespace Blend.Jinja;

/// <summary>Parses template tokens into statements and expressions, with Jinja's operator precedence.</summary>
internal sealed class JinjaParser
{
    readonly List<JinjaToken> _t;
    readonly string _where;
    int _p;

    JinjaParser(List<JinjaToken> tokens, string where) { _t = tokens; _where = where; }

    public static IReadOnlyList<Node> Parse(string source, string where)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source, where), where);
        var body = parser.ParseBody([]);
        if (parser.Peek.Kind != TokenKind.End) throw parser.Error($"unexpected '{{% {parser.PeekBlockName()} %}}'");
        return body;
    }

    JinjaToken Peek => _t[_p];
    JinjaToken Next() => _t[_p++];

    FormatException Error(string message, int? line = null) => new($"{_where}: line {line ?? Peek.Line}: {message}.");

    string? PeekBlockName() => Peek.Kind == TokenKind.BlockStart && _t[_p + 1].Kind == TokenKind.Name ? _t[_p + 1].Value : null;

    List<Node> ParseBody(string[] terminators)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var tok = Peek;
            switch (tok.Kind)
            {
                case TokenKind.End:
                    if (terminators.Length > 0) throw Error($"the template ends inside a block; expected one of {string.Join(", ", terminators.Select(t => "{% " + t + " %}"))}");
                    return nodes;
                case TokenKind.Text:
                    Next(); nodes.Add(new TextNode(tok.Value, tok.Line)); break;
                case TokenKind.OutputStart:
                    Next();
                    var e = ParseExpression();
                    Expect(TokenKind.OutputEnd, "}}");
                    nodes.Add(new OutputNode(e, tok.Line));
                    break;
                case TokenKind.BlockStart:
                    var name = PeekBlockName() ?? throw Error("a block tag must start with a name");
                    if (terminators.Contains(name)) return nodes;
                    nodes.Add(ParseStatement());
                    break;
                default:
                    throw Error($"unexpected '{tok.Value}'");
            }
        }
    }

    Node ParseStatement()
    {
        var start = Next(); // {%
        var name = Next();
        switch (name.Value)
        {
            case "if": return ParseIf(start.Line);
            case "for": return ParseFor(start.Line);
            case "set": return ParseSet(start.Line);
            case "macro": return ParseMacro(start.Line);
            case "break": EndTag(); return new BreakNode(start.Line);
            case "continue": EndTag(); return new ContinueNode(start.Line);
            case "generation":
            {
                // transformers' {% generation %} marks assistant text for masks; it renders its body unchanged.
                EndTag();
                var body = ParseBody(["endgeneration"]);
                CloseBlock("endgeneration");
                return new IfNode([(new Literal(true, start.Line), body)], null, start.Line);
            }
            default:
                throw Error($"the tag '{{% {name.Value} %}}' is not supported (if, for, set, macro, break, continue, generation)", name.Line);
        }
    }

    Node ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var cond = ParseExpression();
        EndTag();
        List<Node>? elseBody = null;
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"]);
            branches.Add((cond, body));
            Next(); var tag = Next().Value;
            if (tag == "elif") { cond = ParseExpression(); EndTag(); continue; }
            EndTag();
            if (tag == "else") { elseBody = ParseBody(["endif"]); CloseBlock("endif"); }
            break;
        }
        return new IfNode(branches, elseBody, line);
    }

    Node ParseFor(int line)
    {
        var targets = new List<string> { ExpectName() };
        while (IsOp(",")) { Next(); targets.Add(ExpectName()); }
        if (Next() is not { Kind: TokenKind.Name, Value: "in" }) throw Error("expected 'in' in a for loop");
        var iterable = ParseExpression(allowConditional: false);
        Expr? filter = null;
        if (Peek is { Kind: TokenKind.Name, Value: "if" }) { Next(); filter = ParseExpression(allowConditional: false); }
        EndTag();
        var body = ParseBody(["else", "endfor"]);
        List<Node>? elseBody = null;
        Next(); var tag = Next().Value; EndTag();
        if (tag == "else") { elseBody = ParseBody(["endfor"]); CloseBlock("endfor"); }
        return new ForNode(targets, iterable, filter, body, elseBody, line);
    }

    Node ParseSet(int line)
    {
        var name = ExpectName();
        string? attr = null;
        if (IsOp(".")) { Next(); attr = ExpectName(); }
        if (Peek.Kind == TokenKind.BlockEnd && attr is null)
        {
            EndTag();
            var body = ParseBody(["endset"]);
            CloseBlock("endset");
            return new SetBlockNode(name, body, line);
        }
        if (!IsOp("=")) throw Error("expected '=' in a set statement");
        Next();
        var value = ParseExpression();
        if (IsOp(",")) value = ParseTupleRest(value);
        EndTag();
        return new SetNode(name, attr, value, line);
    }

    Node ParseMacro(int line)
    {
        var name = ExpectName();
        Expect(TokenKind.Operator, "(");
        var ps = new List<(string, Expr?)>();
        while (!IsOp(")"))
        {
            var p = ExpectName();
            Expr? def = null;
            if (IsOp("=")) { Next(); def = ParseExpression(); }
            ps.Add((p, def));
            if (IsOp(",")) Next(); else break;
        }
        Expect(TokenKind.Operator, ")");
        EndTag();
        var body = ParseBody(["endmacro"]);
        CloseBlock("endmacro");
        return new MacroNode(name, ps, body, line);
    }

    void CloseBlock(string name)
    {
        Next(); // {%
        var t = Next();
        if (t.Value != name) throw Error($"expected {{% {name} %}}", t.Line);
        EndTag();
    }

    void EndTag() => Expect(TokenKind.BlockEnd, "%}");

    void Expect(TokenKind kind, string value)
    {
        var t = Next();
        if (t.Kind != kind || (kind == TokenKind.Operator && t.Value != value))
            throw Error($"expected '{value}' but found '{(t.Kind == TokenKind.BlockEnd ? "%}" : t.Kind == TokenKind.OutputEnd ? "}}" : t.Value)}'", t.Line);
    }

    string ExpectName()
    {
        var t = Next();
        if (t.Kind != TokenKind.Name) throw Error($"expected a name but found '{t.Value}'", t.Line);
        return t.Value;
    }

    bool IsOp(string op) => Peek.Kind == TokenKind.Operator && Peek.Value == op;
    bool IsName(string name) => Peek.Kind == TokenKind.Name && Peek.Value == name;

    Expr ParseTupleRest(Expr first)
    {
        var items = new List<Expr> { first };
        while (IsOp(",")) { Next(); items.Add(ParseExpression()); }
        return new ListExpr(items, first.Line);
    }

    public Expr ParseExpression(bool allowConditional = true)
    {
        var e = ParseOr();
        if (allowConditional && IsName("if"))
        {
            Next();
            var cond = ParseOr();
            Expr? otherwise = null;
            if (IsName("else")) { Next(); otherwise = ParseExpression(); }
            return new ConditionalExpr(cond, e, otherwise, e.Line);
        }
        return e;
    }

    Expr ParseOr()
    {
        var e = ParseAnd();
        while (IsName("or")) { var l = Next().Line; e = new BinaryExpr("or", e, ParseAnd(), l); }
        return e;
    }

    Expr ParseAnd()
    {
        var e = ParseNot();
        while (IsName("and")) { var l = Next().Line; e = new BinaryExpr("and", e, ParseNot(), l); }
        return e;
    }

    Expr ParseNot()
    {
        if (IsName("not")) { var l = Next().Line; return new UnaryExpr("not", ParseNot(), l); }
        return ParseCompare();
    }

    Expr ParseCompare()
    {
        var e = ParseMath1();
        while (true)
        {
            if (Peek.Kind == TokenKind.Operator && Peek.Value is "==" or "!=" or "<" or ">" or "<=" or ">=")
            { var op = Next(); e = new BinaryExpr(op.Value, e, ParseMath1(), op.Line); }
            else if (IsName("in")) { var l = Next().Line; e = new BinaryExpr("in", e, ParseMath1(), l); }
            else if (IsName("not") && _t[_p + 1] is { Kind: TokenKind.Name, Value: "in" }) { var l = Next().Line; Next(); e = new BinaryExpr("not in", e, ParseMath1(), l); }
            else return e;
        }
    }

    Expr ParseMath1()
    {
        var e = ParseConcat();
        while (Peek.Kind == TokenKind.Operator && Peek.Value is "+" or "-") { var op = Next(); e = new BinaryExpr(op.Value, e, ParseConcat(), op.Line); }
        return e;
    }

    Expr ParseConcat()
    {
        var e = ParseMath2();
        while (IsOp("~")) { var l = Next().Line; e = new BinaryExpr("~", e, ParseMath2(), l); }
        return e;
    }

    Expr ParseMath2()
    {
        var e = ParsePow();
        while (Peek.Kind == TokenKind.Operator && Peek.Value is "*" or "/" or "//" or "%") { var op = Next(); e = new BinaryExpr(op.Value, e, ParsePow(), op.Line); }
        return e;
    }

    Expr ParsePow()
    {
        var e = ParseUnary(true);
        while (IsOp("**")) { var l = Next().Line; e = new BinaryExpr("**", e, ParseUnary(true), l); }
        return e;
    }

    Expr ParseUnary(bool withFilter)
    {
        Expr e;
        if (IsOp("-")) { var l = Next().Line; e = new UnaryExpr("-", ParseUnary(false), l); }
        else if (IsOp("+")) { Next(); e = ParseUnary(false); }
        else e = ParsePostfix(ParsePrimary());
        return withFilter ? ParseFilters(e) : e;
    }

    Expr ParseFilters(Expr e)
    {
        while (true)
        {
            if (IsOp("|"))
            {
                var l = Next().Line;
                var name = ExpectName();
                var (args, kwargs) = IsOp("(") ? ParseArgs() : ([], []);
                e = new FilterExpr(e, name, args, kwargs, l);
            }
            else if (IsName("is"))
            {
                var l = Next().Line;
                bool negated = false;
                if (IsName("not")) { Next(); negated = true; }
                var name = ExpectName();
                var args = new List<Expr>();
                if (IsOp("(")) args.AddRange(ParseArgs().Args);
                else if (Peek.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float || (Peek.Kind == TokenKind.Name && Peek.Value is not ("and" or "or" or "else" or "if" or "not" or "in" or "is")))
                    args.Add(ParsePostfix(ParsePrimary()));
                e = new TestExpr(e, name, args, negated, l);
            }
            else return e;
        }
    }

    Expr ParsePostfix(Expr e)
    {
        while (true)
        {
            if (IsOp("."))
            {
                var l = Next().Line;
                var t = Next();
                e = t.Kind is TokenKind.Name ? new GetAttr(e, t.Value, l)
                    : t.Kind is TokenKind.Integer ? new GetItem(e, new Literal(long.Parse(t.Value, CultureInfo.InvariantCulture), l), l)
                    : throw Error("expected an attribute name after '.'", l);
            }
            else if (IsOp("["))
            {
                var l = Next().Line;
                Expr? a = null, b = null, c = null;
                if (!IsOp(":")) a = ParseExpression();
                if (IsOp(":"))
                {
                    Next();
                    if (!IsOp("]") && !IsOp(":")) b = ParseExpression();
                    if (IsOp(":")) { Next(); if (!IsOp("]")) c = ParseExpression(); }
                    Expect(TokenKind.Operator, "]");
                    e = new SliceExpr(e, a, b, c, l);
                }
                else
                {
                    Expect(TokenKind.Operator, "]");
                    e = new GetItem(e, a ?? throw Error("empty subscript", l), l);
                }
            }
            else if (IsOp("("))
            {
                var l = Peek.Line;
                var (args, kwargs) = ParseArgs();
                e = new CallExpr(e, args, kwargs, l);
            }
            else return e;
        }
    }

    (List<Expr> Args, List<(string, Expr)> Kwargs) ParseArgs()
    {
        Expect(TokenKind.Operator, "(");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!IsOp(")"))
        {
            if (Peek.Kind == TokenKind.Name && _t[_p + 1] is { Kind: TokenKind.Operator, Value: "=" })
            {
                var n = Next().Value; Next();
                kwargs.Add((n, ParseExpression()));
            }
            else args.Add(ParseExpression());
            if (IsOp(",")) Next(); else break;
        }
        Expect(TokenKind.Operator, ")");
        return (args, kwargs);
    }

    Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.String:
            {
                var s = t.Value;
                while (Peek.Kind == TokenKind.String) s += Next().Value; // adjacent literals concatenate
                return new Literal(s, t.Line);
            }
            case TokenKind.Integer: return new Literal(long.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Float: return new Literal(double.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new Literal(true, t.Line),
                    "false" or "False" => new Literal(false, t.Line),
                    "none" or "None" => new Literal(null, t.Line),
                    _ => new NameRef(t.Value, t.Line),
                };
            case TokenKind.Operator when t.Value == "(":
            {
                if (IsOp(")")) { Next(); return new ListExpr([], t.Line); }
                var e = ParseExpression();
                if (IsOp(",")) { e = ParseTupleRest(e); }
                Expect(TokenKind.Operator, ")");
                return e;
            }
            case TokenKind.Operator when t.Value == "[":
            {
                var items = new List<Expr>();
                while (!IsOp("]")) { items.Add(ParseExpression()); if (IsOp(",")) Next(); else break; }
                Expect(TokenKind.Operator, "]");
                return new ListExpr(items, t.Line);
            }
            case TokenKind.Operator when t.Value == "{":
            {
                var items = new List<(Expr, Expr)>();
                while (!IsOp("}"))
                {
                    var k = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    items.Add((k, ParseExpression()));
                    if (IsOp(",")) Next(); else break;
                }
                Expect(TokenKind.Operator, "}");
                return new DictExpr(items, t.Line);
            }
            default:
                throw Error($"unexpected '{(t.Kind == TokenKind.BlockEnd ? "%}" : t.Kind == TokenKind.OutputEnd ? "}}" : t.Value)}' in an expression", t.Line);
        }
    }
}
