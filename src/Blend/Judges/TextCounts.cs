using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Blend;

/// <summary>How Blend's judges count characters, words and tokens (shared so every judge counts the same way).</summary>
public static partial class TextCounts
{
    static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Unicode scalar values (a lone surrogate counts as one).</summary>
    public static int Characters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = 0;
        foreach (var _ in text.EnumerateRunes()) n++;
        return n;
    }

    /// <summary>Words as IFEval counts them: maximal runs of word characters (<c>\w+</c>: letters, digits, underscore).</summary>
    public static int Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            bool w = IsWordChar(c);
            if (w && !inWord) n++;
            inWord = w;
        }
        return n;
    }

    /// <summary>Tokens of OpenAI's cl100k_base encoding (Microsoft.ML.Tokenizers' Tiktoken).</summary>
    /// <remarks>Texts over 16,384 characters are counted in chunks cut at whitespace (BPE on one huge unbroken word is
    /// quadratic), which can differ from the exact count by a token per chunk.</remarks>
    public static int Cl100kTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int chunk = 16_384;
        if (text.Length <= chunk) return Cl100k.Value.CountTokens(text);
        int total = 0;
        for (int start = 0; start < text.Length;)
        {
            int end = Math.Min(text.Length, start + chunk);
            if (end < text.Length)
            {
                int space = text.LastIndexOfAny([' ', '\n', '\t'], end - 1, end - start);
                if (space > start + chunk / 2) end = space;
                else if (char.IsHighSurrogate(text[end - 1])) end--;
            }
            total += Cl100k.Value.CountTokens(text.AsSpan(start, end - start));
            start = end;
        }
        return total;
    }

    /// <summary>True for characters matched by <c>\w</c> in .NET and Python regexes (letters, digits, marks, connector punctuation).</summary>
    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
        or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    /// <summary>Python's <c>str.isupper()</c>: at least one cased character and no lowercase one.</summary>
    public static bool IsUpper(string text)
    {
        bool cased = false;
        foreach (var r in text.EnumerateRunes())
        {
            if (Rune.IsLower(r)) return false;
            if (Rune.IsUpper(r)) cased = true;
        }
        return cased;
    }

    /// <summary>Python's <c>str.islower()</c>: at least one cased character and no uppercase one.</summary>
    public static bool IsLower(string text)
    {
        bool cased = false;
        foreach (var r in text.EnumerateRunes())
        {
            if (Rune.IsUpper(r) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(r.Value) == System.Globalization.UnicodeCategory.TitlecaseLetter) return false;
            if (Rune.IsLower(r)) cased = true;
        }
        return cased;
    }

    /// <summary>Paragraphs separated by blank lines (lines that are empty or whitespace); empty text has none.</summary>
    public static int Paragraphs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return BlankLines().Split(text).Count(p => !string.IsNullOrWhiteSpace(p));
    }

    /// <summary>Bullet lines as IFEval counts them: lines starting (after spaces) with <c>*</c> (not <c>**</c>) or <c>-</c>.</summary>
    public static int Bullets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return StarBullet().Count(text) + DashBullet().Count(text);
    }

    [GeneratedRegex(@"\n[ \t\r\f\v]*\n")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"^[^\S\n]*\*[^\*].*$", RegexOptions.Multiline)]
    internal static partial Regex StarBullet();

    [GeneratedRegex(@"^[^\S\n]*-.*$", RegexOptions.Multiline)]
    internal static partial Regex DashBullet();
}
