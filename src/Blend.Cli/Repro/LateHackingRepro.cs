namespace Blend.Cli.Repro;

/// <summary>
/// <c>blend repro late-hacking</c>: the late-hacking ablation, CRPG without judges run long (<see cref="Options"/>) on the
/// <c>repro cgpo</c> setup; writes summary.md, points.csv and the curves (true-score.svg, proxy.svg).
/// </summary>
internal static class LateHackingRepro
{
    /// <summary>600 steps of CRPG without judges, 3 seeds, evaluated every 50 steps.</summary>
    internal static RewardHackingOptions Options { get; } = new() { Arms = ["crpg-no-judges"], Steps = 600, EvalEvery = 50 };

    /// <summary>One seed, 100 steps.</summary>
    internal static RewardHackingOptions Smoke { get; } = Options with { Seeds = 1, Steps = 100, EvalEvery = 50 };

    public static int Run(ReproSettings settings)
    {
        var options = settings.Smoke ? Smoke : Options;
        if (settings.Seeds is { } seeds) options = options with { Seeds = seeds };
        var run = RewardHackingExperiment.Run(settings.TasksDir, options, new SyncProgress<string>(Console.WriteLine));
        var result = new LateHackingResult(run);
        settings.Write("late-hacking", result.ToMarkdown(), ("points.csv", run.ToCsv()), ("true-score.svg", result.TrueScoreSvg()), ("proxy.svg", result.ProxySvg()));
        return 0;
    }
}
