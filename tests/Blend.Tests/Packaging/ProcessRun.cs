using System.Diagnostics;

namespace Blend.Tests.Packaging;

/// <summary>What a finished command printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public string All => Stdout + Stderr;
}

/// <summary>Runs a command with a deadline (the process tree is killed past it) and without build servers that outlive it.</summary>
internal static class ProcessRun
{
    /// <summary>Environment for child dotnet commands: no MSBuild node reuse, no compiler or MSBuild server holding the pipes open.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoBuildServers = new Dictionary<string, string?>
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    public static ProcessResult Run(string file, IEnumerable<string> args, string workDir, TimeSpan deadline, IReadOnlyDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in NoBuildServers.Concat(env ?? new Dictionary<string, string?>()))
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        string command = file + " " + string.Join(' ', psi.ArgumentList);
        if (!p.WaitForExit(deadline))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
            throw new TimeoutException($"`{command}` ran past {deadline.TotalSeconds:0} s:\n{Drain(stdout)}{Drain(stderr)}");
        }
        // A grandchild that kept the pipes must not hang the test either.
        if (!Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"`{command}` exited, but a process it started still holds its output open");
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    static string Drain(Task<string> t) => t.Wait(TimeSpan.FromSeconds(5)) ? t.Result : "";
}
