namespace Blend;

/// <summary>
/// Splits long text into pieces that a tokenizer can encode one at a time in linear total time, with the same ids as one pass
/// over the whole text wherever the text has ordinary word boundaries.
/// </summary>
/// <remarks>
/// <para>Why: a byte-level BPE tokenizer pre-splits text with a regular expression and then merges inside each piece; a piece
/// without a natural split (a megabyte of one letter, of newlines, of brackets) costs time quadratic in its length.</para>
/// <para>The rule: a <b>boundary</b> is a single space between two non-whitespace characters (<c>a b</c>). Every GPT-style
/// pre-tokenizer (cl100k_base, o200k_base, GPT-2) starts a new piece there, and SentencePiece starts a new word there, so cutting
/// at a boundary does not change any id. The text is cut into words at boundaries; consecutive words are grouped into chunks of
/// at most <see cref="Target"/> characters. A stretch longer than <see cref="MaxRun"/> characters without a boundary is cut at its last step
/// from a letter to punctuation other than an apostrophe (<c>word"</c>, <c>x,</c>: also a piece boundary in those pre-tokenizers,
/// so ids stay the same), or, when it has none (one letter repeated, only brackets, only newlines), every <see cref="MaxRun"/>
/// characters (never inside a surrogate pair); each cut ends a chunk. Only that last case, which ordinary text does not have,
/// can give ids that differ from a single pass.</para>
/// </remarks>
public static class TextChunks
{
    /// <summary>The largest chunk built from whole words: 4096 characters.</summary>
    public const int Target = 4096;

    /// <summary>The longest stretch without a boundary that is kept whole: 256 characters.</summary>
    public const int MaxRun = 256;

    /// <summary>Punctuation that ends a letter piece in every GPT-style pre-tokenizer (not an apostrophe: o200k keeps <c>'s</c> with its word).</summary>
    static bool IsPunctuation(char c) =>
        c != '\'' && !char.IsWhiteSpace(c) && !char.IsLetterOrDigit(c) && !char.IsSurrogate(c)
        && char.GetUnicodeCategory(c) is not (System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark);

    /// <summary>The chunks of <paramref name="text"/> as (start, length), in order, covering it exactly.</summary>
    public static IEnumerable<(int Start, int Length)> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int chunkStart = 0, wordStart = 0, safe = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            bool end = i == text.Length;
            bool boundary = !end && i > 0 && i + 1 < text.Length && text[i] == ' '
                && !char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i + 1]);
            if (!end && !boundary)
            {
                if (i > 0 && char.IsLetter(text[i - 1]) && IsPunctuation(text[i])) safe = i;
                if (i - wordStart < MaxRun) continue;
                // a long stretch without a boundary: cut at its last letter→punctuation step, else here (never inside a surrogate pair)
                int cut = safe > wordStart ? safe : char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]) ? i - 1 : i;
                if (cut <= wordStart) continue;
                yield return (chunkStart, cut - chunkStart); // a cut inside a stretch always ends the chunk
                chunkStart = wordStart = cut;
                continue;
            }
            // the word [wordStart, i) is complete
            if (i - chunkStart > Target && wordStart > chunkStart)
            {
                yield return (chunkStart, wordStart - chunkStart);
                chunkStart = wordStart;
            }
            wordStart = i;
            if (end && i > chunkStart) yield return (chunkStart, i - chunkStart);
        }
    }
}
