using System.Text.RegularExpressions;

namespace Blend.HuggingFace;

/// <summary>How a split pattern's matches become pieces (the <c>behavior</c> of a Hugging Face <c>Split</c>).</summary>
internal enum SplitBehavior { Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>Splitting one piece of text into pieces by a pattern, as the Rust <c>tokenizers</c> crate does.</summary>
internal static class TextPieces
{
    /// <summary>The pieces of <paramref name="text"/> split at the matches of <paramref name="regex"/>.</summary>
    public static IEnumerable<string> Split(string text, Regex regex, SplitBehavior behavior, bool invert)
    {
        var matches = CodePointRegex.Matches(regex, text);
        // (start, length, isMatch) spans covering the whole text.
        var spans = new List<(int Start, int Length, bool Match)>();
        int pos = 0;
        foreach (var (s, l) in matches)
        {
            if (s > pos) spans.Add((pos, s - pos, invert));
            spans.Add((s, l, !invert));
            pos = s + l;
        }
        if (pos < text.Length) spans.Add((pos, text.Length - pos, invert));

        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var sp in spans) yield return text.Substring(sp.Start, sp.Length);
                break;
            case SplitBehavior.Removed:
                foreach (var sp in spans) if (!sp.Match) yield return text.Substring(sp.Start, sp.Length);
                break;
            case SplitBehavior.MergedWithPrevious:
            {
                int start = 0;
                for (int i = 0; i < spans.Count; i++)
                {
                    var end = spans[i].Start + spans[i].Length;
                    if (spans[i].Match || i == spans.Count - 1) { yield return text[start..end]; start = end; }
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                int start = 0;
                for (int i = 0; i < spans.Count; i++)
                {
                    bool nextIsMatch = i + 1 < spans.Count && spans[i + 1].Match;
                    var end = spans[i].Start + spans[i].Length;
                    if (nextIsMatch || i == spans.Count - 1) { if (end > start) yield return text[start..end]; start = end; }
                }
                break;
            }
            case SplitBehavior.Contiguous:
            {
                int i = 0;
                while (i < spans.Count)
                {
                    int j = i;
                    while (spans[i].Match && j + 1 < spans.Count && spans[j + 1].Match) j++;
                    yield return text.Substring(spans[i].Start, spans[j].Start + spans[j].Length - spans[i].Start);
                    i = j + 1;
                }
                break;
            }
        }
    }

    public static SplitBehavior ParseBehavior(string? name, string where) => name switch
    {
        null or "Isolated" => SplitBehavior.Isolated,
        "Removed" => SplitBehavior.Removed,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        _ => throw new FormatException($"{where}: split behavior '{name}' is not supported (Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous)."),
    };
}
