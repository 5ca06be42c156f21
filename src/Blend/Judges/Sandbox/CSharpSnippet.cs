using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Blend;

/// <summary>
/// C# snippets for the code judge: compiled on the host with Roslyn (in this process, so no compiler start per sample)
/// into two script submissions, the snippet and then the tests, and run by the Blend.Sandbox runner inside the sandbox.
/// The test submission declares its own <c>Assert</c>/<c>AssertEqual</c>, which hide anything of those names the snippet
/// declares, and refers to system types with <c>global::</c>, so the snippet cannot replace the helpers the tests call.
/// </summary>
internal static class CSharpSnippet
{
    const int MaxSourceChars = 200_000;

    static readonly string[] Usings = ["System", "System.Linq", "System.Collections.Generic", "System.Text", "System.IO"];

    static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Script);

    static readonly CSharpCompilationOptions Compile = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            usings: Usings, optimizationLevel: OptimizationLevel.Release, allowUnsafe: false, concurrentBuild: false)
        .WithMetadataReferenceResolver(null).WithSourceReferenceResolver(null).WithXmlReferenceResolver(null);

    /// <summary>The runtime's own assemblies (the same runtime runs the snippet in the sandbox).</summary>
    static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var runtimeDir = Path.GetFullPath(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        return [.. tpa.Where(p => Path.GetFullPath(p).StartsWith(runtimeDir, StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>The two compiled submissions, or the compile error (a fail verdict's reason).</summary>
    public sealed record Compiled(byte[]? Snippet, byte[]? Tests, string? Error);

    /// <summary>The test submission's source: helpers, then one <c>Func&lt;bool&gt;</c> per test.</summary>
    public static string TestSource(IReadOnlyList<string> tests)
    {
        var sb = new StringBuilder();
        sb.AppendLine("static void Assert(bool condition, string message = \"assertion failed\") { if (!condition) throw new global::System.InvalidOperationException(message); }");
        sb.AppendLine("static void AssertEqual<T>(T expected, T actual) { if (!global::System.Collections.Generic.EqualityComparer<T>.Default.Equals(expected, actual)) throw new global::System.InvalidOperationException($\"expected {expected}, got {actual}\"); }");
        sb.AppendLine("new global::System.Func<bool>[] {");
        for (int i = 0; i < tests.Count; i++)
        {
            var test = tests[i].Trim();
            sb.AppendLine($"#line 1 \"test {i + 1}\"");
            // Statements (ending in ';' or '}') must throw to fail; an expression must be a bool that is true.
            sb.AppendLine(test.EndsWith(';') || test.EndsWith('}') ? $"() => {{ {test}\nreturn true; }}," : $"() => ({test}\n),");
        }
        sb.AppendLine("#line default");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Compiles the snippet and its tests; gives up after <paramref name="timeout"/> (hostile source).</summary>
    public static Compiled Build(string code, IReadOnlyList<string> tests, TimeSpan timeout)
    {
        if (code.Length > MaxSourceChars) return new(null, null, $"snippet longer than {MaxSourceChars} characters");
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var name = "snippet_" + Guid.NewGuid().ToString("N");
            var snippet = CSharpCompilation.CreateScriptCompilation(name, CSharpSyntaxTree.ParseText(code, Parse, "response", cancellationToken: cancel.Token),
                References.Value, Compile.WithScriptClassName("Snippet"), previousScriptCompilation: null, returnType: typeof(object));
            var snippetBytes = Emit(snippet, "compile error", cancel.Token, out var error);
            if (snippetBytes is null) return new(null, null, error);
            var testCompilation = CSharpCompilation.CreateScriptCompilation("tests_" + name[8..],
                CSharpSyntaxTree.ParseText(TestSource(tests), Parse, "tests", cancellationToken: cancel.Token),
                References.Value, Compile.WithScriptClassName("Tests"), previousScriptCompilation: snippet, returnType: typeof(object));
            var testBytes = Emit(testCompilation, "tests do not compile against the snippet", cancel.Token, out error);
            return testBytes is null ? new(null, null, error) : new(snippetBytes, testBytes, null);
        }
        catch (OperationCanceledException) { return new(null, null, $"compile timed out after {timeout.TotalSeconds:0.#} s"); }
    }

    static byte[]? Emit(CSharpCompilation compilation, string what, CancellationToken cancel, out string? error)
    {
        using var ms = new MemoryStream();
        var emitted = compilation.Emit(ms, cancellationToken: cancel);
        if (emitted.Success) { error = null; return ms.ToArray(); }
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(d => d.ToString());
        error = what + ": " + string.Join("; ", errors);
        return null;
    }

    /// <summary>The runner's request: both assemblies and the limits.</summary>
    public static JsonObject Request(Compiled compiled, CodeJudgeOptions options) => new()
    {
        ["snippet"] = Convert.ToBase64String(compiled.Snippet!),
        ["tests"] = Convert.ToBase64String(compiled.Tests!),
        ["limits"] = Sandbox.Limits(options),
    };
}
