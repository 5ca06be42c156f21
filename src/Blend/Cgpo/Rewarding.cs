namespace Blend;

/// <summary>Scores a batch with a task's reward model and refuses anything but one finite score per sample.</summary>
internal static class Rewarding
{
    /// <exception cref="InvalidOperationException">The reward threw, returned the wrong count or a non-finite score; the message names the task, phase, sample and reward.</exception>
    /// <exception cref="DeadlineExceededException">The reward missed the run's per-batch deadline (<see cref="CgpoRun.Timeouts"/>); the message names the task, phase and reward.</exception>
    /// <remarks>For a <see cref="CalibratedReward"/>, this is its inner (raw) model r; see <see cref="Calibrated"/>.</remarks>
    public static double[] Score(CgpoTask task, IReadOnlyList<Sample> samples, string phase, TimeSpan deadline) =>
        Check(task, task.RewardModel is CalibratedReward c ? c.Reward : task.RewardModel!, samples, phase, deadline);

    /// <summary>R_calib as the user's <see cref="CalibratedReward"/> computes it (its own baselines), or null for a raw reward.</summary>
    public static double[]? Calibrated(CgpoTask task, IReadOnlyList<Sample> samples, string phase, TimeSpan deadline) =>
        task.RewardModel is CalibratedReward c ? Check(task, c, samples, phase, deadline) : null;

    static double[] Check(CgpoTask task, IRewardModel reward, IReadOnlyList<Sample> samples, string phase, TimeSpan deadline)
    {
        IReadOnlyList<double>? result;
        try
        {
            result = Deadline.Run(() => reward.Score(samples), deadline,
                () => $"Task '{task.Name}', {phase}: reward '{reward.Name}' gave no scores within its deadline of {Deadline.Describe(deadline)} per batch; no update was applied (the call was abandoned on its worker thread).");
        }
        catch (Exception e) when (e is not (DeadlineExceededException or OutOfMemoryException))
        {
            throw new InvalidOperationException($"Task '{task.Name}', {phase}: reward '{reward.Name}' threw {e.GetType().Name}: {e.Message}", e);
        }
        var scores = result ?? throw new InvalidOperationException($"Task '{task.Name}', {phase}: reward '{reward.Name}' returned null.");
        if (scores.Count != samples.Count)
            throw new InvalidOperationException($"Task '{task.Name}', {phase}: reward '{reward.Name}' returned {scores.Count} scores for {samples.Count} samples.");
        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsFinite(scores[i])) continue;
            var s = samples[i];
            throw new InvalidOperationException(
                $"Task '{task.Name}', {phase}: reward '{reward.Name}' returned {scores[i]} for sample {i} (prompt '{s.Id ?? Shorten(s.Prompt)}', response '{Shorten(s.Response)}'); no update was applied.");
        }
        return scores.ToArray();
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
