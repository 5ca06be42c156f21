namespace Blend;

/// <summary>A node of a parsed math expression (a scalar: numbers, variables, operators, functions).</summary>
internal abstract record MathExpr;

/// <summary>An exact number literal (integers, decimals, thousands-separated numbers, mixed numbers).</summary>
internal sealed record NumExpr(MathNumber Value) : MathExpr;

/// <summary>A variable (<c>x</c>, <c>a_1</c>, <c>\alpha</c>) or a named constant (<c>pi</c>, <c>e</c>, <c>i</c>).</summary>
internal sealed record VarExpr(string Name) : MathExpr
{
    public bool IsConstant => Name is "pi" or "e" or "i";
}

/// <summary>∞.</summary>
internal sealed record InfinityExpr : MathExpr;

/// <summary>−a.</summary>
internal sealed record NegExpr(MathExpr Operand) : MathExpr;

/// <summary>A binary operator: <c>+ - * / ^</c>, or <c>±</c> (a ± b; the unary form is 0 ± b).</summary>
internal sealed record BinExpr(char Op, MathExpr Left, MathExpr Right) : MathExpr;

/// <summary>A function application: sin, cos, tan, sec, csc, cot, arcsin, arccos, arctan, sinh, cosh, tanh, ln, log
/// (args: value[, base]), exp, sqrt, root (value, degree), abs, fact, binom.</summary>
internal sealed record FuncExpr(string Name, MathExpr[] Args) : MathExpr;

/// <summary>A value written with a percent sign (compared as the number itself or as a hundredth).</summary>
internal sealed record PercentExpr(MathExpr Operand) : MathExpr;

/// <summary>A non-scalar answer met inside an expression (a tuple in parentheses, a set): legal only on its own.</summary>
internal sealed record WrappedExpr(MathAnswerValue Answer) : MathExpr;

/// <summary>A parsed final answer: a scalar, a relation, a tuple/interval, a set, a list, a union or words.</summary>
internal abstract record MathAnswerValue;

/// <summary>One scalar expression.</summary>
internal sealed record ScalarAnswer(MathExpr Expr) : MathAnswerValue;

/// <summary>A relation chain <c>a op b op c …</c> with ops among <c>= ≠ &lt; ≤ &gt; ≥</c> (written "=", "!=", "&lt;", "&lt;=", "&gt;", "&gt;=").</summary>
internal sealed record RelationAnswer(MathExpr[] Sides, string[] Ops) : MathAnswerValue;

/// <summary>A bracketed sequence: a tuple <c>(a, b)</c>, a list <c>[a, b]</c> or an interval <c>[a, b)</c>.</summary>
internal sealed record TupleAnswer(char Open, char Close, MathAnswerValue[] Items) : MathAnswerValue;

/// <summary>A set in braces <c>\{a, b\}</c> (unordered); empty for ∅.</summary>
internal sealed record SetAnswer(MathAnswerValue[] Items) : MathAnswerValue;

/// <summary>A bare list <c>a, b</c> / <c>a or b</c> (a solution list: unordered unless order matters).</summary>
internal sealed record ListAnswer(MathAnswerValue[] Items) : MathAnswerValue;

/// <summary>A union of intervals or sets.</summary>
internal sealed record UnionAnswer(MathAnswerValue[] Parts) : MathAnswerValue;

/// <summary>A word answer (<c>\text{Sunday}</c>, "even"): lower-case words separated by single spaces.</summary>
internal sealed record TextAnswer(string Words) : MathAnswerValue;
