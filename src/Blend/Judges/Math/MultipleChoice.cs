using System.Text.RegularExpressions;

namespace Blend;

/// <summary>
/// Multiple-choice letters in any wrapper: <c>B</c>, <c>(B)</c>, <c>[B]</c>, <c>\textbf{B}</c>, <c>\mathrm{(B)}</c>,
/// <c>$\text{B}$</c>, "option B", "B." — and, in a response, a letter that opens the answer (<c>(B) 42</c>, <c>B) 42</c>).
/// </summary>
internal static partial class MultipleChoice
{
    /// <summary>The choice letter (A–J) the text consists of, or null.</summary>
    public static char? Letter(string text)
    {
        var s = Unwrap(text);
        var m = Bare().Match(s);
        return m.Success ? m.Groups["l"].Value[0] : null;
    }

    /// <summary>The letter the text consists of or opens with (<c>(B) 42</c>), or null.</summary>
    public static char? LeadingLetter(string text)
    {
        if (Letter(text) is { } l) return l;
        var m = Leading().Match(Unwrap(text));
        return m.Success ? m.Groups["l"].Value[0] : null;
    }

    static string Unwrap(string text)
    {
        var s = text.Trim();
        for (int k = 0; k < 4; k++)
        {
            var before = s;
            s = s.Trim().Trim('$').Trim();
            var w = Wrapper().Match(s);
            if (w.Success && w.Index == 0 && w.Length == s.Length) s = w.Groups["c"].Value;
            s = s.Replace("\\(", "", StringComparison.Ordinal).Replace("\\)", "", StringComparison.Ordinal);
            if (s == before) break;
        }
        s = InnerWrapper().Replace(s, "${c}").Replace("\\ ", " ", StringComparison.Ordinal);
        return s.Trim().TrimEnd('.').Trim();
    }

    [GeneratedRegex(@"^\\(?:boxed|fbox|text|textbf|textit|textrm|mathrm|mathbf|mathit|mbox|emph|textnormal)\s*\{(?<c>.*)\}$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Wrapper();

    [GeneratedRegex(@"\\(?:text|textbf|textit|textrm|mathrm|mathbf|mathit|mbox|emph|textnormal)\s*\{(?<c>[^{}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex InnerWrapper();

    [GeneratedRegex(@"^(?:(?:[Oo]ption|[Cc]hoice)\s+)?[\(\[]?(?<l>[A-J])[\)\]]?$", RegexOptions.CultureInvariant)]
    private static partial Regex Bare();

    [GeneratedRegex(@"^(?:(?:[Oo]ption|[Cc]hoice)\s+)?(?:\((?<l>[A-J])\)|(?<l>[A-J])[\).:])(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Leading();
}
