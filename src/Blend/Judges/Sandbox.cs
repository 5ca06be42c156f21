using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>How well a sandbox run is isolated from the host.</summary>
internal enum SandboxIsolation
{
    /// <summary>No namespaces: timeout, memory cap and environment only.</summary>
    None,

    /// <summary>Unprivileged user namespace: private network, pid and mount namespaces with a read-only file system.</summary>
    UserNamespace,

    /// <summary>Root: private network, pid and mount namespaces, read-only file system, a throw-away uid with a process limit.</summary>
    Full,
}

/// <summary>The outcome of running a snippet and its tests.</summary>
internal sealed record SandboxResult(bool Ok, string Message, int Passed, int Total, bool TimedOut, TimeSpan Elapsed);

/// <summary>
/// Runs Blend.Sandbox (a Roslyn-scripting runner) on one snippet in a separate process: a wall-clock timeout that kills the
/// whole process tree, <c>DOTNET_GCHeapHardLimit</c>, a fresh temporary working directory, and — where Linux namespaces are
/// available (<c>unshare</c>) — no network (a private network namespace), a read-only view of every mount except the
/// working directory (writes elsewhere fail), a private pid namespace (every process dies with the runner) and, as root,
/// a throw-away uid with <c>RLIMIT_NPROC</c> against fork bombs.
/// </summary>
internal static class Sandbox
{
    const string Marker = "@@BLEND-SANDBOX-RESULT@@";
    const int SetupFailed = 97;

    const string Script = """
        W="$1"; U="$2"; NP="$3"; FS="$4"; shift 4
        mount --make-rprivate / 2>/dev/null || exit 97
        mount --bind "$W" "$W" || exit 97
        for m in $(awk '{print $2}' /proc/mounts | sort -u); do
          case "$m" in "$W"|/proc|/proc/*) ;; *) mount -o remount,bind,ro "$m" 2>/dev/null ;; esac
        done
        touch /.blend-write-probe 2>/dev/null && exit 97
        cd "$W" || exit 97
        if [ "$U" != "-" ]; then
          chown "$U:$U" "$W" || exit 97
          exec prlimit --nproc="$NP" --nofile=512 --fsize="$FS" --core=0 setpriv --reuid="$U" --regid="$U" --clear-groups "$@"
        fi
        exec prlimit --nofile=512 --fsize="$FS" --core=0 "$@"
        """;

    static readonly Lazy<SandboxIsolation> Detected = new(Detect);

    /// <summary>The isolation this machine supports.</summary>
    public static SandboxIsolation Isolation => Detected.Value;

    static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    static SandboxIsolation Detect()
    {
        if (!OperatingSystem.IsLinux() || Which("unshare") is null || Which("prlimit") is null) return SandboxIsolation.None;
        if (IsRoot && Which("setpriv") is not null && Probe("--net --mount --pid --fork --kill-child --mount-proc")) return SandboxIsolation.Full;
        return Probe("--user --map-root-user --net --mount --pid --fork --kill-child --mount-proc") ? SandboxIsolation.UserNamespace : SandboxIsolation.None;
    }

    static bool Probe(string flags)
    {
        try
        {
            var psi = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var f in flags.Split(' ')) psi.ArgumentList.Add(f);
            psi.ArgumentList.Add("true");
            using var p = Process.Start(psi)!;
            if (!p.WaitForExit(10_000)) { p.Kill(true); return false; }
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    static string? Which(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>The dotnet executable that runs the runner.</summary>
    static string DotnetPath()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        var runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        if (File.Exists(candidate)) return candidate;
        return Which("dotnet") ?? "dotnet";
    }

    /// <summary>Finds Blend.Sandbox.dll (see <see cref="CodeJudgeOptions.RunnerPath"/>), or null.</summary>
    public static string? FindRunner(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        var env = Environment.GetEnvironmentVariable("BLEND_SANDBOX_RUNNER");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return Path.GetFullPath(env);
        var beside = Path.Combine(AppContext.BaseDirectory, "Blend.Sandbox.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var bin = Path.Combine(dir.FullName, "src", "Blend.Sandbox", "bin");
                if (!Directory.Exists(bin)) continue;
                var found = Directory.EnumerateFiles(bin, "Blend.Sandbox.dll", SearchOption.AllDirectories)
                    .Where(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                    .OrderByDescending(f => f.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                    .ThenByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (found is not null) return found;
            }
        }
        return null;
    }

    static readonly ConcurrentDictionary<string, Lazy<string>> Staged = new(StringComparer.Ordinal);

    /// <summary>
    /// The runner as the throw-away uid of <see cref="SandboxIsolation.Full"/> can read it: the runner itself when every
    /// folder above it lets others in (e.g. a checkout under /tmp), else a copy of its folder staged once per process
    /// under the temp folder with world-readable modes (e.g. a checkout under a private <c>mktemp -d</c> folder or /root).
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static string ReadableRunner(string runner)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(runner))!;
        if (OpenToOthers(dir)) return runner;
        var staged = Staged.GetOrAdd(dir, d => new Lazy<string>(() =>
        {
            var target = Path.Combine(Path.GetTempPath(), $"blend-sandbox-runner-{Environment.ProcessId}-{Guid.NewGuid():N}");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(target, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
            AtomicFile.WriteDirectory(target, tmp =>
            {
                foreach (var file in Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
                {
                    var copy = Path.Combine(tmp, Path.GetRelativePath(d, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    File.Copy(file, copy);
                    File.SetUnixFileMode(copy, FileMode);
                }
                foreach (var sub in Directory.EnumerateDirectories(tmp, "*", SearchOption.AllDirectories).Append(tmp))
                    File.SetUnixFileMode(sub, FolderMode);
            });
            return target;
        })).Value;
        return Path.Combine(staged, Path.GetFileName(runner));
    }

    const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    const UnixFileMode FolderMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Whether others may read <paramref name="dir"/> and pass through every folder above it.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static bool OpenToOthers(string dir)
    {
        if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherRead)) return false;
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
            if (!d.UnixFileMode.HasFlag(UnixFileMode.OtherExecute)) return false;
        return true;
    }

    /// <summary>Runs <paramref name="code"/> and <paramref name="tests"/> in the sandbox; never throws for anything the snippet does.</summary>
    public static SandboxResult Run(string runner, string code, IReadOnlyList<string> tests, CodeJudgeOptions options, SandboxIsolation isolation)
    {
        var watch = Stopwatch.StartNew();
        if (isolation == SandboxIsolation.Full && !OperatingSystem.IsWindows()) runner = ReadableRunner(runner);
        var work = Path.Combine(Path.GetTempPath(), "blend-sandbox-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var request = new JsonObject { ["code"] = code, ["tests"] = new JsonArray([.. tests.Select(t => (JsonNode?)JsonValue.Create(t))]) };
            var requestPath = Path.Combine(work, "request.json");
            File.WriteAllText(requestPath, request.ToJsonString());

            var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = work };
            var command = new List<string> { DotnetPath(), runner, requestPath };
            string fsize = (options.MaxFileMb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
            if (isolation == SandboxIsolation.None)
            {
                psi.FileName = command[0];
                foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
            }
            else
            {
                psi.FileName = "unshare";
                var flags = isolation == SandboxIsolation.Full
                    ? "--net --mount --pid --fork --kill-child --mount-proc"
                    : "--user --map-root-user --net --mount --pid --fork --kill-child --mount-proc";
                foreach (var f in flags.Split(' ')) psi.ArgumentList.Add(f);
                foreach (var a in new[] { "/bin/sh", "-c", Script, "sh", work })
                    psi.ArgumentList.Add(a);
                psi.ArgumentList.Add(isolation == SandboxIsolation.Full ? Random.Shared.Next(200_000, 1_200_000).ToString(CultureInfo.InvariantCulture) : "-");
                psi.ArgumentList.Add(options.MaxProcesses.ToString(CultureInfo.InvariantCulture));
                psi.ArgumentList.Add(fsize);
                foreach (var a in command) psi.ArgumentList.Add(a);
            }
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
            psi.Environment["HOME"] = work;
            psi.Environment["TMPDIR"] = work;
            psi.Environment["DOTNET_CLI_HOME"] = work;
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_EnableDiagnostics"] = "0";
            // W^X double-mapping needs a writable shared-memory mount, which the read-only view removes.
            psi.Environment["DOTNET_EnableWriteXorExecute"] = "0";
            psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + (options.MemoryMb * 1024L * 1024L).ToString("x", CultureInfo.InvariantCulture);
            psi.Environment["DOTNET_gcServer"] = "0";
            psi.Environment["DOTNET_TieredPGO"] = "0";
            // Without a network namespace, proxies that point nowhere are the only (weak) network block.
            foreach (var proxy in new[] { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy" })
                psi.Environment[proxy] = "http://127.0.0.1:9";
            var dotnetRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            if (!string.IsNullOrEmpty(dotnetRoot)) psi.Environment["DOTNET_ROOT"] = dotnetRoot;

            var stdout = new CappedText(64 * 1024);
            var stderr = new CappedText(8 * 1024);
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => stdout.Add(e.Data);
            process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            bool exited = process.WaitForExit(TimeSpan.FromSeconds(options.TimeoutSeconds));
            if (!exited)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
                process.WaitForExit(5000);
                return new SandboxResult(false, $"timed out after {options.TimeoutSeconds:0.#} s (killed)", 0, tests.Count, true, watch.Elapsed);
            }
            process.WaitForExit();
            var line = stdout.MarkerLine;
            if (line is null)
            {
                if (process.ExitCode == SetupFailed && isolation != SandboxIsolation.None)
                    return new SandboxResult(false, "sandbox setup failed: " + stderr.Tail(), 0, tests.Count, false, watch.Elapsed) { };
                return new SandboxResult(false, $"runner crashed (exit code {process.ExitCode}){Detail(stderr.Tail())}", 0, tests.Count, false, watch.Elapsed);
            }
            var result = JsonNode.Parse(line[Marker.Length..]) as JsonObject ?? [];
            int total = result["total"]?.GetValue<int>() ?? tests.Count;
            if (result["error"] is { } error) return new SandboxResult(false, error.ToString(), 0, total, false, watch.Elapsed);
            int passed = result["passed"]?.GetValue<int>() ?? 0;
            var failures = (result["failures"] as JsonArray ?? []).Select(f => f?.ToString() ?? "").ToList();
            if (total == 0) return new SandboxResult(false, "no tests to run", 0, 0, false, watch.Elapsed);
            return failures.Count == 0
                ? new SandboxResult(true, $"{passed}/{total} tests passed", passed, total, false, watch.Elapsed)
                : new SandboxResult(false, $"{passed}/{total} tests passed; {failures[0]}", passed, total, false, watch.Elapsed);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static string Detail(string stderr) => string.IsNullOrWhiteSpace(stderr) ? "" : ": " + SampleJudge.Clip(stderr, 160);

    /// <summary>Keeps at most a fixed number of characters of a process stream, and the result marker line.</summary>
    sealed class CappedText(int capacity)
    {
        readonly StringBuilder _text = new();
        readonly Lock _lock = new();

        public string? MarkerLine { get; private set; }

        public void Add(string? line)
        {
            if (line is null) return;
            lock (_lock)
            {
                if (line.StartsWith(Marker, StringComparison.Ordinal)) { MarkerLine = line; return; }
                if (_text.Length < capacity) _text.AppendLine(line.Length > capacity ? line[..capacity] : line);
            }
        }

        public string Tail()
        {
            lock (_lock)
            {
                var lines = _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return lines.Length == 0 ? "" : string.Join(" | ", lines.TakeLast(2));
            }
        }
    }
}
