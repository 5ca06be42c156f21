using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Blend.Tests.Judges;

/// <summary>
/// Hostile snippets against the code judge's sandbox, each of which must end in a Fail or Error verdict, leave the
/// host unchanged and leave no process behind, and never show a planted host file's contents in a verdict. Run twice:
/// in this process (root on CI) and, through Blend.SandboxProbe, as a throw-away unprivileged uid.
/// </summary>
public abstract class SandboxRedTeam : IDisposable
{
    /// <summary>The test's log.</summary>
    protected ITestOutputHelper Output { get; }
    readonly string _id = Guid.NewGuid().ToString("N");
    readonly Socket _socket;

    /// <summary>A world-readable host file that snippets must not read.</summary>
    protected string SecretPath { get; }

    /// <summary>Its contents.</summary>
    protected string Secret { get; }

    /// <summary>A world-writable UNIX socket on the host.</summary>
    protected string SocketPath { get; }

    /// <summary>A host path snippets try to create.</summary>
    protected string TargetPath { get; }

    /// <summary>In the command line of every process the process attacks start, to find survivors.</summary>
    protected string Marker { get; }

    /// <summary>A process name (15 characters) that the C# attack's forked child takes, to find survivors.</summary>
    protected string ShortMarker { get; }

    protected SandboxRedTeam(ITestOutputHelper output)
    {
        Output = output;
        var tmp = Path.GetTempPath();
        SecretPath = Path.Combine(tmp, $"blend-secret-{_id}.txt");
        Secret = $"TOP-SECRET-{Guid.NewGuid():N}";
        File.WriteAllText(SecretPath, Secret);
        SocketPath = Path.Combine(tmp, $"blend-sock-{_id[..12]}.sock");
        TargetPath = Path.Combine(tmp, $"blend-pwned-{_id}.txt");
        Marker = $"blend-survivor-{_id}";
        ShortMarker = "bs" + _id[..13];
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _socket.Listen(8);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(SocketPath, (UnixFileMode)0b111_111_111);
            File.SetUnixFileMode(SecretPath, (UnixFileMode)0b110_100_100);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        foreach (var f in new[] { SecretPath, SocketPath, TargetPath }) File.Delete(f);
        GC.SuppressFinalize(this);
    }

    static Sample Py(string code, params string[] tests) => CodeJudgeTests.Python(code, tests);
    static Sample Cs(string code, params string[] tests) => CodeJudgeTests.Code("```csharp\n" + code + "\n```", tests);

    /// <summary>The attacks: (name, sample, a phrase the verdict must show: the attack ran and was stopped where intended). Every one asks for a wrong or impossible answer.</summary>
    protected IReadOnlyList<(string Name, Sample Sample, string Evidence)> Attacks()
    {
        string survivor = $"os.execv('/usr/bin/python3', ['python3', '-c', 'import time; time.sleep(600)', '{Marker}'])";
        return
        [
            ("remount / read-write (libc mount)", Py("""
                import ctypes, os
                def attack():
                    libc = ctypes.CDLL(None, use_errno=True)
                    if libc.mount(b"none", b"/", None, 32 | 4096, None) != 0:
                        raise OSError(ctypes.get_errno(), "mount failed")
                    open("/pwned", "w").write("x")
                    return True
                """, "assert attack()"), "PermissionError: [Errno 1] mount failed"),
            ("remount / read-write (C# P/Invoke)", Cs("""
                [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
                static extern int mount(string source, string target, string type, ulong flags, IntPtr data);
                bool Attack() => mount("none", "/", null, 32 | 4096, IntPtr.Zero) == 0 && System.IO.File.Exists("/usr");
                """, "Attack()"), "is false"),
            ("host UNIX socket", Py($"""
                import socket
                def attack():
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect("{SocketPath}")
                    s.sendall(b"hello")
                    return True
                """, "assert attack()"), "FileNotFoundError"),
            ("forged result line + exit 0", Py("""
                import os
                def add(a, b):
                    return a - b
                for line in ("@@BLEND-SANDBOX-RESULT@@{\"total\": 1, \"passed\": 1, \"failures\": []}", "0123456789ABCDEF {\"passed\": 1, \"failures\": []}"):
                    os.write(1, ("\n" + line + "\n").encode())
                os._exit(0)
                """, "assert add(2, 3) == 5"), "exited with code 0 without a result"),
            ("forged result line + Environment.Exit(0)", Cs("""
                int Add(int a, int b) => a - b;
                Console.WriteLine("\n@@BLEND-SANDBOX-RESULT@@{\"total\":1,\"passed\":1,\"failures\":[]}");
                Environment.Exit(0);
                """, "Add(2, 3) == 5"), "exited with code 0 without a result"),
            ("Console.SetOut rewrite", Cs("""
                sealed class Liar : System.IO.StringWriter { public override void WriteLine(string? s) => Console.Error.WriteLine("{\"passed\":1,\"failures\":[]}"); }
                Console.SetOut(new Liar());
                int Add(int a, int b) => a - b;
                """, "Add(2, 3) == 5"), "is false"),
            ("shadowed no-op Assert", Cs("""
                void Assert(bool condition, string message = "") { }
                void AssertEqual<T>(T expected, T actual) { }
                int Add(int a, int b) => 0;
                """, "Assert(Add(2, 3) == 5);", "AssertEqual(5, Add(2, 3));"), "0/2 tests passed; test 1 (Assert(Add(2, 3) == 5);) threw InvalidOperationException: assertion failed"),
            ("shadowed check() and patched builtins", new Sample("code", "p", """
                ```python
                import builtins
                builtins.abs = lambda x: 0
                def check(candidate):
                    return None
                def add(a, b):
                    return 0
                ```
                """) { Metadata = new JsonObject { ["test"] = "def check(candidate):\n    assert abs(candidate(2, 3) - 5) < 1e-9\n", ["entry_point"] = "add" } }, "check(add) assertion failed"),
            ("native memory hog (2 GiB touched)", Py("""
                import mmap
                def hog():
                    m = mmap.mmap(-1, 2 << 30)
                    for i in range(0, 2 << 30, 4096):
                        m[i] = 1
                    return True
                """, "assert hog()"), "Cannot allocate memory"),
            ("native memory hog in C# (2 GiB touched)", Cs("""
                bool Hog() { var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(new IntPtr(2L << 30)); for (long i = 0; i < (2L << 30); i += 4096) System.Runtime.InteropServices.Marshal.WriteByte(p + (nint)i, 1); return true; }
                """, "Hog()"), "OutOfMemoryException"),
            ("output flood (1 GiB, no newline)", Py("""
                import os
                def flood():
                    block = b"x" * 65536
                    for _ in range(16384):
                        os.write(1, block)
                    return True
                """, "assert flood()"), "more than 64 KiB of output"),
            ("many files (200 x 15 MiB)", Py("""
                def fill():
                    block = b"\0" * (15 << 20)
                    for i in range(200):
                        with open("f%d" % i, "wb") as f:
                            f.write(block)
                    return True
                """, "assert fill()"), "No space left on device"),
            ("fork bomb", Py($"""
                import os
                def bomb():
                    os.execv("/usr/bin/python3", ["python3", "-c", "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass", "{Marker}"])
                """, "assert bomb()"), "timed out"),
            ("1000 processes (process limit)", Py($"""
                import os, time
                def spawn_many():
                    for i in range(1000):
                        if os.fork() == 0:
                            os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(600)", "{Marker}"])
                    return True
                """, "assert spawn_many()"), "Resource temporarily unavailable"),
            ("background process outliving the judge", Py($"""
                import os
                def spawn():
                    if os.fork() == 0:
                        os.setsid()
                        if os.fork() == 0:
                            {survivor}
                        os._exit(0)
                    import time
                    for _ in range(100):
                        time.sleep(0.05)
                        if any("{Marker}" in open("/proc/%s/cmdline" % p).read() for p in os.listdir("/proc") if p.isdigit()):
                            return 1
                    raise Exception("survivor did not start")
                """, "assert spawn() == 2"), "assertion failed"),
            ("background process from C# (fork)", Cs($$"""
                [System.Runtime.InteropServices.DllImport("libc")] static extern int fork();
                [System.Runtime.InteropServices.DllImport("libc")] static extern int prctl(int option, IntPtr arg2, IntPtr arg3, IntPtr arg4, IntPtr arg5);
                [System.Runtime.InteropServices.DllImport("libc")] static extern uint sleep(uint seconds);
                int Spawn()
                {
                    var name = System.Runtime.InteropServices.Marshal.StringToHGlobalAnsi("{{ShortMarker}}");
                    sleep(0); prctl(16, System.Runtime.InteropServices.Marshal.AllocHGlobal(16), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
                    int pid = fork();
                    if (pid < 0) throw new Exception("fork failed");
                    if (pid == 0) { prctl(15, name, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero); sleep(600); }
                    sleep(1);
                    return 1;
                }
                """, "Spawn() == 2"), "is false"),
            ("read a planted host file (Python)", Py($"""
                import os
                def leak():
                    for path in ["{SecretPath}", "/proc/1/root{SecretPath}", "/tmp/" + "{Path.GetFileName(SecretPath)}"]:
                        try:
                            raise Exception(open(path).read())
                        except OSError:
                            pass
                    found = []
                    for root, dirs, files in os.walk("/"):
                        found += [os.path.join(root, f) for f in files if "blend-secret" in f]
                    raise Exception(" ".join(open(f).read() for f in found) or "nothing found")
                """, "assert leak()"), "nothing found"),
            ("read a planted host file (C#)", Cs($"""
                bool Leak() => throw new Exception(File.ReadAllText(@"{SecretPath}"));
                """, "Leak()"), "NotFound"),
        ];
    }

    /// <summary>
    /// Judges every attack (as whoever <paramref name="judge"/> runs: samples and a timeout in, outcome and reason out) and
    /// checks verdicts, host and processes. The attack that must hang (the fork bomb) gets a 4 s limit, the others 30 s,
    /// so a slow, shared box cannot turn a blocked attack into a timeout; the two batches run at once.
    /// </summary>
    protected void RunAll(Func<IReadOnlyList<Sample>, double, IReadOnlyList<(string Outcome, string Reason)>> judge)
    {
        var attacks = Attacks();
        var watch = Stopwatch.StartNew();
        var hangs = attacks.Select((a, i) => (a, i)).Where(x => x.a.Evidence == "timed out").Select(x => x.i).ToList();
        var rest = Enumerable.Range(0, attacks.Count).Except(hangs).ToList();
        var slow = Task.Run(() => judge([.. hangs.Select(i => attacks[i].Sample)], 4));
        var fast = judge([.. rest.Select(i => attacks[i].Sample)], 30);
        var verdicts = new (string Outcome, string Reason)[attacks.Count];
        for (int k = 0; k < rest.Count; k++) verdicts[rest[k]] = fast[k];
        for (int k = 0; k < hangs.Count; k++) verdicts[hangs[k]] = slow.Result[k];
        Output.WriteLine($"{attacks.Count} attacks judged in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(rest.Count, fast.Count);
        Assert.Equal(hangs.Count, slow.Result.Count);
        for (int i = 0; i < attacks.Count; i++)
        {
            Output.WriteLine($"{attacks[i].Name}: {verdicts[i].Outcome}: {verdicts[i].Reason}");
            Assert.True(verdicts[i].Outcome is "Fail" or "Error", $"{attacks[i].Name}: {verdicts[i].Outcome} ({verdicts[i].Reason})");
            Assert.DoesNotContain(Secret, verdicts[i].Reason, StringComparison.Ordinal);
            Assert.True(verdicts[i].Reason.Contains(attacks[i].Evidence, StringComparison.Ordinal), $"{attacks[i].Name}: expected '{attacks[i].Evidence}' in '{verdicts[i].Reason}'");
        }
        Assert.False(File.Exists(TargetPath));
        Assert.False(File.Exists("/pwned"));
        Assert.Equal(Secret, File.ReadAllText(SecretPath));
        Assert.False(_socket.Poll(0, SelectMode.SelectRead), "a snippet connected to the host's UNIX socket");
        Thread.Sleep(200);
        Assert.Empty(Survivors());
    }

    List<int> Survivors()
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(Marker, StringComparison.Ordinal)
                    || File.ReadAllText(Path.Combine(dir, "comm")).Trim() == ShortMarker) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}

/// <summary>The attacks judged in this process (root on CI; otherwise the current unprivileged user).</summary>
public sealed class SandboxRedTeamInProcessTests(ITestOutputHelper output) : SandboxRedTeam(output)
{
    [Fact]
    public void Every_attack_fails_as_the_current_user()
    {
        Assert.Null(Judge.Code().Unavailable(CodeLanguage.Python));
        Assert.Null(Judge.Code().Unavailable(CodeLanguage.CSharp));
        RunAll((samples, timeout) => [.. Judge.Code(new CodeJudgeOptions { TimeoutSeconds = timeout, MaxParallel = 2 }).Judge(samples).Select(v => (v.Outcome.ToString(), v.Reason))]);
    }
}

/// <summary>The attacks judged by Blend.SandboxProbe running as a throw-away unprivileged uid (needs root to switch uid).</summary>
public sealed class SandboxRedTeamUnprivilegedTests(ITestOutputHelper output) : SandboxRedTeam(output)
{
    [Fact]
    public void Every_attack_fails_as_an_unprivileged_user()
    {
        if (Environment.UserName != "root")
        {
            Output.WriteLine("not root: the in-process red-team test already runs unprivileged");
            return;
        }
        var probeDir = UnprivilegedCopy.Of(AppContext.BaseDirectory);
        RunAll((samples, timeout) => UnprivilegedCopy.Judge(probeDir, samples, timeout));
    }
}

/// <summary>Runs Blend.SandboxProbe as a throw-away uid, from a world-readable copy of the test folder's assemblies when needed.</summary>
internal static class UnprivilegedCopy
{
    static readonly Lazy<string> Copy = new(() =>
    {
        var source = AppContext.BaseDirectory;
        if (OperatingSystem.IsWindows()) return source;
        var target = Path.Combine(Path.GetTempPath(), "blend-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            if (!(name.EndsWith(".dll", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal))) continue;
            File.Copy(file, Path.Combine(target, name));
        }
        foreach (var f in Directory.EnumerateFileSystemEntries(target).Append(target))
            File.SetUnixFileMode(f, (UnixFileMode)(Directory.Exists(f) ? 0b111_101_101 : 0b110_100_100));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(target, true); } catch (IOException) { } };
        return target;
    });

    public static string Of(string _) => Copy.Value;

    public static IReadOnlyList<(string Outcome, string Reason)> Judge(string dir, IReadOnlyList<Sample> samples, double timeoutSeconds)
    {
        var uid = Random.Shared.Next(300_000, 900_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dotnet = Path.Combine(Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")), "dotnet");
        var psi = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in new[] { "--reuid", uid, "--regid", uid, "--clear-groups", "--", dotnet, "exec", Path.Combine(dir, "Blend.SandboxProbe.dll") })
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["HOME"] = "/nonexistent";
        psi.Environment["USER"] = "nobody";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["BLEND_SANDBOX_RUNNER"] = Path.Combine(dir, "Blend.Sandbox.dll");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.WriteLine(new JsonObject { ["timeout"] = timeoutSeconds }.ToJsonString());
        foreach (var s in samples)
            p.StandardInput.WriteLine(new JsonObject { ["response"] = s.Response, ["metadata"] = s.Metadata?.DeepClone() }.ToJsonString());
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120))) { p.Kill(true); throw new TimeoutException("the probe did not finish in 120 s"); }
        Assert.True(p.ExitCode == 0, $"probe exited {p.ExitCode}: {stderr.Result}");
        return [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!.AsObject()).Select(o => (o["outcome"]!.GetValue<string>(), o["reason"]!.GetValue<string>()))];
    }
}
