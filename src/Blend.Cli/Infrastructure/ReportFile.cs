using System.CommandLine;
using Blend.Interactive;

namespace Blend.Cli;

/// <summary>
/// The <c>--report FILE.html</c> flag every long command shares: where the offline HTML report goes (the flag, else
/// <c>report.html</c> in the command's output folder), checked before any work, written atomically through
/// <see cref="HtmlReport"/> (plotly.js inlined, nothing loaded from the network).
/// </summary>
internal static class ReportFile
{
    /// <summary>The file name of a report written into an output folder by default.</summary>
    public const string DefaultName = "report.html";

    /// <summary>A new <c>--report</c> option (each command gets its own instance).</summary>
    public static Option<string?> Option(bool hasDefault = true) => new("--report")
    {
        Description = hasDefault
            ? "Write the offline HTML report (plotly.js inlined) to this file (default: report.html in the output folder)."
            : "Write an offline HTML report (plotly.js inlined) to this file.",
    };

    /// <summary>
    /// The report's absolute path: <paramref name="flag"/>, else <see cref="DefaultName"/> in <paramref name="outputFolder"/>
    /// (null when neither is given: no report).
    /// </summary>
    /// <exception cref="UsageException">The path is a folder or does not end in .html / .htm.</exception>
    public static string? Resolve(string? flag, string? outputFolder)
    {
        if (flag is null) return outputFolder is null ? null : Path.Combine(Path.GetFullPath(outputFolder), DefaultName);
        if (string.IsNullOrWhiteSpace(flag)) throw new UsageException("--report: give a file path ending in .html");
        if (Directory.Exists(flag)) throw new UsageException($"--report: '{flag}' is a folder; give a file path ending in .html");
        var ext = Path.GetExtension(flag);
        if (!ext.Equals(".html", StringComparison.OrdinalIgnoreCase) && !ext.Equals(".htm", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--report: '{flag}' does not end in .html; the report is an HTML page");
        OutputFolder.Check(Path.GetDirectoryName(Path.GetFullPath(flag))!, "--report");
        return Path.GetFullPath(flag);
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> atomically (creating its folder).</summary>
    public static void Write(string path, HtmlReport report) => report.Save(path);
}
