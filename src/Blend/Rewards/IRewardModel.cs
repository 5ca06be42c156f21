namespace Blend;

/// <summary>A reward model: a scalar score for each (prompt, response) sample of a batch (r(s, a) in CGPO).</summary>
public interface IRewardModel
{
    /// <summary>The reward's name, used in mixtures, breakdowns and charts.</summary>
    string Name { get; }

    /// <summary>Scores a batch; returns one score per sample, in order.</summary>
    IReadOnlyList<double> Score(IReadOnlyList<Sample> samples);

    /// <summary>
    /// Scores a prompt-major batch of groups of <paramref name="samplesPerPrompt"/> responses to one prompt each (rows
    /// i·K … i·K+K−1 answer prompt i), as a rollout does. By default the rewards of <see cref="Score"/> with no group signal;
    /// a <see cref="RewardMixture"/> with <see cref="RewardAggregation.NormalizeThenSum"/> adds its GDPO signal.
    /// </summary>
    /// <param name="samples">B·K samples, prompt-major.</param>
    /// <param name="samplesPerPrompt">K, the group size.</param>
    GroupedRewards ScoreGroups(IReadOnlyList<Sample> samples, int samplesPerPrompt) => new(Score(samples), null);
}
