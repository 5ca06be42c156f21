namespace Blend;

/// <summary>Scores a batch with a reward model under a deadline and refuses anything but one finite score per sample.</summary>
internal static class Rewarding
{
    /// <param name="label">Who asks, for the messages (<c>Task 'math', step 3</c>).</param>
    /// <param name="reward">The reward model r.</param>
    /// <param name="samples">The batch.</param>
    /// <param name="deadline">The per-batch deadline (<see cref="CgpoRun.Timeouts"/>).</param>
    /// <exception cref="InvalidOperationException">The reward threw, returned the wrong count or a non-finite score; the message names the caller, sample and reward.</exception>
    /// <exception cref="DeadlineExceededException">The reward missed its deadline; the message names the caller and reward.</exception>
    public static double[] Score(string label, IRewardModel reward, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        var scores = Call(label, reward, () => reward.Score(samples), deadline)
            ?? throw new InvalidOperationException($"{label}: reward '{reward.Name}' returned null.");
        if (scores.Count != samples.Count)
            throw new InvalidOperationException($"{label}: reward '{reward.Name}' returned {scores.Count} scores for {samples.Count} samples.");
        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsFinite(scores[i])) continue;
            var s = samples[i];
            throw new InvalidOperationException(
                $"{label}: reward '{reward.Name}' returned {scores[i]} for sample {i} (prompt '{s.Id ?? Shorten(s.Prompt)}', response '{Shorten(s.Response)}'); no update was applied.");
        }
        return scores.ToArray();
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
