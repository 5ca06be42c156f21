namespace Blend.Cli.Repro;

/// <summary>
/// <c>blend repro math-hacking</c>: runs <see cref="MathHackingExperiment"/> (the SFT policy is cached in <c>--out</c>) and
/// writes summary.md, points.csv and the curves (exact-match.svg, proxy.svg).
/// </summary>
internal static class MathHackingRepro
{
    public static int Run(ReproSettings settings)
    {
        var options = settings.Smoke ? MathHackingOptions.Smoke : new MathHackingOptions();
        if (settings.Seeds is { } seeds) options = options with { Seeds = seeds };
        if (settings.SftPaddedFraction is { } padded) options = options with { SftPaddedFraction = padded };
        if (settings.SftSteps is { } sftSteps) options = options with { SftSteps = sftSteps };
        if (settings.Steps is { } steps) options = options with { Steps = steps };
        if (settings.Arms is { } arms) options = options with { Arms = arms };
        var result = MathHackingExperiment.Run(settings.TasksDir, settings.OutDir, options, new SyncProgress<string>(Console.WriteLine));
        settings.Write("math-hacking", result.ToMarkdown(), ("points.csv", result.Run.ToCsv()), ("exact-match.svg", result.ExactMatchSvg()), ("proxy.svg", result.ProxySvg()));
        return 0;
    }
}
