using System.Text;

namespace Blend;

/// <summary>The kinds of <see cref="MathToken"/>.</summary>
internal enum MathTokenKind
{
    /// <summary>A number literal; <see cref="MathToken.Text"/> is its canonical digits ("1234.5", "3e-2").</summary>
    Num,
    /// <summary>A one-letter variable or a Greek letter ("x", "alpha", "pi").</summary>
    Ident,
    /// <summary>A word of text or a unit ("cm", "sunday").</summary>
    Word,
    /// <summary>A command: frac, sqrt, binom, infty, emptyset, cup, in, or a function name (sin, ln…).</summary>
    Cmd,
    /// <summary>A symbol: + - * / ^ _ ! ( ) [ ] { } \{ \} , ; | = != &lt; &lt;= &gt; &gt;= % pm mp.</summary>
    Sym,
    /// <summary>A degree mark (^\circ, °, \degree).</summary>
    Degree,
    /// <summary>The end of the input.</summary>
    End,
}

/// <summary>A token of a math answer.</summary>
internal readonly record struct MathToken(MathTokenKind Kind, string Text, bool SpaceBefore = false)
{
    public bool Is(string symbol) => Kind == MathTokenKind.Sym && Text == symbol;
    public override string ToString() => Kind == MathTokenKind.End ? "end of answer" : $"'{Text}'";
}

/// <summary>A math answer Blend cannot read (the judge's error verdict carries the message).</summary>
internal sealed class MathParseException(string message) : Exception(message);

/// <summary>
/// Splits LaTeX or plain math into tokens. Handles thousands separators (<c>1,234</c> without a space after the comma,
/// <c>14{,}916</c>, <c>1\,234</c>, <c>1\!234</c>, thin and no-break spaces) and decimal commas written <c>3{,}5</c>;
/// drops sizing and spacing commands (<c>\left</c>, <c>\displaystyle</c>, <c>\quad</c>) and currency signs;
/// reads <c>\text{…}</c>-like wrappers as words (and "or"/"and" as list separators).
/// </summary>
internal static class MathLexer
{
    static readonly HashSet<string> Functions = ["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln", "log", "exp"];
    static readonly HashSet<string> Greek = ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "pi",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"];
    static readonly HashSet<string> Ignored = ["left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "displaystyle", "textstyle", "limits", "quad", "qquad", "hfill", "mathstrut"];
    static readonly HashSet<string> TextWrappers = ["text", "textbf", "textit", "textrm", "texttt", "textsf", "mathrm", "mathbf", "mathit", "mathsf", "mbox", "operatorname", "boldsymbol", "bm", "emph", "textnormal"];
    static readonly HashSet<string> ShortUnits = ["cm", "mm", "km", "kg", "mg", "ft", "mi", "hr", "oz", "lb", "ml", "yd", "sq", "mph"];

    /// <summary>Tokenizes <paramref name="text"/>.</summary>
    /// <exception cref="MathParseException">A character or command the parser does not know.</exception>
    public static List<MathToken> Tokenize(string text)
    {
        foreach (char ch in text)
            if (ch > 127) { text = Unicode(text); break; }
        var tokens = new List<MathToken>(Math.Min(64, text.Length + 1));
        Lex(text, tokens, textMode: false);
        tokens.Add(new MathToken(MathTokenKind.End, ""));
        return tokens;
    }

    static void Lex(string s, List<MathToken> tokens, bool textMode)
    {
        int i = 0;
        bool space = false;
        void Add(MathTokenKind kind, string text) { tokens.Add(new MathToken(kind, text, space)); space = false; }
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c) || c == '~') { space = true; i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                Add(MathTokenKind.Num, ReadNumber(s, ref i));
                continue;
            }
            if (c == '\\')
            {
                i++;
                if (i >= s.Length) throw new MathParseException("a lone backslash at the end");
                if (!char.IsAsciiLetter(s[i]))
                {
                    char d = s[i++];
                    switch (d)
                    {
                        case ',' or ';' or ':' or '!' or ' ' or '>': space = true; break;
                        case '%': Add(MathTokenKind.Sym, "%"); break;
                        case '$': break;
                        case '{': Add(MathTokenKind.Sym, "\\{"); break;
                        case '}': Add(MathTokenKind.Sym, "\\}"); break;
                        case '|': Add(MathTokenKind.Sym, "|"); break;
                        case '(' or ')' or '[' or ']': space = true; break;   // math delimiters \( \) \[ \]
                        default: throw new MathParseException($"unsupported LaTeX command '\\{d}'");
                    }
                    continue;
                }
                int start = i;
                while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
                var name = s[start..i];
                if (Ignored.Contains(name))
                {
                    if ((name == "left" || name == "right") && i < s.Length && s[i] == '.') i++;
                    space = true;
                    continue;
                }
                if (name is "mathbb" or "mathbf" && s.AsSpan(i).TrimStart().StartsWith("{R}", StringComparison.Ordinal))
                {
                    ReadGroup(s, ref i, name);
                    Add(MathTokenKind.Cmd, "reals");
                    continue;
                }
                if (TextWrappers.Contains(name))
                {
                    var content = ReadGroup(s, ref i, name);
                    var trimmed = content.Trim();
                    if (trimmed is "or" or "and" or "," || trimmed.Equals("or", StringComparison.OrdinalIgnoreCase)) { Add(MathTokenKind.Sym, ","); continue; }
                    var inner = new List<MathToken>();
                    Lex(content, inner, textMode: name is not ("operatorname" or "boldsymbol" or "bm"));
                    if (inner.Count > 0) inner[0] = inner[0] with { SpaceBefore = inner[0].SpaceBefore || space };
                    space = false;
                    tokens.AddRange(inner);
                    continue;
                }
                switch (name)
                {
                    case "dfrac" or "tfrac" or "cfrac" or "frac": Add(MathTokenKind.Cmd, "frac"); break;
                    case "sqrt" or "binom": Add(MathTokenKind.Cmd, name); break;
                    case "dbinom" or "tbinom": Add(MathTokenKind.Cmd, "binom"); break;
                    case "infty" or "infin": Add(MathTokenKind.Cmd, "infty"); break;
                    case "emptyset" or "varnothing": Add(MathTokenKind.Cmd, "emptyset"); break;
                    case "cup": Add(MathTokenKind.Cmd, "cup"); break;
                    case "in": Add(MathTokenKind.Cmd, "in"); break;
                    case "pm": Add(MathTokenKind.Sym, "pm"); break;
                    case "mp": Add(MathTokenKind.Sym, "mp"); break;
                    case "cdot" or "times" or "ast": Add(MathTokenKind.Sym, "*"); break;
                    case "div": Add(MathTokenKind.Sym, "/"); break;
                    case "le" or "leq" or "leqslant": Add(MathTokenKind.Sym, "<="); break;
                    case "ge" or "geq" or "geqslant": Add(MathTokenKind.Sym, ">="); break;
                    case "lt": Add(MathTokenKind.Sym, "<"); break;
                    case "gt": Add(MathTokenKind.Sym, ">"); break;
                    case "ne" or "neq": Add(MathTokenKind.Sym, "!="); break;
                    case "circ" or "degree": Add(MathTokenKind.Degree, "°"); break;
                    case "overline": Add(MathTokenKind.Cmd, "overline"); break;
                    case "approx": Add(MathTokenKind.Sym, "≈"); break;
                    case "lvert" or "rvert" or "vert" or "mid": Add(MathTokenKind.Sym, "|"); break;
                    case "lbrace": Add(MathTokenKind.Sym, "\\{"); break;
                    case "rbrace": Add(MathTokenKind.Sym, "\\}"); break;
                    case "dollar" or "euro" or "pounds": break;
                    case "begin" or "end":
                        var env = ReadGroup(s, ref i, name);
                        throw new MathParseException(env.Contains("matrix", StringComparison.Ordinal) || env == "array"
                            ? "matrices are not supported" : $"unsupported LaTeX environment '{env}'");
                    default:
                        if (Functions.Contains(name)) Add(MathTokenKind.Cmd, name);
                        else if (Greek.Contains(name)) Add(MathTokenKind.Ident, name);
                        else throw new MathParseException($"unsupported LaTeX command '\\{name}'");
                        break;
                }
                continue;
            }
            if (char.IsLetter(c))
            {
                int start = i;
                while (i < s.Length && char.IsLetter(s[i])) i++;
                var run = s[start..i];
                if (textMode) { Add(MathTokenKind.Word, run); continue; }
                var lower = run.ToLowerInvariant();
                if (lower is "or" or "and") { Add(MathTokenKind.Sym, ","); continue; }
                if (run == "in") { Add(MathTokenKind.Cmd, "in"); continue; }
                if (run.Length > 1 && Functions.Contains(lower)) { Add(MathTokenKind.Cmd, lower); continue; }
                if (lower == "sqrt") { Add(MathTokenKind.Cmd, "sqrt"); continue; }
                if (lower == "pi") { Add(MathTokenKind.Ident, "pi"); continue; }
                if (lower is "inf" or "infty" or "infinity" or "oo") { Add(MathTokenKind.Cmd, "infty"); continue; }
                if (lower is "degrees" or "degree" or "deg") { Add(MathTokenKind.Degree, "°"); continue; }
                if (run.Length >= 3 || ShortUnits.Contains(lower) || !run.All(char.IsAsciiLetter)) { Add(MathTokenKind.Word, run); continue; }
                foreach (char l in run) Add(MathTokenKind.Ident, l.ToString());
                continue;
            }
            i++;
            switch (c)
            {
                case '$' or '€' or '£' or '¥': break;
                case '°': Add(MathTokenKind.Degree, "°"); break;
                case '<' or '>' or '!' or '=':
                    if (i < s.Length && s[i] == '=') { i++; Add(MathTokenKind.Sym, c == '=' ? "=" : c + "="); }
                    else Add(MathTokenKind.Sym, c.ToString());
                    break;
                case '*':
                    if (i < s.Length && s[i] == '*') { i++; Add(MathTokenKind.Sym, "^"); }
                    else Add(MathTokenKind.Sym, "*");
                    break;
                case '+' or '-' or '/' or '^' or '_' or '(' or ')' or '[' or ']' or '{' or '}' or ',' or ';' or '|' or '%':
                    Add(MathTokenKind.Sym, c.ToString());
                    break;
                case '.':
                    if (s.AsSpan(i).Trim().Length == 0 || (textMode)) break;   // a sentence's final period
                    throw new MathParseException("a stray '.'");
                case ':' when !textMode: Add(MathTokenKind.Sym, "/"); break;      // a ratio 1:2
                case '&' or ':' when textMode: break;
                case '?' or '\'' or '"' when textMode: break;
                default:
                    if (textMode && (char.IsPunctuation(c) || char.IsSymbol(c))) break;
                    throw new MathParseException($"unexpected character '{c}'");
            }
        }
    }

    /// <summary>Unicode math symbols as the LaTeX the lexer reads.</summary>
    static string Unicode(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
            sb.Append(c switch
            {
                '\u2212' or '\u2013' or '\u2012' => "-",
                '×' or '·' or '\u22C5' or '\u2217' => "\\cdot ",
                '÷' => "\\div ",
                '≤' or '\u2A7D' => "\\le ",
                '≥' or '\u2A7E' => "\\ge ",
                '≠' => "\\ne ",
                '±' => "\\pm ",
                '∓' => "\\mp ",
                '∞' => "\\infty ",
                'π' => "\\pi ",
                '√' => "\\sqrt",
                '∪' => "\\cup ",
                '∈' => "\\in ",
                '∅' => "\\emptyset ",
                '≈' => "\\approx ",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>Reads a braced group after a command (<c>\text{…}</c>); a missing brace is an error.</summary>
    internal static string ReadGroup(string s, ref int i, string command)
    {
        while (i < s.Length && s[i] == ' ') i++;
        if (i >= s.Length || s[i] != '{') throw new MathParseException($"'\\{command}' without a {{…}} argument");
        int depth = 0;
        for (int j = i; j < s.Length; j++)
        {
            if (s[j] == '{') depth++;
            else if (s[j] == '}' && --depth == 0)
            {
                var content = s[(i + 1)..j];
                i = j + 1;
                return content;
            }
        }
        throw new MathParseException($"unbalanced braces after '\\{command}'");
    }

    /// <summary>Reads digits with thousands separators, a decimal part and an exponent; returns canonical "digits[.digits][e±n]".</summary>
    static string ReadNumber(string s, ref int i)
    {
        var sb = new StringBuilder();
        int groupStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) sb.Append(s[i++]);
        int firstGroup = i - groupStart;
        bool hadDecimal = false;
        while (true)
        {
            int sep = SeparatorLength(s, i, out bool braced);
            if (sep == 0) break;
            int j = i + sep, k = j;
            while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
            int digits = k - j;
            bool plainComma = s[i] == ',' && sep == 1;
            if (digits == 3 && (!plainComma || firstGroup is >= 1 and <= 3))
            {
                sb.Append(s, j, 3);
                i = k;
                continue;
            }
            if (braced && digits > 0 && !hadDecimal && sb.Length > 0)
            {
                sb.Append('.').Append(s, j, digits);   // 3{,}5: a LaTeX decimal comma
                i = k;
                hadDecimal = true;
            }
            break;
        }
        if (!hadDecimal && i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            sb.Append('.');
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) sb.Append(s[i++]);
        }
        else if (!hadDecimal && i < s.Length && s[i] == '.' && string.CompareOrdinal(s, i + 1, "\\overline", 0, 9) == 0)
        {
            sb.Append('.');
            i++;
        }
        else if (!hadDecimal && i < s.Length && s[i] == '.' && sb.Length > 0 && (i + 1 == s.Length || !char.IsLetter(s[i + 1])))
            i++;   // "5." : a trailing period
        if (i + 1 < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            int j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-')) j++;
            int k = j;
            while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
            if (k > j && (k == s.Length || !char.IsLetter(s[k])))
            {
                sb.Append('e').Append(s, i + 1, k - i - 1);
                i = k;
            }
        }
        if (sb.Length > 0 && sb[0] == '.') sb.Insert(0, '0');
        return sb.ToString();
    }

    /// <summary>Length of a thousands separator at <paramref name="i"/> (0 if none).</summary>
    static int SeparatorLength(string s, int i, out bool braced)
    {
        braced = false;
        if (i >= s.Length) return 0;
        char c = s[i];
        if (c == ',')
        {
            if (i + 2 < s.Length && s[i + 1] == '\\' && s[i + 2] == '!')
            {
                int k = i + 3;
                while (k < s.Length && s[k] == ' ') k++;
                braced = false;
                return k - i;
            }
            return 1;
        }
        if (c is '\u2009' or '\u202F' or '\u00A0' or '\u2006') return 1;
        if (c == '{' && i + 2 < s.Length && s[i + 1] == ',' && s[i + 2] == '}') { braced = true; return 3; }
        if (c == '\\' && i + 1 < s.Length && (s[i + 1] is ',' or '!' or ' ' or ';')) return 2;
        if (c == '\\' && string.CompareOrdinal(s, i, "\\thinspace", 0, 10) == 0) return 10;
        return 0;
    }
}
