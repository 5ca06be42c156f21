using System.Reflection;
using System.Xml.Linq;

namespace Blend.Tests.Foundation;

public class ArchitectureTests
{
    [Fact]
    public void Core_library_references_no_notebook_console_or_native_torch_assembly()
    {
        // Roslyn (Microsoft.CodeAnalysis) is allowed: the code judge compiles C# responses on the host, outside the sandbox.
        var forbidden = new[] { "Microsoft.DotNet.Interactive", "Plotly", "Spectre", "System.CommandLine", "Microsoft.CodeAnalysis.Scripting" };
        var refs = typeof(BlendRuntime).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("TorchSharp", refs);
        foreach (var name in refs)
            Assert.DoesNotContain(forbidden, f => name.StartsWith(f, StringComparison.Ordinal));
    }

    [Fact]
    public void Core_project_references_managed_TorchSharp_only_and_executables_choose_the_backend()
    {
        var core = XDocument.Load(RepoRoot.File("src/Blend/Blend.csproj"));
        var packages = core.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList();
        Assert.Contains("TorchSharp", packages);
        Assert.DoesNotContain(packages, p => p.StartsWith("TorchSharp-", StringComparison.Ordinal) || p.StartsWith("libtorch", StringComparison.Ordinal));

        var targets = File.ReadAllText(RepoRoot.File("build/TorchNative.targets"));
        Assert.Contains("'$(TorchBackend)' == 'cpu'", targets, StringComparison.Ordinal);
        Assert.Contains("<PackageReference Include=\"TorchSharp-cuda-linux\" />", targets, StringComparison.Ordinal);
        var props = File.ReadAllText(RepoRoot.File("Directory.Build.props"));
        Assert.Contains("<TorchBackend Condition=\"'$(TorchBackend)' == ''\">cpu</TorchBackend>", props, StringComparison.Ordinal);
    }

    [Fact]
    public void Core_library_holds_no_data_generators()
    {
        // The generators of data/ live in tools/Blend.DataGen; the library only loads what they wrote.
        var core = typeof(BlendRuntime).Assembly;
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == "Blend.DataGen");
        var generators = core.GetTypes().Where(t => t.Name.EndsWith("Generator", StringComparison.Ordinal) || t.Name == "SyntheticPreferences")
            .Select(t => t.FullName).ToList();
        Assert.True(generators.Count == 0, "generator types in the core: " + string.Join(", ", generators));
        Assert.Null(typeof(SyntheticTasks).GetMethod("WriteShipped"));
        Assert.Null(typeof(SyntheticTasks).GetMethod("Split"));
        var sources = Directory.EnumerateFiles(RepoRoot.File("src/Blend"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains("WriteShipped(", StringComparison.Ordinal) || text.Contains("Jsonl.Write(Path.Combine(dir", StringComparison.Ordinal),
                $"{Path.GetRelativePath(RepoRoot.Path, file)} writes shipped data: generators belong in tools/Blend.DataGen");
        }
        Assert.True(File.Exists(RepoRoot.File("tools/Blend.DataGen/TaskGenerator.cs")));
        Assert.True(File.Exists(RepoRoot.File("tools/Blend.DataGen/PreferenceGenerator.cs")));
    }

    [Fact]
    public void Every_project_is_in_the_solution()
    {
        var sln = File.ReadAllText(RepoRoot.File("Kit.sln"));
        var projects = Directory.EnumerateFiles(RepoRoot.Path, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .Select(p => Path.GetFileName(p));
        foreach (var p in projects) Assert.Contains(p, sln, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_process_loaded_a_patched_or_compatible_native_library()
    {
        // Loading torch in this process is the real proof; the doctor line says why it works.
        _ = BlendRuntime.Device;
        Assert.DoesNotContain("NOT applied", NativeFix.Describe(), StringComparison.Ordinal);
        Assert.NotNull(Assembly.Load("TorchSharp"));
    }
}
