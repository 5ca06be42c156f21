namespace Blend;

/// <summary>Scores a batch with a reward model under a deadline and refuses anything but one finite score per sample.</summary>
internal static class Rewarding
{
    /// <summary>
    /// Scores a prompt-major batch of groups of <paramref name="samplesPerPrompt"/> responses (<see cref="IRewardModel.ScoreGroups"/>)
    /// under <paramref name="deadline"/>; both the rewards and the group signal must be one finite number per sample.
    /// </summary>
    /// <param name="label">Who asks, for the messages (<c>Task 'math', step 3</c>).</param>
    /// <param name="reward">The reward model r.</param>
    /// <param name="samples">The batch.</param>
    /// <param name="samplesPerPrompt">K, the group size (1 for baselines).</param>
    /// <param name="deadline">The per-batch deadline (<see cref="CgpoRun.Timeouts"/>).</param>
    /// <exception cref="InvalidOperationException">The reward threw, returned the wrong count or a non-finite score; the message names the caller, sample and reward.</exception>
    /// <exception cref="DeadlineExceededException">The reward missed its deadline; the message names the caller and reward.</exception>
    public static GroupedRewards ScoreGroups(string label, IRewardModel reward, IReadOnlyList<Sample> samples, int samplesPerPrompt, TimeSpan deadline)
    {
        var grouped = Call(label, reward, () => reward.ScoreGroups(samples, samplesPerPrompt), deadline)
            ?? throw new InvalidOperationException($"{label}: reward '{reward.Name}' returned null.");
        var rewards = Checked(label, reward, samples, grouped.Rewards, "scores");
        var signal = grouped.GroupNormalized is null ? null : Checked(label, reward, samples, grouped.GroupNormalized, "group-normalized scores");
        return new GroupedRewards(rewards, signal);
    }

    static double[] Checked(string label, IRewardModel reward, IReadOnlyList<Sample> samples, IReadOnlyList<double>? scores, string what)
    {
        if (scores is null) throw new InvalidOperationException($"{label}: reward '{reward.Name}' returned null.");
        if (scores.Count != samples.Count)
            throw new InvalidOperationException($"{label}: reward '{reward.Name}' returned {scores.Count} {what} for {samples.Count} samples.");
        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsFinite(scores[i])) continue;
            var s = samples[i];
            throw new InvalidOperationException(
                $"{label}: reward '{reward.Name}' returned {scores[i]} for sample {i} (prompt '{s.Id ?? Shorten(s.Prompt)}', response '{Shorten(s.Response)}'); no update was applied.");
        }
        return [.. scores];
    }

    /// <summary>Runs one call of <paramref name="reward"/> under <paramref name="deadline"/>; an exception becomes an <see cref="InvalidOperationException"/> naming the caller and the reward.</summary>
    /// <remarks>A <see cref="RewardScoreException"/> (a mixture's own non-finite check) passes through as it is.</remarks>
    public static T Call<T>(string label, IRewardModel reward, Func<T> call, TimeSpan deadline)
    {
        try
        {
            return Deadline.Run(call, deadline,
                () => $"{label}: reward '{reward.Name}' gave no scores within its deadline of {Deadline.Describe(deadline)} per batch (the call was abandoned on its worker thread).");
        }
        catch (Exception e) when (e is not (DeadlineExceededException or OutOfMemoryException or RewardScoreException))
        {
            throw new InvalidOperationException($"{label}: reward '{reward.Name}' threw {e.GetType().Name}: {e.Message}", e);
        }
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
