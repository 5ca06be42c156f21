using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>What one sandboxed run produced: the runner's verified report, or why there is none.</summary>
/// <param name="Report">The runner's result object, present only when its line carried this run's secret token and the process exited 0.</param>
/// <param name="Failure">Why there is no report (timeout, output cap, crash, limit), when the snippet is to blame.</param>
/// <param name="SetupError">Why the sandbox itself did not start (the machine's fault, not the snippet's).</param>
/// <param name="Output">The first bytes of the run's stdout and stderr, for diagnostics.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
internal sealed record SandboxResult(JsonObject? Report, string? Failure, string? SetupError, string Output, TimeSpan Elapsed);

/// <summary>One program to run in a sandbox: read-only host paths to show, the command, its environment and its request.</summary>
/// <param name="Binds">Host paths bound read-only: (host path, path inside the sandbox).</param>
/// <param name="Command">The program and its arguments, as seen inside.</param>
/// <param name="Environment">Its whole environment (besides HOME, TMPDIR, PATH and LANG).</param>
/// <param name="Request">Sent on stdin after the token line.</param>
internal sealed record SandboxJob(IReadOnlyList<(string Host, string Inside)> Binds, IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment, JsonObject Request);

/// <summary>
/// Runs one program per sample in a fresh bubblewrap sandbox (<c>/usr/bin/bwrap</c>). The same design as root and as a
/// normal user: root first drops to a throw-away uid (<c>setpriv</c>), then bwrap builds an unprivileged user namespace with
/// new mount, pid, network, ipc, uts and cgroup namespaces (<c>--unshare-all --unshare-user --disable-userns</c>), drops every
/// capability, sets no_new_privs, kills the sandbox with its parent and starts a new session. The file system is an empty,
/// read-only root holding only the runtime the snippet needs (bound read-only), a fresh <c>/proc</c>, a read-only minimal
/// <c>/dev</c> and a size-capped tmpfs <c>/work</c>: no host home, repository, <c>/tmp</c> or <c>/run</c>, so no host file
/// or UNIX socket is reachable, and abstract sockets belong to the private network namespace. The environment holds only
/// what the runtime needs. The runner inside applies <c>RLIMIT_AS</c> (native memory included), <c>RLIMIT_NPROC</c> (counted
/// per sandbox, since each has its own user namespace), <c>RLIMIT_FSIZE</c>, <c>RLIMIT_CPU</c> and <c>RLIMIT_NOFILE</c>
/// before any snippet code runs; the host enforces the wall clock and caps stdout/stderr in bytes while reading.
/// The verdict channel: the host sends a fresh random token on stdin (the runner reads it and closes stdin before the
/// snippet runs) and accepts only a result line that carries it, from a process that exited 0.
/// </summary>
internal static class Sandbox
{
    public const string Bwrap = "/usr/bin/bwrap";
    public const string Setpriv = "/usr/bin/setpriv";

    /// <summary>The first stdout byte the runners write before any snippet code: proves the sandbox started.</summary>
    public const byte StartedByte = (byte)'+';

    static bool IsRoot => Environment.UserName == "root";

    /// <summary>What this machine lacks for sandboxing, or null; checks files only (the start probe is per runtime).</summary>
    public static string? MissingTools()
    {
        if (!OperatingSystem.IsLinux()) return "the code judge's sandbox needs Linux (bubblewrap and user namespaces)";
        if (!File.Exists(Bwrap)) return $"bubblewrap is not installed ({Bwrap} missing; Debian package bubblewrap)";
        if (!File.Exists(Setpriv)) return $"setpriv is not installed ({Setpriv} missing; Debian package util-linux)";
        return null;
    }

    /// <summary>Read-only binds of the shared libraries every runtime needs (merged-/usr aware), as bwrap arguments.</summary>
    static IEnumerable<string> SystemLibraries()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64" })
            if (Directory.Exists(dir)) yield return $"--ro-bind\0{dir}\0{dir}";
        foreach (var top in new[] { "/lib", "/lib64" })
        {
            var info = new DirectoryInfo(top);
            if (!info.Exists) continue;
            if (info.LinkTarget is { } target) yield return $"--symlink\0{target}\0{top}";
            else
                foreach (var dir in new[] { top + "/x86_64-linux-gnu", top + "/aarch64-linux-gnu", top == "/lib64" ? top : "" })
                    if (dir.Length > 0 && Directory.Exists(dir)) yield return $"--ro-bind\0{dir}\0{dir}";
        }
    }

    /// <summary>The full command line: [setpriv to a throw-away uid when root] bwrap [isolation] -- program.</summary>
    static List<string> CommandLine(SandboxJob job, CodeJudgeOptions options)
    {
        var args = new List<string> { Setpriv, "--no-new-privs" };
        if (IsRoot)
        {
            var uid = RandomNumberGenerator.GetInt32(200_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--reuid", uid, "--regid", uid, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]);
        }
        args.AddRange(["--", Bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--clearenv", "--hostname", "sandbox"]);
        foreach (var lib in SystemLibraries()) args.AddRange(lib.Split('\0'));
        foreach (var (host, inside) in job.Binds) args.AddRange(["--ro-bind", host, inside]);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--size", (options.MaxDiskMb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture), "--tmpfs", "/work",
            "--remount-ro", "/", "--chdir", "/work"]);
        var env = new Dictionary<string, string>(job.Environment) { ["HOME"] = "/work", ["TMPDIR"] = "/work", ["PATH"] = "/usr/bin", ["LANG"] = "C.UTF-8" };
        foreach (var (key, value) in env) args.AddRange(["--setenv", key, value]);
        args.Add("--");
        args.AddRange(job.Command);
        return args;
    }

    /// <summary>The limits the runner applies to itself before the snippet runs.</summary>
    public static JsonObject Limits(CodeJudgeOptions options) => new()
    {
        ["memory_bytes"] = options.MemoryMb * 1024L * 1024L,
        ["processes"] = options.MaxProcesses,
        ["file_bytes"] = options.MaxFileMb * 1024L * 1024L,
        ["cpu_seconds"] = (long)Math.Ceiling(options.TimeoutSeconds),
    };

    /// <summary>Runs <paramref name="job"/> once in a fresh sandbox; never throws for anything the program does.</summary>
    public static SandboxResult Run(SandboxJob job, CodeJudgeOptions options)
    {
        var watch = Stopwatch.StartNew();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var args = CommandLine(job, options);
        var psi = new ProcessStartInfo(args[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";

        using var process = new Process { StartInfo = psi };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e) { return new(null, null, $"could not start {args[0]}: {e.Message}", "", watch.Elapsed); }
        var stdout = new CappedStream(options.MaxOutputKb * 1024);
        var stderr = new CappedStream(options.MaxOutputKb * 1024);
        var readOut = stdout.DrainAsync(process.StandardOutput.BaseStream);
        var readErr = stderr.DrainAsync(process.StandardError.BaseStream);
        var request = Encoding.UTF8.GetBytes(token + "\n" + job.Request.ToJsonString());
        var feed = Task.Run(async () =>
        {
            try { await process.StandardInput.BaseStream.WriteAsync(request); process.StandardInput.Close(); }
            catch (IOException) { } // the program exited without reading its request
        });

        var deadline = TimeSpan.FromSeconds(options.TimeoutSeconds) - watch.Elapsed;
        var exitTask = process.WaitForExitAsync();
        int first = Task.WaitAny([exitTask, stdout.OverflowTask, stderr.OverflowTask], deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero);
        bool exited = first == 0 || process.HasExited, overflow = first is 1 or 2;
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
            process.WaitForExit(5000);
        }
        Task.WaitAll([readOut, readErr, feed], TimeSpan.FromSeconds(5));
        process.WaitForExit();
        var output = stdout.Text(2000) + (stderr.Length > 0 ? " | stderr: " + stderr.Text(2000) : "");
        if (overflow)
            return new(null, $"wrote more than {options.MaxOutputKb} KiB of output (killed)", null, output, watch.Elapsed);
        if (!exited) return new(null, $"timed out after {options.TimeoutSeconds:0.#} s (killed)", null, output, watch.Elapsed);
        if (!stdout.StartsWith(StartedByte))
            return new(null, null, $"the sandbox did not start (exit code {process.ExitCode}): {stderr.Text(400).Trim()}", output, watch.Elapsed);
        if (stdout.Overflowed) return new(null, $"wrote more than {options.MaxOutputKb} KiB of output", null, output, watch.Elapsed);
        var report = stdout.ResultLine(token);
        if (report is not null && process.ExitCode == 0) return new(report, null, null, output, watch.Elapsed);
        return new(null, Crash(process.ExitCode, stderr.Text(300)), null, output, watch.Elapsed);
    }

    static string Crash(int exitCode, string stderr)
    {
        var what = exitCode > 128
            ? $"was killed by signal {exitCode - 128}" + (exitCode - 128 is 9 or 24 ? " (CPU-time or memory limit, or a crash)" : "")
            : $"exited with code {exitCode} without a result";
        var tail = stderr.Trim().Split('\n').TakeLast(2).Select(l => l.Trim());
        var detail = string.Join(" | ", tail);
        return "the program " + what + (detail.Length > 0 ? ": " + SampleJudge.Clip(detail, 200) : "");
    }

    /// <summary>Keeps the first <c>capacity</c> bytes of a stream and drains the rest; never grows past the cap.</summary>
    sealed class CappedStream(int capacity)
    {
        readonly byte[] _kept = new byte[capacity];
        readonly TaskCompletionSource _overflow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _length;

        public bool Overflowed => _overflow.Task.IsCompleted;

        /// <summary>Completes when more than the capacity arrived.</summary>
        public Task OverflowTask => _overflow.Task;
        public int Length => Volatile.Read(ref _length);

        public async Task DrainAsync(Stream source)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await source.ReadAsync(buffer).ConfigureAwait(false);
                    if (n == 0) return;
                    int room = Math.Min(n, capacity - _length);
                    if (room > 0) { Buffer.BlockCopy(buffer, 0, _kept, _length, room); Volatile.Write(ref _length, _length + room); }
                    if (room < n) _overflow.TrySetResult();
                }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
        }

        public bool StartsWith(byte b) => Length > 0 && _kept[0] == b;

        public string Text(int max) => SampleJudge.Clip(Encoding.UTF8.GetString(_kept, 0, Length).Replace("\0", "", StringComparison.Ordinal), max);

        /// <summary>The JSON after the last line that starts with the token, or null.</summary>
        public JsonObject? ResultLine(string token)
        {
            var text = Encoding.UTF8.GetString(_kept, 0, Length);
            int at = text.LastIndexOf("\n" + token + " ", StringComparison.Ordinal);
            if (at < 0) return null;
            var rest = text[(at + token.Length + 2)..];
            int end = rest.IndexOf('\n', StringComparison.Ordinal);
            try { return System.Text.Json.Nodes.JsonNode.Parse(end < 0 ? rest : rest[..end]) as JsonObject; }
            catch (System.Text.Json.JsonException) { return null; }
        }
    }
}
