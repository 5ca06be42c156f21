using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Blend.Tests.Judges;

/// <summary>Sandbox tests; samples are batched (the judge runs them two at a time) to keep CI time low.</summary>
public sealed class CodeJudgeTests(ITestOutputHelper output)
{
    static Sample Code(string response, params string[] tests) =>
        new("code", "Write the function.", response) { Metadata = new JsonObject { ["tests"] = new JsonArray([.. tests.Select(t => (JsonNode)t)]) } };

    IReadOnlyList<Verdict> Run(CodeJudgeOptions options, params Sample[] samples)
    {
        // Where the machine has no namespaces, the trusted snippets of these tests still run (unisolated) to check verdicts.
        var verdicts = Judge.Code(options with { MaxParallel = 2, RequireIsolation = false }).Judge(samples);
        foreach (var v in verdicts) output.WriteLine($"isolation={CodeJudge.Isolation} {v.Outcome}: {v.Reason}");
        return verdicts;
    }

    [Fact]
    public void Snippet_extraction_prefers_the_csharp_block()
    {
        var text = "Here:\n```python\nprint(1)\n```\nand\n```csharp\nint F() => 1;\n```\n";
        Assert.Equal("int F() => 1;\n", CodeJudge.ExtractCode(text));
        Assert.Equal("int G() => 2;", CodeJudge.ExtractCode("int G() => 2;"));
    }

    [Fact]
    public void A_runner_in_a_private_folder_still_runs_under_the_throw_away_uid()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes
        // A checkout under `mktemp -d` (mode 0700) or /root: the sandbox's uid cannot read the runner there, so the judge
        // runs a world-readable staged copy instead of crashing.
        var runner = Sandbox.FindRunner(null) ?? throw new InvalidOperationException("Blend.Sandbox.dll not built");
        var root = Directory.CreateTempSubdirectory("blend-private-");
        try
        {
            File.SetUnixFileMode(root.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var copy = Path.Combine(root.FullName, "runner");
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(runner)!, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(Path.GetDirectoryName(runner)!, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var v = Run(new CodeJudgeOptions { RunnerPath = Path.Combine(copy, Path.GetFileName(runner)) },
                Code("int Add(int a, int b) => a + b;", "Add(2, 3) == 5"))[0];
            Assert.Equal(VerdictOutcome.Pass, v.Outcome);
        }
        finally { root.Delete(recursive: true); }
    }

    [Fact]
    public void Missing_tests_are_an_error_not_a_failure()
    {
        var none = Judge.Code().Judge([new Sample("code", "p", "int X = 1;")])[0];
        Assert.Equal(VerdictOutcome.Error, none.Outcome);
        Assert.Contains("tests", none.Reason);
    }

    [Fact]
    public void Correct_code_passes_and_wrong_broken_crashing_or_hungry_code_fails()
    {
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 60, MemoryMb = 128 },
            Code("```csharp\nint Add(int a, int b) => a + b;\n```", "Add(2, 3) == 5", "Assert(Add(-1, 1) == 0);"),
            Code("int Add(int a, int b) => a - b;", "Add(0, 0) == 0", "Add(2, 3) == 5"),
            Code("int Add(int a, int b) => a +;", "Add(1, 2) == 3"),
            Code("void Boom() => Environment.FailFast(\"boom\");", "Boom();"),
            Code("var keep = new List<byte[]>(); bool Hog() { while (true) keep.Add(new byte[1 << 20]); }", "Hog()"));
        Assert.Equal(VerdictOutcome.Pass, v[0].Outcome);
        Assert.Equal(1.0, v[0].Score);
        Assert.Equal(VerdictOutcome.Fail, v[1].Outcome);
        Assert.Contains("Add(2, 3) == 5", v[1].Reason);
        Assert.Equal(0.5, v[1].Score);
        Assert.Equal(VerdictOutcome.Fail, v[2].Outcome);
        Assert.Contains("compile error", v[2].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[3].Outcome);
        Assert.Contains("crashed", v[3].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[4].Outcome);
    }

    [Fact]
    public void Infinite_loop_and_fork_bomb_are_killed_at_the_timeout_and_leave_no_process_behind()
    {
        var bomb = "bool Bomb() { for (int i = 0; i < 100000; i++) System.Diagnostics.Process.Start(\"/bin/sh\", \"-c 'sleep 600'\"); return true; }";
        bool isolated = CodeJudge.Isolation != "none";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var spin = Code("int Spin() { while (true) { } }", "Spin() == 1");
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 4 }, isolated ? [spin, Code(bomb, "Bomb()")] : [spin]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.Equal(VerdictOutcome.Fail, v[0].Outcome);
        Assert.Contains("timed out", v[0].Reason);
        if (!isolated) { output.WriteLine("no namespaces on this machine: the fork bomb is not run"); return; }
        Assert.Equal(VerdictOutcome.Fail, v[1].Outcome);
        Thread.Sleep(300);
        var survivors = Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline"))
            .Select(f => { try { return File.ReadAllText(f); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Count(c => c.Contains("sleep\0600", StringComparison.Ordinal));
        Assert.Equal(0, survivors);
    }

    [Fact]
    public void Writes_outside_the_temporary_folder_and_network_access_are_blocked()
    {
        if (CodeJudge.Isolation == "none") { output.WriteLine("no namespaces on this machine: write and network isolation not checked"); return; }
        var target = Path.Combine(Path.GetTempPath(), "blend-outside-" + Guid.NewGuid().ToString("N") + ".txt");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 60 },
            Code($"bool Write() {{ File.WriteAllText(@\"{target}\", \"pwned\"); return true; }}", "Write()"),
            Code("bool Write() { File.WriteAllText(\"scratch.txt\", \"ok\"); return File.ReadAllText(\"scratch.txt\") == \"ok\"; }", "Write()"),
            Code($"bool Connect() {{ using var c = new System.Net.Sockets.TcpClient(); c.Connect(\"127.0.0.1\", {port}); return c.Connected; }}", "Connect()"));
        Assert.Equal(VerdictOutcome.Fail, v[0].Outcome);
        Assert.False(File.Exists(target));
        Assert.Equal(VerdictOutcome.Pass, v[1].Outcome);
        Assert.Equal(VerdictOutcome.Fail, v[2].Outcome);
        Assert.False(listener.Pending());
    }
}
