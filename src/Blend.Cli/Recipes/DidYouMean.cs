namespace Blend.Cli.Recipes;

/// <summary>The closest known name to a misspelt one (Levenshtein distance, case-insensitive).</summary>
internal static class DidYouMean
{
    /// <summary>"; did you mean 'x'?" when a known name is within a third of the word's length (at least 2 edits), else "".</summary>
    public static string Hint(string given, IEnumerable<string> known)
    {
        var best = Closest(given, known);
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    /// <summary>The closest known name within the edit bound, or null.</summary>
    public static string? Closest(string given, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            int d = Distance(given.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        int bound = Math.Max(2, given.Length / 3);
        return bestDistance <= bound ? best : null;
    }

    static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
