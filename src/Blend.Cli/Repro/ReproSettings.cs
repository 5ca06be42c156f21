using System.Globalization;

namespace Blend.Cli.Repro;

/// <summary>What <c>blend repro</c> was asked for.</summary>
internal sealed record ReproSettings(string DataDir, string OutDir, bool Smoke, int? Seeds)
{
    /// <summary>Where the committed results live (<c>notebooks/results/&lt;name&gt;</c>) when <c>--update-results</c> asks to update them; null otherwise.</summary>
    public string? ResultsDir { get; init; }

    /// <summary><c>--sft-padded-fraction</c> of the math experiment (<see cref="MathHackingOptions.SftPaddedFraction"/>); null when not given.</summary>
    public double? SftPaddedFraction { get; init; }

    /// <summary><c>--sft-steps</c> of the math experiment (<see cref="MathHackingOptions.SftSteps"/>); null when not given.</summary>
    public int? SftSteps { get; init; }

    /// <summary><c>--steps</c> of the math experiment (<see cref="MathHackingOptions.Steps"/>); null when not given.</summary>
    public int? Steps { get; init; }

    /// <summary><c>--arms</c> of the math experiment (<see cref="MathHackingOptions.Arms"/>); null when not given.</summary>
    public IReadOnlyList<string>? Arms { get; init; }

    /// <summary>The folder with the synthetic task files.</summary>
    public string TasksDir => Path.Combine(DataDir, "tasks");

    /// <summary>The command line that reproduces this run, for the summary.</summary>
    public string CommandLine(string experiment) =>
        $"dotnet run --project src/Blend.Cli -c Release -- repro {experiment}" + (Smoke ? " --smoke" : "") + (Seeds is { } s ? $" --seeds {s}" : "")
        + (SftPaddedFraction is { } f ? " --sft-padded-fraction " + f.ToString(CultureInfo.InvariantCulture) : "")
        + (SftSteps is { } m ? " --sft-steps " + m.ToString(CultureInfo.InvariantCulture) : "") + (Steps is { } n ? " --steps " + n.ToString(CultureInfo.InvariantCulture) : "") + (Arms is { } a ? " --arms " + string.Join(',', a) : "") + (ResultsDir is null ? "" : " --update-results");

    /// <summary>", load average a / b / c at the end" from /proc/loadavg (the machine's 1, 5 and 15-minute load), or "" where there is none.</summary>
    static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Length >= 3 ? $", load average {parts[0]} / {parts[1]} / {parts[2]} at the end" : "";
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>
    /// Writes summary.md (with the command and environment appended) and any extra files atomically into <see cref="OutDir"/>
    /// and, when <see cref="ResultsDir"/> is set, into it too; prints the summary.
    /// </summary>
    public void Write(string experiment, string markdown, params (string Name, string Text)[] extra)
    {
        var md = markdown + Environment.NewLine + "Made by `" + CommandLine(experiment) + "` on "
                 + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " cores (" + BlendRuntime.Threads.ToString(CultureInfo.InvariantCulture)
                 + " torch threads" + LoadAverage() + "), TorchSharp " + TorchInfo.Current().TorchSharp + ".\n";
        Console.WriteLine(md);
        foreach (var dir in ResultsDir is null ? [OutDir] : new[] { OutDir, ResultsDir })
        {
            Directory.CreateDirectory(dir);
            AtomicFile.WriteAllText(Path.Combine(dir, "summary.md"), md);
            foreach (var (name, text) in extra) AtomicFile.WriteAllText(Path.Combine(dir, name), text);
            Console.WriteLine($"wrote {Path.Combine(dir, "summary.md")}" + string.Concat(extra.Select(e => " and " + e.Name)));
        }
    }
}
