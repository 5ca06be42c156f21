using System.Globalization;
using System.Text;

namespace Blend.Jinja;

/// <summary>Kinds of template tokens.</summary>
internal enum TokenKind { Text, OutputStart, OutputEnd, BlockStart, BlockEnd, Name, String, Integer, Float, Operator, End }

/// <summary>One token with the template line it starts on.</summary>
internal readonly record struct JinjaToken(TokenKind Kind, string Value, int Line);

/// <summary>
/// Splits a template into text and tag tokens with the environment Hugging Face renders chat templates in: <c>trim_blocks</c>
/// (the first newline after a block tag is dropped) and <c>lstrip_blocks</c> (spaces and tabs before a block tag on its
/// line are dropped), plus the <c>-</c> whitespace control on either side of any tag. Comments are removed.
/// </summary>
internal static class JinjaLexer
{
    static readonly string[] Operators = ["==", "!=", "<=", ">=", "//", "**", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "~", "+", "-", "*", "/", "%", "<", ">", "="];

    public static List<JinjaToken> Tokenize(string source, string where)
    {
        // Jinja's default keep_trailing_newline=False: one newline at the very end of the template is dropped.
        if (source.EndsWith("\r\n", StringComparison.Ordinal)) source = source[..^2];
        else if (source.EndsWith('\n')) source = source[..^1];
        var tokens = new List<JinjaToken>();
        int i = 0, line = 1;
        bool trimNextNewline = false, stripNextWhitespace = false;
        while (i < source.Length)
        {
            int open = FindTagStart(source, i);
            string text = source[i..(open < 0 ? source.Length : open)];
            if (open >= 0)
            {
                char k = source[open + 1];
                bool m = open + 2 < source.Length && source[open + 2] == '-';
                bool p = open + 2 < source.Length && source[open + 2] == '+';
                if (m) text = text.TrimEnd();
                else if (k != '{' && !p)
                {
                    // lstrip_blocks: spaces/tabs between the start of the line and a block tag are dropped.
                    int nl = text.LastIndexOf('\n');
                    if (text.AsSpan(nl + 1).IndexOfAnyExcept(' ', '\t') < 0 && (nl >= 0 || i == 0 || source[i - 1] == '\n'))
                        text = text[..(nl + 1)];
                }
            }
            if (stripNextWhitespace) text = text.TrimStart();
            else if (trimNextNewline)
            {
                if (text.StartsWith("\r\n", StringComparison.Ordinal)) text = text[2..];
                else if (text.StartsWith('\n')) text = text[1..];
            }
            trimNextNewline = stripNextWhitespace = false;
            if (open < 0) { Add(TokenKind.Text, text, line); break; }

            char kind = source[open + 1];
            bool minus = open + 2 < source.Length && source[open + 2] == '-';
            bool plus = open + 2 < source.Length && source[open + 2] == '+';
            Add(TokenKind.Text, text, line);
            line += Count(source, i, open);

            int bodyStart = open + 2 + (minus || plus ? 1 : 0);
            string close = kind switch { '{' => "}}", '%' => "%}", _ => "#}" };
            int end = kind == '#' ? source.IndexOf(close, bodyStart, StringComparison.Ordinal) : FindClose(source, bodyStart, close);
            if (end < 0) throw new FormatException($"{where}: line {line}: '{source.Substring(open, 2)}' is never closed with '{close}'.");
            bool closeMinus = end > bodyStart && source[end - 1] == '-';
            int bodyEnd = closeMinus ? end - 1 : end;
            if (kind == '#') { /* comment */ }
            else
            {
                Add(kind == '{' ? TokenKind.OutputStart : TokenKind.BlockStart, "", line);
                LexExpression(source, bodyStart, bodyEnd, line, where, tokens);
                Add(kind == '{' ? TokenKind.OutputEnd : TokenKind.BlockEnd, "", line);
            }
            line += Count(source, open, end + 2);
            i = end + 2;
            if (closeMinus) stripNextWhitespace = true;
            else if (kind != '{') trimNextNewline = true;
        }
        tokens.Add(new JinjaToken(TokenKind.End, "", line));
        return tokens;

        void Add(TokenKind k, string v, int l)
        {
            if (k == TokenKind.Text && v.Length == 0) return;
            tokens.Add(new JinjaToken(k, v, l));
        }
    }

    /// <summary>The closing delimiter of a tag, outside string literals and brackets (so <c>{{ {'a': {'b': 1}} }}</c> closes at the end).</summary>
    static int FindClose(string s, int from, string close)
    {
        int depth = 0;
        for (int i = from; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'' || c == '"')
            {
                for (i++; i < s.Length && s[i] != c; i++) if (s[i] == '\\') i++;
                continue;
            }
            if (c is '(' or '[' or '{') depth++;
            else if (depth > 0 && c is ')' or ']' or '}') depth--;
            else if (depth == 0 && string.CompareOrdinal(s, i, close, 0, close.Length) == 0) return i;
        }
        return -1;
    }

    static int FindTagStart(string s, int from)
    {
        for (int i = from; i + 1 < s.Length; i++)
            if (s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%' || s[i + 1] == '#')) return i;
        return -1;
    }

    static int Count(string s, int from, int to)
    {
        int n = 0;
        for (int i = from; i < to && i < s.Length; i++) if (s[i] == '\n') n++;
        return n;
    }

    static void LexExpression(string s, int start, int end, int line, string where, List<JinjaToken> tokens)
    {
        int i = start;
        while (i < end)
        {
            char c = s[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsLetter(c) || c == '_')
            {
                int j = i + 1;
                while (j < end && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
                tokens.Add(new JinjaToken(TokenKind.Name, s[i..j], line));
                i = j;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                int j = i + 1;
                while (j < end && (char.IsAsciiDigit(s[j]) || s[j] == '_')) j++;
                bool isFloat = false;
                if (j + 1 < end && s[j] == '.' && char.IsAsciiDigit(s[j + 1]))
                {
                    isFloat = true; j++;
                    while (j < end && char.IsAsciiDigit(s[j])) j++;
                }
                if (j < end && (s[j] == 'e' || s[j] == 'E'))
                {
                    int k = j + 1;
                    if (k < end && (s[k] == '+' || s[k] == '-')) k++;
                    if (k < end && char.IsAsciiDigit(s[k])) { isFloat = true; j = k; while (j < end && char.IsAsciiDigit(s[j])) j++; }
                }
                tokens.Add(new JinjaToken(isFloat ? TokenKind.Float : TokenKind.Integer, s[i..j].Replace("_", ""), line));
                i = j;
                continue;
            }
            if (c == '\'' || c == '"')
            {
                var sb = new StringBuilder();
                int j = i + 1;
                for (; j < end && s[j] != c; j++)
                {
                    if (s[j] != '\\' || j + 1 >= end) { if (s[j] == '\n') line++; sb.Append(s[j]); continue; }
                    j++;
                    switch (s[j])
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case '\\': sb.Append('\\'); break;
                        case '\'': sb.Append('\''); break;
                        case '"': sb.Append('"'); break;
                        case 'u' when j + 4 < end:
                            sb.Append((char)int.Parse(s.AsSpan(j + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); j += 4; break;
                        default: sb.Append('\\').Append(s[j]); break;
                    }
                }
                if (j >= end) throw new FormatException($"{where}: line {line}: a string literal is not closed.");
                tokens.Add(new JinjaToken(TokenKind.String, sb.ToString(), line));
                i = j + 1;
                continue;
            }
            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(s, i, o, 0, o.Length) == 0 && i + o.Length <= end)
                ?? throw new FormatException($"{where}: line {line}: unexpected character '{c}' in a tag.");
            tokens.Add(new JinjaToken(TokenKind.Operator, op, line));
            i += op.Length;
        }
    }
}
