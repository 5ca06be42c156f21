using System.Collections.Concurrent;

namespace Blend;

/// <summary>
/// Finds the C# runner (Blend.Sandbox.dll): <see cref="CodeJudgeOptions.RunnerPath"/>, else the
/// <c>BLEND_SANDBOX_RUNNER</c> environment variable, else next to the application (a project that references
/// Blend.Sandbox gets it copied there). The source tree is never searched.
/// </summary>
internal static class SandboxRunner
{
    public const string EnvironmentVariable = "BLEND_SANDBOX_RUNNER";

    /// <summary>The runner's path, or why it was not found.</summary>
    public static (string? Path, string? Error) Find(string? explicitPath)
    {
        var (path, source) = !string.IsNullOrEmpty(explicitPath) ? (explicitPath, "CodeJudgeOptions.RunnerPath")
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? (env, EnvironmentVariable)
            : (System.IO.Path.Combine(AppContext.BaseDirectory, "Blend.Sandbox.dll"), "the application folder");
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
            return (null, $"C# runner {path} (from {source}) not found: reference src/Blend.Sandbox from the application, or set {EnvironmentVariable} or CodeJudgeOptions.RunnerPath");
        if (!File.Exists(System.IO.Path.ChangeExtension(path, ".runtimeconfig.json")))
            return (null, $"C# runner {path} has no .runtimeconfig.json beside it");
        return (path, null);
    }

    static readonly ConcurrentDictionary<string, Lazy<string>> Staged = new(StringComparer.Ordinal);

    /// <summary>
    /// The runner's folder as the sandbox's throw-away uid (root's case) can read it: the folder itself when others may
    /// read it and pass through every folder above it, else a world-readable copy staged once per process (e.g. a
    /// checkout under /root or a private <c>mktemp -d</c> folder).
    /// </summary>
    public static string Readable(string dir)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || OpenToOthers(dir)) return dir;
        return Staged.GetOrAdd(dir, d => new Lazy<string>(() => OperatingSystem.IsWindows() ? d : Stage(d))).Value;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static string Stage(string d)
    {
        var target = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"blend-sandbox-runner-{Environment.ProcessId}-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(target, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        AtomicFile.WriteDirectory(target, tmp =>
        {
            foreach (var file in Directory.EnumerateFiles(d, "*", SearchOption.TopDirectoryOnly))
            {
                var copy = System.IO.Path.Combine(tmp, System.IO.Path.GetFileName(file));
                File.Copy(file, copy);
                File.SetUnixFileMode(copy, FileMode);
            }
            File.SetUnixFileMode(tmp, FolderMode);
        });
        File.SetUnixFileMode(target, FolderMode);
        return target;
    }

    const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    const UnixFileMode FolderMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    static bool OpenToOthers(string dir)
    {
        if (OperatingSystem.IsWindows()) return true;
        if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherRead)) return false;
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
            if (!d.UnixFileMode.HasFlag(UnixFileMode.OtherExecute)) return false;
        return true;
    }
}
