namespace Blend.Cli.Repro;

/// <summary><c>blend repro soups</c>: runs <see cref="SoupsExperiment"/> and writes summary.md.</summary>
internal static class SoupsRepro
{
    public static int Run(ReproSettings settings)
    {
        var options = settings.Smoke ? SoupsExperimentOptions.Smoke : new SoupsExperimentOptions();
        if (settings.Seeds is { } seeds) options = options with { Seeds = seeds };
        var result = SoupsExperiment.Run(settings.TasksDir, options, new SyncProgress<string>(Console.WriteLine));
        settings.Write("soups", result.ToMarkdown());
        return 0;
    }
}
