using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Blend.Tests.Judges;

/// <summary>Code-judge behaviour in both languages: pass, fail, compile error, timeout; batched to keep CI time low.</summary>
public sealed class CodeJudgeTests(ITestOutputHelper output)
{
    internal static Sample Code(string response, params string[] tests) =>
        new("code", "Write the function.", response) { Metadata = new JsonObject { ["tests"] = new JsonArray([.. tests.Select(t => (JsonNode)t)]) } };

    internal static Sample Python(string code, params string[] tests) => Code("```python\n" + code + "\n```", tests);

    IReadOnlyList<Verdict> Run(CodeJudgeOptions options, params Sample[] samples)
    {
        var verdicts = Judge.Code(options with { MaxParallel = 2 }).Judge(samples);
        foreach (var v in verdicts) output.WriteLine($"{v.Outcome}: {v.Reason}");
        return verdicts;
    }

    [Fact]
    public void Snippet_extraction_prefers_the_block_of_the_language()
    {
        var text = "Here:\n```python\ndef f(): return 1\n```\nand\n```csharp\nint F() => 1;\n```\n";
        Assert.Equal("int F() => 1;\n", CodeJudge.ExtractCode(text));
        Assert.Equal("def f(): return 1\n", CodeJudge.ExtractCode(text, CodeLanguage.Python));
        Assert.Equal("x = 1\n", CodeJudge.ExtractCode("```\nx = 1\n```", CodeLanguage.Python));
        Assert.Equal("int G() => 2;", CodeJudge.ExtractCode("int G() => 2;"));
    }

    [Fact]
    public void Missing_or_malformed_tests_and_unknown_languages_are_errors_not_failures()
    {
        var judge = Judge.Code();
        var v = judge.Judge([
            new Sample("code", "p", "int X = 1;"),
            new Sample("code", "p", "x") { Metadata = new JsonObject { ["tests"] = new JsonArray(1, 2) } },
            new Sample("code", "p", "x") { Metadata = new JsonObject { ["tests"] = new JsonArray("x"), ["language"] = "cobol" } },
            new Sample("code", "p", "x") { Metadata = new JsonObject { ["test"] = "def check(c): pass" } },
        ]);
        Assert.All(v, x => Assert.Equal(VerdictOutcome.Error, x.Outcome));
        Assert.Contains("no tests", v[0].Reason);
        Assert.Contains("list of strings", v[1].Reason);
        Assert.Contains("cobol", v[2].Reason);
        Assert.Contains("entry_point", v[3].Reason);
    }

    [Fact]
    public void The_runner_is_found_through_options_or_the_environment_and_a_wrong_path_is_an_error()
    {
        var v = Judge.Code(new CodeJudgeOptions { RunnerPath = "/nonexistent/Blend.Sandbox.dll" }).Judge([Code("int F() => 1;", "F() == 1")])[0];
        Assert.Equal(VerdictOutcome.Error, v.Outcome);
        Assert.Contains("/nonexistent/Blend.Sandbox.dll", v.Reason);
        Assert.Contains("CodeJudgeOptions.RunnerPath", v.Reason);
    }

    [Fact]
    public void CSharp_pass_fail_compile_error_crash_and_timeout()
    {
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 4 },
            Code("```csharp\nint Add(int a, int b) => a + b;\n```", "Add(2, 3) == 5", "Assert(Add(-1, 1) == 0);", "AssertEqual(7, Add(3, 4));"),
            Code("int Add(int a, int b) => a - b;", "Add(0, 0) == 0", "Add(2, 3) == 5"),
            Code("int Add(int a, int b) => a +;", "Add(1, 2) == 3"),
            Code("int Add(int a, int b) => a + b;", "Sub(1, 2) == -1"),
            Code("void Boom() => Environment.FailFast(\"boom\");", "Boom();"),
            Code("int Spin() { while (true) { } }", "Spin() == 1"),
            Code("var keep = new List<byte[]>(); bool Hog() { while (true) keep.Add(new byte[1 << 20]); }", "Hog()"));
        Assert.Equal(VerdictOutcome.Pass, v[0].Outcome);
        Assert.Equal(1.0, v[0].Score);
        Assert.Equal(VerdictOutcome.Fail, v[1].Outcome);
        Assert.Contains("Add(2, 3) == 5", v[1].Reason);
        Assert.Equal(0.5, v[1].Score);
        Assert.Equal(VerdictOutcome.Fail, v[2].Outcome);
        Assert.Contains("compile error", v[2].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[3].Outcome);
        Assert.Contains("tests do not compile", v[3].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[4].Outcome);
        Assert.Contains("signal", v[4].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[5].Outcome);
        Assert.Contains("timed out", v[5].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[6].Outcome);
        Assert.Contains("OutOfMemory", v[6].Reason);
    }

    [Fact]
    public void Python_asserts_and_check_functions_pass_fail_error_and_time_out()
    {
        var humanEval = new Sample("code", "p", "```python\ndef add(a, b):\n    return a + b\n```")
        {
            Metadata = new JsonObject { ["test"] = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n", ["entry_point"] = "add" },
        };
        var wrongHumanEval = humanEval with { Response = "```python\ndef add(a, b):\n    return a * b\n```" };
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 4 },
            Python("import math\ndef area(r):\n    return math.pi * r * r", "assert abs(area(1) - 3.14159) < 1e-4", "assert area(0) == 0"),
            Python("def area(r):\n    return 3 * r * r", "assert area(0) == 0", "assert abs(area(1) - 3.14159) < 1e-4"),
            Python("def area(r) return r", "assert area(1) == 1"),
            Python("def area(r):\n    raise ValueError('nope')", "assert area(1) == 1"),
            Python("def spin():\n    while True: pass", "assert spin() == 1"),
            humanEval, wrongHumanEval,
            new Sample("code", "p", "def first_repeated(s):\n    seen = set()\n    for c in s:\n        if c in seen: return c\n        seen.add(c)\n")
            {
                Metadata = new JsonObject { ["test_list"] = new JsonArray("assert first_repeated('abca') == 'a'"), ["language"] = "python" },
            });
        Assert.Equal(VerdictOutcome.Pass, v[0].Outcome);
        Assert.Equal(VerdictOutcome.Fail, v[1].Outcome);
        Assert.Equal(0.5, v[1].Score);
        Assert.Contains("test 2", v[1].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[2].Outcome);
        Assert.Contains("compile error", v[2].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[3].Outcome);
        Assert.Contains("ValueError: nope", v[3].Reason);
        Assert.Equal(VerdictOutcome.Fail, v[4].Outcome);
        Assert.Contains("timed out", v[4].Reason);
        Assert.Equal(VerdictOutcome.Pass, v[5].Outcome);
        Assert.Equal(VerdictOutcome.Fail, v[6].Outcome);
        Assert.Contains("check(add)", v[6].Reason);
        Assert.Equal(VerdictOutcome.Pass, v[7].Outcome);
    }

    [Fact]
    public void Writes_stay_in_the_sandbox_work_folder_and_the_network_is_unreachable()
    {
        var target = Path.Combine(Path.GetTempPath(), "blend-outside-" + Guid.NewGuid().ToString("N") + ".txt");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var v = Run(new CodeJudgeOptions { TimeoutSeconds = 10 },
            Code($"bool Write() {{ File.WriteAllText(@\"{target}\", \"pwned\"); return true; }}", "Write()"),
            Code("bool Write() { File.WriteAllText(\"scratch.txt\", \"ok\"); return File.ReadAllText(\"scratch.txt\") == \"ok\"; }", "Write()"),
            Python($"import socket\ndef connect():\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    return True", "assert connect()"),
            Python("def write():\n    open('scratch.txt', 'w').write('ok')\n    return open('scratch.txt').read()", "assert write() == 'ok'"));
        Assert.Equal(VerdictOutcome.Fail, v[0].Outcome);
        Assert.False(File.Exists(target));
        Assert.Equal(VerdictOutcome.Pass, v[1].Outcome);
        Assert.Equal(VerdictOutcome.Fail, v[2].Outcome);
        Assert.False(listener.Pending());
        Assert.Equal(VerdictOutcome.Pass, v[3].Outcome);
    }
}
