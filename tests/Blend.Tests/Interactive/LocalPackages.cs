using System.Diagnostics;

namespace Blend.Tests.Interactive;

/// <summary>
/// The local package folder the notebooks use (artifacts/packages): packs Blend and Blend.Interactive from the
/// Release build once per test run (build/pack.sh: <c>dotnet pack --no-build</c>).
/// </summary>
internal static class LocalPackages
{
    static readonly Lazy<string> Folder = new(Pack);

    public static string Version { get; } = System.Text.RegularExpressions.Regex.Match(
        File.ReadAllText(RepoRoot.File("Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    public static string Ensure() => Folder.Value;

    static string Pack()
    {
        var psi = new ProcessStartInfo("bash", RepoRoot.File("build/pack.sh"))
        {
            WorkingDirectory = RepoRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // pack.sh drops the packed version from $NUGET_PACKAGES: point it at a scratch folder, never the user's cache
        // (the notebook tests restore into a cold cache of their own, see ColdNuGetCache).
        var scratch = Directory.CreateTempSubdirectory("blend-pack-cache-").FullName;
        psi.Environment["NUGET_PACKAGES"] = scratch;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Directory.Delete(scratch, recursive: true);
        if (p.ExitCode != 0) throw new InvalidOperationException("build/pack.sh failed:\n" + output + err.Result);
        return RepoRoot.File("artifacts/packages");
    }
}
