using System.Text.RegularExpressions;

namespace Blend;

/// <summary>
/// Finds the final answer in a response, in this order: the last <c>\boxed{…}</c> / <c>\fbox{…}</c>, unless an explicit
/// "final answer is" / "the answer is" / "answer:" / a GSM8K-style "#### " line comes after it (the later statement wins; a box inside that statement is
/// still read as the box); else the last display or inline math (<c>\[…\]</c>, <c>$$…$$</c>, <c>\(…\)</c>, <c>$…$</c>;
/// dollar pairs around prose are currency, not math); else the right-hand side of the last <c>=</c>; else the last number.
/// </summary>
internal static partial class AnswerExtraction
{
    /// <summary>The final-answer text, or null when the response states none.</summary>
    public static string? Extract(string response)
    {
        var box = LastBoxed(response, 0, response.Length);
        var phrases = AnswerPhrase().Matches(response);
        if (phrases.Count > 0)
        {
            var phrase = phrases[^1];
            int tailStart = phrase.Index + phrase.Length;
            if (box is null || phrase.Index >= box.Value.End)
            {
                if (PhraseTail(response, tailStart) is { Length: > 0 } tail) return tail;
            }
        }
        if (box is { } b) return b.Content.Trim();
        if (LastMath(response) is { } math) return math;
        if (LastEquals(response) is { } rhs) return rhs;
        var numbers = NumberToken().Matches(response);
        return numbers.Count > 0 ? numbers[^1].Value.Trim() : null;
    }

    /// <summary>The answer after a phrase: a box in it, else its first math span, else up to the end of the sentence.</summary>
    static string? PhraseTail(string s, int start)
    {
        int end = s.IndexOf('\n', start);
        if (end < 0) end = s.Length;
        var line = s[start..end];
        if (line.Trim().Length == 0)
        {
            // "The answer is:\n$$ 5 $$": the next non-blank line.
            int next = end;
            while (next < s.Length && char.IsWhiteSpace(s[next])) next++;
            int stop = s.IndexOf('\n', next);
            line = s[next..(stop < 0 ? s.Length : stop)];
        }
        if (LastBoxed(line, 0, line.Length) is { } b) return b.Content.Trim();
        if (FirstMath(line) is { } m) return m;
        var sentence = SentenceEnd().Match(line);
        var text = (sentence.Success ? line[..sentence.Index] : line).Trim().TrimEnd('.', ';', '!').Trim();
        if (text.StartsWith("is ", StringComparison.OrdinalIgnoreCase)) text = text[3..].Trim();
        return text.Trim('*').Trim();
    }

    /// <summary>The last <c>\boxed{…}</c> or <c>\fbox{…}</c> in s[from..to): its content and end index.</summary>
    internal static (string Content, int End)? LastBoxed(string s, int from, int to)
    {
        int pos = to;
        while (true)
        {
            int a = s.LastIndexOf("\\boxed", pos - 1 < from ? from : pos - 1, pos - from, StringComparison.Ordinal);
            int f = s.LastIndexOf("\\fbox", pos - 1 < from ? from : pos - 1, pos - from, StringComparison.Ordinal);
            int start = Math.Max(a, f);
            if (start < 0 || pos <= from) return null;
            int i = start + (start == a ? 6 : 5);
            while (i < to && s[i] == ' ') i++;
            if (i < to && s[i] == '{')
            {
                int depth = 0;
                for (int j = i; j < to; j++)
                {
                    if (s[j] == '{') depth++;
                    else if (s[j] == '}' && --depth == 0) return (s[(i + 1)..j], j + 1);
                }
            }
            else if (i < to && start == a)
            {
                int j = i;
                while (j < to && !char.IsWhiteSpace(s[j]) && s[j] != '$') j++;
                if (j > i) return (s[i..j], j);
            }
            pos = start;
            if (pos <= from) return null;
        }
    }

    static IEnumerable<(string Content, int End)> MathSpans(string s)
    {
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] == '\\' && i + 1 < s.Length && (s[i + 1] == '[' || s[i + 1] == '('))
            {
                string close = s[i + 1] == '[' ? "\\]" : "\\)";
                int j = s.IndexOf(close, i + 2, StringComparison.Ordinal);
                if (j < 0) yield break;
                yield return (s[(i + 2)..j], j + 2);
                i = j + 2;
                continue;
            }
            if (s[i] == '\\' && i + 1 < s.Length) { i += 2; continue; }     // \$ is a dollar sign
            if (s[i] == '$')
            {
                bool display = i + 1 < s.Length && s[i + 1] == '$';
                int open = i + (display ? 2 : 1);
                int j = open;
                while (j < s.Length && (s[j] != '$' || s[j - 1] == '\\')) j++;
                if (j >= s.Length) yield break;
                var content = s[open..j];
                int end = j + (display && j + 1 < s.Length && s[j + 1] == '$' ? 2 : 1);
                if (!LooksLikeProse(content)) yield return (content, end);
                else { i = j; continue; }                 // "$5 and $6": currency; the second $ may open math
                i = end;
                continue;
            }
            i++;
        }
    }

    static bool LooksLikeProse(string content) => FirstProseWord(content) >= 0;

    /// <summary>Index of the first plain word (3+ letters) outside any {…} group, or −1.</summary>
    static int FirstProseWord(string s)
    {
        foreach (Match m in ProseWord().Matches(s))
        {
            int depth = 0;
            for (int k = 0; k < m.Index; k++) depth += s[k] == '{' ? 1 : s[k] == '}' ? -1 : 0;
            if (depth <= 0) return m.Index;
        }
        return -1;
    }

    static string? LastMath(string s)
    {
        string? last = null;
        foreach (var (content, _) in MathSpans(s)) if (content.Trim().Length > 0) last = content;
        return last?.Trim();
    }

    static string? FirstMath(string s)
    {
        foreach (var (content, _) in MathSpans(s)) if (content.Trim().Length > 0) return content.Trim();
        return null;
    }

    static string? LastEquals(string s)
    {
        int eq = s.LastIndexOf('=');
        if (eq < 0) return null;
        int end = s.IndexOf('\n', eq);
        var rhs = s[(eq + 1)..(end < 0 ? s.Length : end)];
        int word = FirstProseWord(rhs);
        if (word >= 0) rhs = rhs[..word];
        var sentence = SentenceEnd().Match(rhs);
        if (sentence.Success) rhs = rhs[..sentence.Index];
        rhs = rhs.Trim().TrimEnd('.', ',', ';').Trim();
        return rhs.Length > 0 && NumberToken().IsMatch(rhs) || rhs.Contains('\\', StringComparison.Ordinal) ? rhs : null;
    }

    [GeneratedRegex(@"(?:final\s+answer\s*(?:is|:)|the\s+answer\s+is|\banswer\s*:|\banswer\s+is|^\#{4}(?=\s))\s*:?", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerPhrase();

    /// <summary>End of a sentence: a period, ! or ? followed by a space and a letter, or "I hope".</summary>
    [GeneratedRegex(@"[.!?]\s+(?=[A-Za-z])|\s+I hope\b|\s+because\b|\s+since\b", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    /// <summary>A plain word of three or more letters not preceded by a backslash and not inside a \text{} group.</summary>
    [GeneratedRegex(@"(?<![\\{a-zA-Z])(?!(?:sqrt|frac|pi|sin|cos|tan|log|ln|exp|and|or|inf|infty|infinity|cup)\b)[A-Za-z]{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex ProseWord();

    /// <summary>A number not glued to a letter: signed, thousands-separated, decimals, a \frac, a fraction a/b or a mixed number, percent.</summary>
    [GeneratedRegex(@"(?<![\w.])-?(?:\\[dtc]?frac\{\d+\}\{\d+\}|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\\[dtc]?frac\{\d+\}\{\d+\}|\s?/\s?\d+(?:\.\d+)?)?|\.\d+)%?")]
    private static partial Regex NumberToken();
}
