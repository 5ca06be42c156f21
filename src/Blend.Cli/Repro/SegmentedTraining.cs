namespace Blend.Cli.Repro;

/// <summary>
/// Trains one arm of a hacking experiment in segments of <c>every</c> steps (checkpointed to a scratch folder and resumed,
/// so the run is the same as one uninterrupted run), calling back after each segment with the policy at that step.
/// </summary>
internal static class SegmentedTraining
{
    /// <summary>
    /// Runs <paramref name="run"/> for <paramref name="steps"/> steps; <paramref name="atEval"/> receives (step, policy) after
    /// every <paramref name="every"/> steps. Returns the last policy (owned by the caller); the earlier ones are disposed.
    /// </summary>
    public static Policy Train(CgpoRun run, int steps, int every, Action<int, Policy> atEval, IProgress<StepMetrics>? relay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, every);
        var dir = Path.Combine(Path.GetTempPath(), $"blend-hacking-{Guid.NewGuid():N}");
        try
        {
            Policy? last = null;
            for (int step = every; step <= steps; step += every)
            {
                var segment = run.Steps(step).Checkpoints(dir, every);
                var policy = (step == every ? segment : segment.ResumeFrom(dir)).Train(relay).Policy;
                try { atEval(step, policy); }
                catch { policy.Dispose(); last?.Dispose(); throw; }
                last?.Dispose();
                last = policy;
            }
            return last!;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
