namespace Blend;

/// <summary>
/// A deliberately biased reward for teaching reward hacking (docs/experiments.md#reward-hacking: a proxy reward with planted flaws):
/// r = r_inner + lengthBonus · words(response) + keywordBonus · occurrences(keyword, response).
/// </summary>
/// <remarks>
/// The bonuses are unbounded on purpose: a policy optimised against this reward learns to pad its answers and to spam the
/// keyword while the inner (honest) reward, or a judge, stays flat or falls — the pattern CGPO's judges are meant to stop.
/// Words are whitespace-separated; keyword occurrences are counted case-insensitively and without overlap.
/// </remarks>
public sealed class BiasedReward : IRewardModel
{
    /// <summary>Creates the biased reward around <paramref name="inner"/>.</summary>
    public BiasedReward(IRewardModel inner, double lengthBonus, double keywordBonus, string? keyword)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!double.IsFinite(lengthBonus) || !double.IsFinite(keywordBonus)) throw new ArgumentException("BiasedReward: bonuses must be finite.");
        if (keywordBonus != 0 && string.IsNullOrEmpty(keyword)) throw new ArgumentException("BiasedReward: keywordBonus needs a keyword.", nameof(keyword));
        Inner = inner;
        LengthBonus = lengthBonus;
        KeywordBonus = keywordBonus;
        Keyword = keyword;
    }

    /// <summary>The honest reward the bias is added to.</summary>
    public IRewardModel Inner { get; }

    /// <summary>Bonus per word of the response (0.15 in the reward-hacking experiment's proxy, docs/experiments.md#reward-hacking).</summary>
    public double LengthBonus { get; }

    /// <summary>Bonus per occurrence of <see cref="Keyword"/> (0.3 per "!" in the reward-hacking experiment's proxy).</summary>
    public double KeywordBonus { get; }

    /// <summary>The rewarded keyword, or null.</summary>
    public string? Keyword { get; }

    /// <inheritdoc />
    public string Name => $"biased({Inner.Name})";

    /// <summary>The bias alone for one response: lengthBonus · words + keywordBonus · occurrences.</summary>
    public double Bias(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        double bias = LengthBonus * TextStats.Words(response);
        if (KeywordBonus != 0 && Keyword is not null) bias += KeywordBonus * TextStats.Occurrences(response, Keyword);
        return bias;
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var inner = Inner.Score(samples);
        if (inner.Count != samples.Count) throw new InvalidOperationException($"Reward '{Inner.Name}' returned {inner.Count} scores for {samples.Count} samples.");
        return samples.Select((s, i) => inner[i] + Bias(s.Response)).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"BiasedReward({Inner.Name} + {LengthBonus}·words" + (Keyword is null ? ")" : $" + {KeywordBonus}·count('{Keyword}'))");
}

public static partial class Reward
{
    /// <summary>
    /// A deliberately biased reward for teaching reward hacking: <paramref name="inner"/> plus
    /// <paramref name="lengthBonus"/> per word and <paramref name="keywordBonus"/> per occurrence of <paramref name="keyword"/>.
    /// </summary>
    /// <param name="inner">The honest reward (a learned reward model, a judge reward, …).</param>
    /// <param name="lengthBonus">Bonus per response word (default 0; the reward-hacking experiment uses 0.15).</param>
    /// <param name="keywordBonus">Bonus per keyword occurrence (default 0; the reward-hacking experiment uses 0.3 for "!").</param>
    /// <param name="keyword">The rewarded keyword (required when <paramref name="keywordBonus"/> ≠ 0).</param>
    /// <example><code>var proxy = Reward.Biased(rm, lengthBonus: 0.05, keywordBonus: 0.3, keyword: "!");</code></example>
    public static BiasedReward Biased(IRewardModel inner, double lengthBonus = 0, double keywordBonus = 0, string? keyword = null) =>
        new(inner, lengthBonus, keywordBonus, keyword);
}
