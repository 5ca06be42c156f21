namespace Blend.Tests.Interactive;

/// <summary>Hand-made result values (no training) for formatter and chart tests.</summary>
internal static class ResultFixtures
{
    /// <summary>Two tasks over <paramref name="steps"/> steps: reward rising, pass rate rising, KL growing.</summary>
    public static IReadOnlyList<StepMetrics> Steps(int steps = 12) =>
        Enumerable.Range(1, steps).SelectMany(s => new[]
        {
            new StepMetrics(s, "math", "crpg")
            {
                Reward = 0.1 * s, CalibratedReward = 0.5 + 0.02 * s, PassRate = Math.Min(1, 0.3 + 0.05 * s), Kl = 0.01 * s * s, Length = 20 - 0.5 * s,
                Judges = [new JudgePassRate("math-answer", Math.Min(1, 0.3 + 0.05 * s), 0)], GenerateSeconds = 0.5, JudgeSeconds = 0.1, ScoreSeconds = 0.2, UpdateSeconds = 0.7,
            },
            new StepMetrics(s, "chat", "codpo")
            {
                Reward = 1 - 0.05 * s, CalibratedReward = 0.45 + 0.01 * s, PassRate = 0.8, Kl = 0.02 * s, Length = 30,
                Judges = [new JudgePassRate("no-url", 0.9, 0), new JudgePassRate("false-refusal", 0.85, 1)], GenerateSeconds = 0.6, JudgeSeconds = 0.05, ScoreSeconds = 0.3, UpdateSeconds = 0.9,
            },
        }).ToList();

    /// <summary>An 11-point two-expert sweep on a concave front, with its Pareto front computed by the core.</summary>
    public static SoupSweep Sweep()
    {
        var points = Enumerable.Range(0, 11).Select(i =>
        {
            double l = i / 10.0;
            // helpfulness falls and harmlessness rises with λ (the weight of the harmless expert); one dominated dip at λ=0.3
            double h = Math.Sqrt(1 - l * l) - (i == 3 ? 0.3 : 0), s = Math.Sqrt(1 - (1 - l) * (1 - l)) - (i == 3 ? 0.3 : 0);
            return new SoupPoint(i, [1 - l, l], [h, s]);
        }).ToList();
        var front = ParetoFront.Of(points.Select(p => p.Rewards).ToList());
        return new SoupSweep
        {
            Experts = ["helpful", "harmless"], Objectives = ["helpfulness", "harmlessness"], Method = "linear", Points = points, Front = front,
            HypervolumeReference = [0, 0], Hypervolume = front.Hypervolume([0, 0]), Prompts = 8, SamplesPerPrompt = 2, Seed = 7, Seconds = 1.5,
        };
    }
}
