using System.Text.RegularExpressions;

namespace Blend;

/// <summary>
/// Passes when the response states the gold response's answer: every <em>answer word</em> of the gold occurs in the response
/// (whole words, ignoring case). The answer words are the gold's content words that the prompt does not already contain
/// ("What is the capital of Portugal?" / "The capital of Portugal is Lisbon." → <c>lisbon</c>); when the prompt contains them
/// all, every content word of the gold ("Mexico City is the capital of Mexico." → <c>mexico, city, capital</c>).
/// A sample without a gold response is an error verdict (the judge cannot decide), never a pass.
/// </summary>
/// <remarks>Made for short factual answers with one gold response (the chat task of data/tasks): it does not accept a
/// correct answer phrased without the gold's words, so read its pass rate as "says what the gold says".</remarks>
public sealed partial class GoldAnswerJudge : SampleJudge
{
    readonly Func<Sample, string?> _gold;

    /// <summary>Creates the judge; <paramref name="gold"/> gives a sample's gold response (default: its <see cref="Sample.Reference"/>).</summary>
    public GoldAnswerJudge(string name, Func<Sample, string?>? gold = null) : base(name) => _gold = gold ?? (s => s.Reference);

    /// <summary>The answer words of <paramref name="gold"/> for <paramref name="prompt"/> (lower case, in gold order).</summary>
    public static IReadOnlyList<string> AnswerWords(string prompt, string gold)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(gold);
        var promptWords = Words(prompt).ToHashSet(StringComparer.Ordinal);
        var content = Words(gold).Where(w => !Stopwords.Contains(w)).Distinct(StringComparer.Ordinal).ToList();
        var fresh = content.Where(w => !promptWords.Contains(w)).ToList();
        return fresh.Count > 0 ? fresh : content;
    }

    /// <inheritdoc />
    protected override Verdict Check(Sample sample)
    {
        var gold = _gold(sample);
        if (string.IsNullOrWhiteSpace(gold)) return Error("no gold response for this prompt");
        var needed = AnswerWords(sample.Prompt ?? "", gold);
        if (needed.Count == 0) return Error($"the gold response \"{Clip(gold)}\" has no content words to check");
        var have = Words(sample.Response).ToHashSet(StringComparer.Ordinal);
        var missing = needed.Where(w => !have.Contains(w)).ToList();
        return missing.Count == 0
            ? Pass($"states {string.Join(", ", needed)}")
            : Fail($"missing {string.Join(", ", missing)} (gold: \"{Clip(gold)}\")", 1 - missing.Count / (double)needed.Count);
    }

    static IEnumerable<string> Words(string text) => WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    static readonly HashSet<string> Stopwords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "of", "in", "on", "at", "to", "for", "and", "or", "it", "its", "this",
        "that", "you", "your", "i", "me", "my", "we", "can", "do", "does", "how", "what", "which", "who", "with", "as", "by", "from",
        "often", "usually", "people", "there", "here", "say", "says", "today",
    };

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:'[\p{L}]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}

public static partial class Judge
{
    /// <summary>
    /// A judge that passes when the response states the gold response's answer words (<see cref="GoldAnswerJudge"/>):
    /// "The capital of Argentina is Buenos Aires." fails for "What is the capital of Portugal?" (gold: "… is Lisbon.").
    /// </summary>
    /// <param name="gold">A sample's gold response (default: <see cref="Sample.Reference"/>).</param>
    /// <param name="name">The judge's name (default <c>gold-answer</c>).</param>
    /// <example><code>Judge.GoldAnswer(s => golds[s.Prompt])</code></example>
    public static GoldAnswerJudge GoldAnswer(Func<Sample, string?>? gold = null, string? name = null) => new(name ?? "gold-answer", gold);
}
