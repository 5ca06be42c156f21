using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// Python snippets for the code judge: the request for the Python runner (python_runner.py), which runs the snippet in
/// its own module namespace and then the tests in a fresh one — MBPP-style <c>assert</c> lines, or a HumanEval-style
/// <c>check(candidate)</c> function called with the snippet's entry point.
/// </summary>
internal static class PythonSnippet
{
    /// <summary>The runner's request; <paramref name="check"/> (with <paramref name="entryPoint"/>) replaces <paramref name="tests"/>.</summary>
    public static JsonObject Request(string code, IReadOnlyList<string>? tests, string? check, string? entryPoint, CodeJudgeOptions options,
        IReadOnlyList<string>? imports = null)
    {
        var request = new JsonObject { ["code"] = code, ["limits"] = Sandbox.Limits(options) };
        if (check is not null) { request["check"] = check; request["entry_point"] = entryPoint; }
        else request["tests"] = new JsonArray([.. (tests ?? []).Select(t => (JsonNode)t)]);
        if (imports is { Count: > 0 }) request["imports"] = new JsonArray([.. imports.Select(t => (JsonNode)t)]);
        return request;
    }
}
