using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>
/// Runs a .NET regex with code-point semantics. .NET matches UTF-16 code units, so <c>\p{L}</c> does not match a letter
/// outside the Basic Multilingual Plane (𝐀, 𠀀) and <c>[^…]?</c> takes half of an emoji; the Rust <c>regex</c> and
/// Oniguruma engines that Hugging Face patterns are written for match code points. Each supplementary code point is
/// therefore replaced, for matching only, by one BMP character of the same Unicode general category (so every
/// <c>\p{…}</c>, <c>\s</c>, <c>\w</c> and <c>\d</c> class sees what it would see on the code point), and the matches are
/// mapped back to the original string.
/// </summary>
internal static class CodePointRegex
{
    static readonly char[] Representative = BuildRepresentatives();

    /// <summary>The matches of <paramref name="regex"/> in <paramref name="text"/> as (start, length) in the original string.</summary>
    public static List<(int Start, int Length)> Matches(Regex regex, string text)
    {
        var result = new List<(int, int)>();
        if (!HasSurrogates(text))
        {
            for (var m = regex.Match(text); m.Success; m = m.NextMatch())
                if (m.Length > 0) result.Add((m.Index, m.Length));
            return result;
        }
        var mapped = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            origin.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var cat = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                mapped.Append(Representative[(int)cat]);
                i += 2;
            }
            else { mapped.Append(text[i]); i++; }
        }
        origin.Add(text.Length);
        var s = mapped.ToString();
        for (var m = regex.Match(s); m.Success; m = m.NextMatch())
            if (m.Length > 0) result.Add((origin[m.Index], origin[m.Index + m.Length] - origin[m.Index]));
        return result;
    }

    static bool HasSurrogates(string text)
    {
        foreach (var c in text) if (char.IsSurrogate(c)) return true;
        return false;
    }

    static char[] BuildRepresentatives()
    {
        var reps = new char[32];
        // Start past Latin-1 so no representative is a character a pattern spells literally (', s, t, \r, \n ...).
        for (int c = 0x2000; c <= 0xFFFD; c++)
        {
            if (char.IsSurrogate((char)c)) continue;
            var cat = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (reps[cat] == '\0') reps[cat] = (char)c;
        }
        for (int c = 0x100; c < 0x2000; c++)
        {
            var cat = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (reps[cat] == '\0') reps[cat] = (char)c;
        }
        for (int i = 0; i < reps.Length; i++) if (reps[i] == '\0') reps[i] = '\uFFFD';
        return reps;
    }
}
