namespace Blend;

/// <summary>Small text counts shared by the rule rewards (the biased, brevity and detail rewards), so that a reward and a report count alike.</summary>
public static class TextStats
{
    static readonly char[] Space = [' ', '\t', '\n', '\r'];

    /// <summary>Words as the rule rewards count them: runs of characters between spaces, tabs and line breaks.</summary>
    public static int Words(string text) => text.Split(Space, StringSplitOptions.RemoveEmptyEntries).Length;

    internal static int DistinctContentWords(string text) =>
        text.Split(Space, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(char.IsLetter).ToArray()).ToLowerInvariant())
            .Where(w => w.Length >= 4)
            .Distinct(StringComparer.Ordinal)
            .Count();

    /// <summary>Non-overlapping occurrences of <paramref name="keyword"/> in <paramref name="text"/>, ignoring case.</summary>
    public static int Occurrences(string text, string keyword)
    {
        int count = 0, at = 0;
        while ((at = text.IndexOf(keyword, at, StringComparison.OrdinalIgnoreCase)) >= 0) { count++; at += keyword.Length; }
        return count;
    }

    static readonly string[] Greetings = ["hi", "hello", "hey", "welcome"];
    static readonly string[] Thanks = ["thanks", "thank you", "glad", "happy to", "hope this helps"];

    internal static double Friendliness(string text)
    {
        var lower = text.ToLowerInvariant();
        var words = lower.Split(Space, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(',', '.', '!', '?', ';', ':')).ToList();
        int markers = 0;
        if (lower.Contains('!')) markers++;
        if (words.Any(w => Greetings.Contains(w))) markers++;
        if (words.Any(w => w.Contains('\'') && w.Length > 2)) markers++;
        if (words.Any(w => w is "you" or "your" or "you're" or "you'll")) markers++;
        if (Thanks.Any(t => lower.Contains(t, StringComparison.Ordinal))) markers++;
        return markers / 5.0;
    }

    internal static double Formality(string text)
    {
        var trimmed = text.Trim();
        double shape = 0;
        if (trimmed.Length > 0 && char.IsUpper(trimmed[0])) shape += 0.5;
        if (trimmed.EndsWith('.')) shape += 0.5;
        return (1.0 - Friendliness(text)) * shape;
    }
}
