using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Blend.Tests.Docs;

/// <summary>
/// The README cannot drift from the API: every <c>```csharp</c> block of README.md is compiled as written (a top-level
/// program, C# latest, nullable on, the SDK's implicit usings, warnings reported) against the built assemblies with Roslyn
/// and run; every
/// <c>```fsharp</c> block runs in <c>dotnet fsi</c> against the same assemblies. Both run from the repository root, where
/// the blocks find the shipped data (data/).
/// </summary>
[Collection("Torch")]
public sealed class ReadmeBlocksTests
{
    static readonly IReadOnlyList<ReadmeBlocks.Block> Blocks = ReadmeBlocks.Read(RepoRoot.File("README.md"));

    public static TheoryData<int> CSharp() => Indices("csharp");

    public static TheoryData<int> FSharp() => Indices("fsharp");

    static TheoryData<int> Indices(string language)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Blocks.Count; i++) if (Blocks[i].Language == language) data.Add(i);
        return data;
    }

    [Fact]
    public void The_readme_has_csharp_and_fsharp_blocks_for_each_snippet()
    {
        Assert.True(Blocks.Count(b => b.Language == "csharp") >= 3, "expected at least three C# blocks");
        Assert.True(Blocks.Count(b => b.Language == "fsharp") >= 3, "expected at least three F# blocks");
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported_with_its_line()
    {
        // The harness must be able to fail: an undefined input (the README's old `samples`) is a compile error.
        var broken = new ReadmeBlocks.Block("csharp", 1, "using Blend;\nvar report = JudgeMixture.Create().Evaluate(samples);\n");
        var e = Assert.Throws<Xunit.Sdk.TrueException>(() => Compile(broken));
        Assert.Contains("CS0103", e.Message);
    }

    [Theory]
    [MemberData(nameof(CSharp))]
    public async Task A_csharp_block_compiles_and_runs(int index)
    {
        var block = Blocks[index];
        var assembly = Compile(block);
        var entry = assembly.EntryPoint ?? throw new InvalidOperationException($"{block}: no entry point");
        var cwd = Environment.CurrentDirectory;
        var output = new StringWriter();
        var stdout = Console.Out;
        try
        {
            Environment.CurrentDirectory = RepoRoot.Path;
            Console.SetOut(output);
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            if (result is Task task) await task;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Assert.Fail($"{block} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}\n{output}");
        }
        finally
        {
            Console.SetOut(stdout);
            Environment.CurrentDirectory = cwd;
        }
        Assert.False(string.IsNullOrWhiteSpace(output.ToString()), $"{block} printed nothing");
    }

    [Theory]
    [MemberData(nameof(FSharp))]
    public async Task A_fsharp_block_runs_in_dotnet_fsi(int index)
    {
        var block = Blocks[index];
        var bin = AppContext.BaseDirectory;
        string[] skip = ["xunit", "testhost", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "Blend.Tests", "Blend.Cli", "Blend.Notebooks", "Microsoft.CodeAnalysis", "FSharp.Core"];
        var refs = Directory.EnumerateFiles(bin, "*.dll").Where(f => !skip.Any(s => Path.GetFileName(f).StartsWith(s, StringComparison.Ordinal)))
            .Select(f => $"#r \"{f}\"");
        var script = Path.Combine(Path.GetTempPath(), "blend-readme-" + Guid.NewGuid().ToString("N")[..8] + ".fsx");
        // The block is pasted as written after the references; line directives keep error positions on README.md.
        File.WriteAllText(script, string.Join('\n', refs) + $"\n# {block.Line} \"README.md\"\n" + block.Code);
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoRoot.Path };
            foreach (var a in new[] { "fsi", "--quiet", script }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = await p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); Assert.Fail($"{block}: dotnet fsi did not finish in 300 s"); }
            var errors = await err;
            Assert.True(p.ExitCode == 0, $"{block} failed in dotnet fsi:\n{output}{errors}");
            Assert.False(string.IsNullOrWhiteSpace(output), $"{block} printed nothing");
        }
        finally { File.Delete(script); }
    }

    static Assembly Compile(ReadmeBlocks.Block block)
    {
        var tree = CSharpSyntaxTree.ParseText(block.Code, new CSharpParseOptions(LanguageVersion.Latest), path: "README.md");
        var compilation = CSharpCompilation.Create("Readme" + block.Line, [tree, ImplicitUsings], References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = new MemoryStream();
        var emitted = compilation.Emit(pe);
        // Errors fail; so do the warnings a user would see (nullable, unused), except duplicate-reference noise.
        var problems = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error
            || (d.Severity == DiagnosticSeverity.Warning && d.Id is not ("CS1701" or "CS1702" or "CS8019"))).ToList();
        Assert.True(problems.Count == 0, $"{block} does not compile:\n" + string.Join('\n', problems.Select(d =>
            $"README.md:{block.Line - 1 + d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id} {d.GetMessage()}")));
        return AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(pe.ToArray()));
    }

    /// <summary>The global usings the .NET SDK adds to a console project or file-based app (ImplicitUsings, on by default).</summary>
    static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText("""
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """, new CSharpParseOptions(LanguageVersion.Latest), path: "ImplicitUsings.g.cs");

    static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .GroupBy(Path.GetFileName).Select(g => g.First());
        var refs = new List<MetadataReference>();
        foreach (var path in paths)
        {
            try { _ = AssemblyName.GetAssemblyName(path); }
            catch (BadImageFormatException) { continue; }   // native libraries
            refs.Add(MetadataReference.CreateFromFile(path));
        }
        return refs;
    });
}
