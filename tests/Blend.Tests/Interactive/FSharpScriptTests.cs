using System.Diagnostics;

namespace Blend.Tests.Interactive;

/// <summary>
/// F#-friendliness: every tests/fsharp/*.fsx runs with <c>dotnet fsi</c> against the built assemblies (referenced from
/// this test's output folder) and must exit 0 (the scripts fail themselves when a result is wrong).
/// </summary>
[Collection("Notebooks")]
public sealed class FSharpScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(RepoRoot.File("tests/fsharp"), "*.fsx").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    static readonly string[] Skip = ["xunit", "testhost", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "Blend.Tests", "Blend.Cli", "Blend.Notebooks", "Microsoft.CodeAnalysis", "FSharp.Core"];

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task FSharp_script_runs_in_dotnet_fsi(string script)
    {
        var bin = AppContext.BaseDirectory;
        var refs = Directory.EnumerateFiles(bin, "*.dll").Where(f => !Skip.Any(s => Path.GetFileName(f).StartsWith(s, StringComparison.Ordinal)))
            // Microsoft.DotNet.Interactive.Formatting needs Microsoft.AspNetCore.Html.Abstractions; beside the test host it comes
            // from the ASP.NET Core shared framework (the CLI's server references it), so it is not in bin: reference that copy.
            .Append(typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly.Location)
            .Select(f => $"#r \"{f}\"");
        var runner = Path.Combine(Path.GetTempPath(), "blend-fsx-" + Guid.NewGuid().ToString("N")[..8] + ".fsx");
        File.WriteAllLines(runner, refs.Append($"#load \"{RepoRoot.File("tests/fsharp/" + script)}\""));
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "fsi", "--quiet", runner }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(300_000), "dotnet fsi timed out");
            var errors = await err;
            Assert.True(p.ExitCode == 0, output + errors);
            Assert.Contains(": ok", output, StringComparison.Ordinal);
        }
        finally { File.Delete(runner); }
    }
}
