namespace Blend.Cli.Repro;

/// <summary><c>blend repro cgpo</c>: runs <see cref="RewardHackingExperiment"/> and writes summary.md and points.csv.</summary>
internal static class CgpoRepro
{
    public static int Run(ReproSettings settings)
    {
        var options = settings.Smoke ? RewardHackingOptions.Smoke : new RewardHackingOptions();
        if (settings.Seeds is { } seeds) options = options with { Seeds = seeds };
        var result = RewardHackingExperiment.Run(settings.TasksDir, options, new SyncProgress<string>(Console.WriteLine));
        settings.Write("cgpo", result.ToMarkdown(), ("points.csv", result.ToCsv()));
        return 0;
    }
}
