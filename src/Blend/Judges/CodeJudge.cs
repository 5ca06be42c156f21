using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend;

/// <summary>The language of a code sample.</summary>
public enum CodeLanguage
{
    /// <summary>C# script code (top-level statements and members) with C# boolean-expression or statement tests.</summary>
    CSharp,

    /// <summary>Python 3 with MBPP-style <c>assert</c> lines or a HumanEval-style <c>check(candidate)</c> function.</summary>
    Python,
}

/// <summary>
/// Runs the response's code against the sample's tests, each sample in its own fresh bubblewrap sandbox (see
/// <see cref="CodeJudgeOptions"/> for its limits). Metadata: <c>language</c> (<c>python</c> or <c>csharp</c>; else the code
/// fence's tag; else Python when there is a <c>check</c> test, else C#), and either <c>tests</c> (or MBPP's
/// <c>test_list</c>): a list of Python <c>assert</c> lines, or C# boolean expressions / statements that throw on failure
/// (e.g. <c>Assert(Add(2, 3) == 5);</c>); or HumanEval's <c>test</c> (code defining <c>check(candidate)</c>) with
/// <c>entry_point</c>; optional <c>test_imports</c> (Python lines run before the tests). The score is the fraction of tests
/// passed; a pass needs all. Wrong, crashing, hanging, hungry or hostile code is a fail with the reason; a machine that
/// cannot sandbox (no bubblewrap, no user namespaces) gives error verdicts naming what is missing, never an unisolated run.
/// </summary>
public sealed partial class CodeJudge : SampleJudge
{
    /// <summary>Creates the judge.</summary>
    public CodeJudge(string name = "code", CodeJudgeOptions? options = null) : base(name) => Options = options ?? new CodeJudgeOptions();

    /// <summary>The sandbox limits.</summary>
    public CodeJudgeOptions Options { get; }

    /// <summary>"bubblewrap" where the sandbox's tools are installed, else "none" (see <see cref="Unavailable"/> for the full check).</summary>
    public static string Isolation => Sandbox.MissingTools() is null ? "bubblewrap" : "none";

    /// <summary>Why samples of <paramref name="language"/> cannot be judged on this machine (starts one probe sandbox, once), or null.</summary>
    public string? Unavailable(CodeLanguage language) => Runtime(language).Unavailable(Options);

    static SandboxRuntime Runtime(CodeLanguage language) => language == CodeLanguage.Python ? SandboxRuntime.Python : SandboxRuntime.CSharp;

    /// <summary>The C# code of a response: the first csharp-tagged fenced block, else the first fenced block, else the whole text.</summary>
    public static string ExtractCode(string response) => ExtractCode(response, CodeLanguage.CSharp);

    /// <summary>The code of a response: the first block tagged with the language, else the first fenced block, else the whole text.</summary>
    public static string ExtractCode(string response, CodeLanguage language)
    {
        ArgumentNullException.ThrowIfNull(response);
        var tagged = Fence().Matches(response).FirstOrDefault(m => LanguageOfTag(m.Groups["lang"].Value) == language);
        if (tagged is not null) return tagged.Groups["code"].Value;
        var any = Fence().Match(response);
        return any.Success ? any.Groups["code"].Value : response;
    }

    static CodeLanguage? LanguageOfTag(string tag) => tag.Trim().ToLowerInvariant() switch
    {
        "python" or "py" or "python3" => CodeLanguage.Python,
        "csharp" or "cs" or "c#" => CodeLanguage.CSharp,
        _ => null,
    };

    /// <inheritdoc />
    public override IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var verdicts = new Verdict[samples.Count];
        Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.MaxParallel) },
            i => verdicts[i] = JudgeOne(samples[i]));
        return verdicts;
    }

    /// <inheritdoc />
    protected override Verdict Check(Sample sample)
    {
        var meta = sample.Metadata;
        string? check = Text(meta?["test"]);
        string? entry = Text(meta?["entry_point"]);
        var tests = Strings(meta?["tests"] ?? meta?["test_list"], out var badTests);
        if (badTests) return Error("metadata tests must be a list of strings");
        if (check is null && (tests is null || tests.Count == 0)) return Error("metadata has no tests (tests, test_list, or test with entry_point)");
        if (check is not null && string.IsNullOrWhiteSpace(entry)) return Error("metadata test (a check function) needs entry_point");

        CodeLanguage language;
        if (Text(meta?["language"]) is { } declared)
        {
            if (LanguageOfTag(declared) is not { } known) return Error($"metadata language '{SampleJudge.Clip(declared)}' is not python or csharp");
            language = known;
        }
        else language = LanguageOfTag(Fence().Match(sample.Response).Groups["lang"].Value) ?? (check is not null ? CodeLanguage.Python : CodeLanguage.CSharp);
        if (language == CodeLanguage.CSharp && check is not null) return Error("check-function tests (test + entry_point) are Python only");

        var runtime = Runtime(language);
        if (runtime.Unavailable(Options) is { } missing) return Error(missing);
        var code = ExtractCode(sample.Response, language);
        if (string.IsNullOrWhiteSpace(code)) return Fail("no code in the response");

        JsonObject request;
        if (language == CodeLanguage.Python)
            request = PythonSnippet.Request(code, tests, check, entry, Options, Strings(meta?["test_imports"], out _));
        else
        {
            var compiled = CSharpSnippet.Build(code, tests!, TimeSpan.FromSeconds(Math.Max(10, Options.TimeoutSeconds)));
            if (compiled.Error is not null) return Fail(compiled.Error, 0);
            request = CSharpSnippet.Request(compiled, Options);
        }
        var result = Sandbox.Run(runtime.Job(request, Options), Options);
        if (result.SetupError is not null) return Error(result.SetupError);
        if (result.Report is not { } report) return Fail(result.Failure!, 0);
        int total = check is not null ? 1 : tests!.Count;
        if (report["error"] is { } error) return Fail(error.ToString(), 0);
        int passed = report["passed"]?.GetValue<int>() ?? 0;
        var failures = report["failures"] as JsonArray ?? [];
        if (failures.Count == 0 && passed == total) return Pass($"{total}/{total} tests passed", 1);
        var first = failures.FirstOrDefault() as JsonArray;
        int index = first?[0]?.GetValue<int>() ?? 0;
        string what = check is not null ? $"check({entry})" : $"test {index + 1} ({SampleJudge.Clip(tests![Math.Clamp(index, 0, tests.Count - 1)], 80)})";
        return Fail($"{passed}/{total} tests passed; {what} {first?[1]}", (double)passed / total);
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static List<string>? Strings(JsonNode? node, out bool bad)
    {
        bad = false;
        if (node is null) return null;
        if (node is not JsonArray array) { bad = true; return null; }
        var list = new List<string>();
        foreach (var item in array)
        {
            if (Text(item) is { } s) list.Add(s);
            else { bad = true; return null; }
        }
        return list;
    }

    [GeneratedRegex(@"```[ \t]*(?<lang>[\w#+-]*)[^\n]*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}

public static partial class Judge
{
    /// <summary>Runs the response's Python or C# code against the sample's tests, each sample in a fresh bubblewrap sandbox.</summary>
    /// <example><code>Judge.Code(new CodeJudgeOptions { TimeoutSeconds = 5 })</code></example>
    public static CodeJudge Code(CodeJudgeOptions? options = null, string name = "code") => new(name, options);
}
