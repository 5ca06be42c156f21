namespace Blend;

/// <summary>
/// Entry point for rewards: rule rewards from lambdas and judges, teaching rewards (length, keywords, the conflicting
/// pairs of the rewarded-soups experiment) and a deliberately biased reward for showing reward hacking.
/// </summary>
/// <remarks>Each reward type's file adds its own factories to this partial class.</remarks>
public static partial class Reward
{
    /// <summary>A reward computed by <paramref name="score"/> for each sample.</summary>
    /// <param name="name">The reward's name (columns, charts).</param>
    /// <param name="score">The score of one sample; any finite double (mixtures reject NaN/Inf and name the sample).</param>
    /// <example><code>var r = Reward.From("short", s => s.Response.Length &lt; 200 ? 1.0 : 0.0);</code></example>
    public static IRewardModel From(string name, Func<Sample, double> score) => new RuleReward(name, score);

    /// <summary>
    /// A reward from a judge: the verdict's <see cref="Verdict.Score"/> when it has one, else 1 for pass and 0 for fail;
    /// an <see cref="VerdictOutcome.Error"/> verdict scores 0.
    /// </summary>
    /// <param name="judge">The judge to ask.</param>
    /// <param name="name">The reward's name (default: the judge's name).</param>
    public static IRewardModel FromJudge(IJudge judge, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(judge);
        return new JudgeReward(judge, name ?? judge.Name);
    }

    /// <summary>
    /// A length reward in [0, 1]: 1 when the response has exactly <paramref name="targetWords"/> words, falling linearly to 0 at
    /// a distance of <paramref name="targetWords"/> words (score = max(0, 1 − |words − target| / target)).
    /// </summary>
    /// <param name="targetWords">The preferred number of whitespace-separated words (≥ 1).</param>
    public static IRewardModel Length(int targetWords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWords, 1);
        return new RuleReward($"length~{targetWords}", s =>
            Math.Max(0.0, 1.0 - Math.Abs(TextStats.Words(s.Response) - targetWords) / (double)targetWords));
    }

    /// <summary>A keyword reward in [0, 1]: the fraction of <paramref name="keywords"/> that occur in the response (case-insensitive).</summary>
    /// <param name="keywords">One or more keywords.</param>
    /// <example><code>var r = Reward.Keywords("because", "for example");</code></example>
    public static IRewardModel Keywords(params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        if (keywords.Length == 0 || keywords.Any(string.IsNullOrEmpty)) throw new ArgumentException("Reward.Keywords: give at least one non-empty keyword.", nameof(keywords));
        var copy = keywords.ToArray();
        return new RuleReward("keywords:" + string.Join("|", copy), s =>
            copy.Count(k => s.Response.Contains(k, StringComparison.OrdinalIgnoreCase)) / (double)copy.Length);
    }

    /// <summary>
    /// Brevity in [0, 1], one of the two conflicting rewards of the rewarded-soups experiment (docs/experiments.md#soups-experiment):
    /// 1 − min(words, <paramref name="maxWords"/>) / <paramref name="maxWords"/>; the empty response scores 1.
    /// </summary>
    /// <param name="maxWords">Length at and beyond which brevity is 0 (default 40 words).</param>
    public static IRewardModel Brevity(int maxWords = 40)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        return new RuleReward("brevity", s => 1.0 - Math.Min(TextStats.Words(s.Response), maxWords) / (double)maxWords);
    }

    /// <summary>
    /// Detail in [0, 1], the reward that conflicts with <see cref="Brevity"/> (docs/experiments.md#soups-experiment): the number of distinct
    /// words of at least four letters, divided by <paramref name="targetDistinctWords"/> and capped at 1.
    /// </summary>
    /// <remarks>Counting distinct content words (not raw length) means repetition does not pay, so the two rewards conflict
    /// through length without one being exactly 1 − the other.</remarks>
    /// <param name="targetDistinctWords">Distinct content words that earn the full score (default 20).</param>
    public static IRewardModel Detail(int targetDistinctWords = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetDistinctWords, 1);
        return new RuleReward("detail", s => Math.Min(1.0, TextStats.DistinctContentWords(s.Response) / (double)targetDistinctWords));
    }

    /// <summary>
    /// Friendliness in [0, 1], a second conflicting pair with <see cref="Formality"/>: the fraction of friendly markers present
    /// among {an exclamation mark, a greeting, a contraction, "you"/"your", a thanks or glad phrase}.
    /// </summary>
    public static IRewardModel Friendliness() => new RuleReward("friendliness", s => TextStats.Friendliness(s.Response));

    /// <summary>
    /// Formality in [0, 1]: 1 minus <see cref="Friendliness"/>'s marker fraction, times a factor for starting with a capital
    /// letter and ending with a period (0.5 each), so the two rewards pull in opposite directions.
    /// </summary>
    public static IRewardModel Formality() => new RuleReward("formality", s => TextStats.Formality(s.Response));
}
