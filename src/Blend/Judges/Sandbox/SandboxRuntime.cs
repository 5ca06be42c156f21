using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// What a language needs inside the sandbox (its interpreter or runtime, bound read-only, and its environment), and
/// whether this machine can start it: each runtime is probed once per process with a trivial snippet, and every later
/// sample of that language gets an error verdict naming what is missing when the probe failed.
/// </summary>
internal abstract class SandboxRuntime
{
    readonly ConcurrentDictionary<CodeJudgeOptions, Lazy<string?>> _probes = new();

    /// <summary>The job that runs <paramref name="request"/> with this runtime.</summary>
    public abstract SandboxJob Job(JsonObject request, CodeJudgeOptions options);

    /// <summary>Why this runtime cannot run here (the runtime's files), or null.</summary>
    protected abstract string? MissingFiles(CodeJudgeOptions options);

    /// <summary>A request that must pass, for the start probe.</summary>
    protected abstract JsonObject? ProbeRequest(CodeJudgeOptions options);

    /// <summary>Why no sample of this language can be judged here, or null; cached per options.</summary>
    public string? Unavailable(CodeJudgeOptions options) => _probes.GetOrAdd(options, o => new Lazy<string?>(() => Probe(o))).Value;

    string? Probe(CodeJudgeOptions options)
    {
        if (Sandbox.MissingTools() is { } missing) return missing;
        if (MissingFiles(options) is { } files) return files;
        var request = ProbeRequest(options);
        if (request is null) return "the probe snippet does not compile";
        var result = Sandbox.Run(Job(request, options), options with { TimeoutSeconds = Math.Max(options.TimeoutSeconds, 30) });
        if (result.SetupError is { } setup)
            return "the sandbox cannot start here: " + setup
                + " (bwrap needs unprivileged user namespaces: see /proc/sys/user/max_user_namespaces, /proc/sys/kernel/unprivileged_userns_clone, and AppArmor's kernel.apparmor_restrict_unprivileged_userns)";
        if (result.Report?["passed"]?.GetValue<int>() != 1)
            return "the sandbox's probe snippet did not pass: " + (result.Failure ?? result.Report?.ToJsonString() ?? "") + " " + SampleJudge.Clip(result.Output, 300);
        return null;
    }

    /// <summary>Python 3 (<see cref="CodeJudgeOptions.PythonPath"/>) with its standard library, started isolated (<c>-I -S -B</c>).</summary>
    public static readonly SandboxRuntime Python = new PythonRuntime();

    /// <summary>The .NET runtime this process runs on (only Microsoft.NETCore.App) and the Blend.Sandbox runner.</summary>
    public static readonly SandboxRuntime CSharp = new CSharpRuntime();

    sealed class PythonRuntime : SandboxRuntime
    {
        static readonly Lazy<string> Script = new(() =>
        {
            using var s = typeof(SandboxRuntime).Assembly.GetManifestResourceStream("Blend.Judges.Sandbox.python_runner.py")
                ?? throw new InvalidOperationException("python_runner.py resource missing");
            return new StreamReader(s).ReadToEnd();
        });

        readonly ConcurrentDictionary<string, Lazy<(string? Exe, string? Stdlib, string? Error)>> _layouts = new();

        /// <summary>The interpreter's real file and its standard library folder, asked of the interpreter once.</summary>
        (string? Exe, string? Stdlib, string? Error) Layout(string python) => _layouts.GetOrAdd(python, p => new(() =>
        {
            if (!File.Exists(p)) return (null, null, $"python interpreter {p} not found (CodeJudgeOptions.PythonPath; Debian package python3)");
            var exe = new FileInfo(p).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? p;
            try
            {
                var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-I", "-S", "-c", "import os; print(os.path.dirname(os.__file__))" }) psi.ArgumentList.Add(a);
                using var proc = Process.Start(psi)!;
                var dir = proc.StandardOutput.ReadToEnd().Trim();
                if (!proc.WaitForExit(10_000)) { proc.Kill(); return (null, null, $"{exe} did not answer within 10 s"); }
                return Directory.Exists(dir) ? (exe, dir, null) : (null, null, $"{exe}: standard library not found ({dir})");
            }
            catch (System.ComponentModel.Win32Exception e) { return (null, null, $"{exe} cannot be started: {e.Message}"); }
        })).Value;

        protected override string? MissingFiles(CodeJudgeOptions options) => Layout(options.PythonPath).Error;

        protected override JsonObject? ProbeRequest(CodeJudgeOptions options) => PythonSnippet.Request("def f():\n    return 1\n", ["assert f() == 1"], null, null, options);

        public override SandboxJob Job(JsonObject request, CodeJudgeOptions options)
        {
            var (exe, stdlib, _) = Layout(options.PythonPath);
            return new SandboxJob([(exe!, "/usr/bin/python3"), (stdlib!, stdlib!)],
                ["/usr/bin/python3", "-I", "-S", "-B", "-c", Script.Value],
                new Dictionary<string, string> { ["PYTHONHASHSEED"] = "0", ["PYTHONIOENCODING"] = "utf-8" }, request);
        }
    }

    sealed class CSharpRuntime : SandboxRuntime
    {
        const string RunnerInside = "/blend/runner";

        static readonly Lazy<(string Root, string Framework)> Dotnet = new(() =>
        {
            var framework = Path.GetFullPath(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd('/');
            return (Path.GetFullPath(Path.Combine(framework, "..", "..", "..")), framework);
        });

        protected override string? MissingFiles(CodeJudgeOptions options)
        {
            var (root, framework) = Dotnet.Value;
            if (!File.Exists(Path.Combine(root, "dotnet")) || !Directory.Exists(Path.Combine(root, "host", "fxr")))
                return $"the dotnet host was not found under {root} (needs dotnet and host/fxr next to {framework})";
            return SandboxRunner.Find(options.RunnerPath).Error;
        }

        protected override JsonObject? ProbeRequest(CodeJudgeOptions options)
        {
            var compiled = CSharpSnippet.Build("int F() => 1;", ["F() == 1"], TimeSpan.FromSeconds(60));
            return compiled.Error is null ? CSharpSnippet.Request(compiled, options) : null;
        }

        public override SandboxJob Job(JsonObject request, CodeJudgeOptions options)
        {
            var (root, framework) = Dotnet.Value;
            var runner = SandboxRunner.Find(options.RunnerPath).Path!;
            var runnerDir = SandboxRunner.Readable(Path.GetDirectoryName(runner)!);
            return new SandboxJob(
                [(Path.Combine(root, "dotnet"), Path.Combine(root, "dotnet")), (Path.Combine(root, "host"), Path.Combine(root, "host")),
                 (framework, framework), (runnerDir, RunnerInside)],
                [Path.Combine(root, "dotnet"), "exec", RunnerInside + "/" + Path.GetFileName(runner)],
                new Dictionary<string, string>
                {
                    ["DOTNET_ROOT"] = root,
                    ["DOTNET_GCHeapHardLimit"] = "0x" + (options.MemoryMb * 1024L * 1024L).ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                    ["DOTNET_gcServer"] = "0",
                    ["DOTNET_gcConcurrent"] = "0",
                    ["DOTNET_TieredPGO"] = "0",
                    ["DOTNET_EnableDiagnostics"] = "0",
                    // W^X double mapping costs start time and needs a writable shared-memory mount.
                    ["DOTNET_EnableWriteXorExecute"] = "0",
                    ["DOTNET_NOLOGO"] = "1",
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                }, request);
        }
    }
}
