namespace Blend.Tests.Packaging;

/// <summary>
/// The packed Blend packages, restored as a user outside the repository would: <c>build/pack.sh</c> packs the Release
/// build under a version made for this run (so no NuGet cache anywhere can hold a stale copy, and nothing is removed
/// from the user's cache), into a feed in a fresh temporary folder outside the repository. That folder has its own
/// NuGet.config: the feed is the only source, the packages folder is the tests' own (artifacts/package-tests, kept
/// between runs for the SDK packs F# Interactive restores) and the user's NuGet cache is a read-only fallback, so
/// nothing is downloaded twice and nothing is deleted from it. Empty Directory.Build.* files stop MSBuild from
/// importing any folder above.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        Version = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        Root = Directory.CreateTempSubdirectory("blend-packages-").FullName;
        Feed = Path.Combine(Root, "feed");
        Packages = RepoRoot.File("artifacts/package-tests/packages");
        foreach (var id in new[] { "blend", "blend.interactive" })
        {
            var own = Path.Combine(Packages, id);
            if (Directory.Exists(own)) Directory.Delete(own, recursive: true); // this run's own folder: earlier test versions only
        }
        Directory.CreateDirectory(Packages);
        var pack = ProcessRun.Run("bash", [RepoRoot.File("build/pack.sh"), "--version", Version, "--out", Feed], RepoRoot.Path, TimeSpan.FromMinutes(5));
        if (pack.ExitCode != 0) throw new InvalidOperationException("build/pack.sh failed:\n" + pack.All);

        string fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Packages}" /></config>
              <packageSources><clear /><add key="blend" value="{Feed}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
              <fallbackPackageFolders><clear /><add key="user" value="{fallback}" /></fallbackPackageFolders>
            </configuration>
            """);
        foreach (var f in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(Root, f), "<Project />\n");
    }

    /// <summary>The version this run packed.</summary>
    public string Version { get; }

    /// <summary>The temporary folder outside the repository that holds the feed, NuGet.config and the consumers.</summary>
    public string Root { get; }

    /// <summary>The local feed (what artifacts/packages is for notebooks and lessons).</summary>
    public string Feed { get; }

    /// <summary>The NuGet global packages folder the consumers restore into.</summary>
    public string Packages { get; }

    /// <summary>Environment for a consumer command: this feed's packages folder, nothing inherited from the test host's build.</summary>
    public IReadOnlyDictionary<string, string?> ConsumerEnvironment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["TorchBackend"] = null,
        ["BLEND_DEVICE"] = "cpu",
        ["MSBuildExtensionsPath"] = null,
        ["MSBUILD_EXE_PATH"] = null,
        ["MSBuildSDKsPath"] = null,
    };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
