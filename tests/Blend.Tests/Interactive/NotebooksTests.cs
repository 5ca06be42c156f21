using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Blend.Tests.Interactive;

/// <summary>Notebook runs spawn processes (the notebook host, dotnet fsi): one at a time.</summary>
[CollectionDefinition("Notebooks", DisableParallelization = true)]
public sealed class NotebooksCollection;

/// <summary>
/// CI for the teaching notebooks, in the real .NET Interactive kernel: every notebooks/*.ipynb validates against the
/// nbformat 4 schema, and runs top to bottom in quick mode through <c>blend notebook run</c> (Jupyter's nbclient driving
/// the <c>.net-csharp</c> / <c>.net-fsharp</c> kernel of the dotnet-interactive tool), loading Blend from
/// artifacts/packages through notebooks/NuGet.config with a NuGet cache that has never seen Blend (a user's first run).
/// A run fails on any error output or stderr output; its HTML must hold the lesson's rendered values. Each run leaves
/// the executed notebook and the driver's summary (kernel, version, per-cell display updates) in artifacts/notebooks/,
/// which .ci/run prints.
/// </summary>
[Collection("Notebooks")]
public sealed class NotebooksTests
{
    /// <summary>HTML each notebook's outputs must contain (beyond "no cell failed").</summary>
    static readonly Dictionary<string, string[]> Expected = new()
    {
        ["01-judges-and-mixtures"] = ["Judge report", "class=\"badge fail\"", "blend-plotly-chart", "Plotly.newPlot("],
        ["02-reward-models"] = ["Reward mixture", "Reward breakdown", "blend-plotly-chart"],
        ["04-reward-hacking"] = ["<b>CGPO run</b>", "PPO (no judges)", "CGPO (CRPG + word limit)", "blend-plotly-chart"],
        ["05-rewarded-soups"] = ["Rewarded soup sweep", "rewarded-soup front", "MORL front", "blend-plotly-chart", "non-dominated"],
        ["06-fsharp-pipeline"] = ["Judge report", "<b>CGPO run</b>", "Rewarded soup sweep", "blend-plotly-chart"],
        ["03-cgpo-multitask"] = ["<b>CGPO run</b>", "CGPO training run", "blend-plotly-chart", "Held-out evaluation", "<b>SFT</b>"],
    };

    /// <summary>The cell that trains with a live chart, C# and F# (1-based, as the author counts), and the chart's title.</summary>
    static readonly Dictionary<string, int> LiveCells = new() { ["03-cgpo-multitask"] = 11, ["06-fsharp-pipeline"] = 9 };

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(RepoRoot.File("notebooks"), "*.ipynb").Order()) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Fact]
    public void Every_notebook_validates_against_the_nbformat_4_schema()
    {
        var (code, output) = Validate(RepoRoot.File("notebooks"));
        Assert.True(code == 0, output);
        Assert.Contains("valid   ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_rejects_a_notebook_that_breaks_the_schema()
    {
        var dir = Directory.CreateTempSubdirectory("blend-nbformat-");
        try
        {
            var nb = JsonNode.Parse(NotebookFiles.Make("csharp", "var x = 1;"))!;
            nb["cells"]![0]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data" }); // no data, no metadata
            File.WriteAllText(Path.Combine(dir.FullName, "bad.ipynb"), nb.ToJsonString());
            var (code, output) = Validate(dir.FullName);
            Assert.Equal(1, code);
            Assert.Contains("INVALID", output, StringComparison.Ordinal);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Every_notebook_has_a_parameters_cell_first_loads_blend_through_the_notebook_folders_feed_and_picks_its_torch_backend()
    {
        // The kernel rejects relative #i paths (PackageManagement Error 999): the feed comes from notebooks/NuGet.config.
        var config = File.ReadAllText(RepoRoot.File("notebooks/NuGet.config"));
        Assert.Contains("value=\"../artifacts/packages\"", config, StringComparison.Ordinal);
        foreach (var path in Directory.EnumerateFiles(RepoRoot.File("notebooks"), "*.ipynb"))
        {
            var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();
            var code = cells.Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
            Assert.True(code.Count > 0, path);
            Assert.Contains("parameters", code[0]!["metadata"]!["tags"]?.ToJsonString() ?? "", StringComparison.Ordinal);
            Assert.Contains("quick", Source(code[0]!), StringComparison.Ordinal);
            var all = string.Concat(code.Select(c => Source(c!)));
            Assert.DoesNotContain("#i ", all, StringComparison.Ordinal);
            // The backend comes from the machine (#!blend-torch, from the kernel extension), never a hard-coded package.
            Assert.DoesNotContain("TorchSharp-cpu", all, StringComparison.Ordinal);
            Assert.Contains("#!blend-torch", all, StringComparison.Ordinal);
            Assert.Contains("#r \"nuget: Blend.Interactive, " + LocalPackages.Version + "\"", all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_in_the_real_kernel_in_quick_mode_without_errors_and_renders_its_html(string name)
    {
        LocalPackages.Ensure();
        var runs = Directory.CreateDirectory(RepoRoot.File("artifacts/notebooks")).FullName;
        var output = Path.Combine(runs, name + ".ipynb");
        using var cache = new ColdNuGetCache();
        var (code, log) = RunCli(RepoRoot.File("notebooks/" + name + ".ipynb"), output, cache.Path, "quick=true");
        var summaryLine = log.Split('\n').LastOrDefault(l => l.StartsWith("{\"notebook\"", StringComparison.Ordinal));
        Assert.True(summaryLine is not null, $"{name}: the driver printed no summary\n{log}");
        File.WriteAllText(Path.Combine(runs, name + ".summary.json"), summaryLine + "\n");
        var summary = JsonNode.Parse(summaryLine)!;
        Assert.True(code == 0, $"{name}: exit {code}\n{log}");
        Assert.Empty(summary["errors"]!.AsArray());
        Assert.Empty(summary["stderr"]!.AsArray());
        Assert.Equal(name.Contains("fsharp", StringComparison.Ordinal) ? ".net-fsharp" : ".net-csharp", summary["kernel"]!.GetValue<string>());
        Assert.Equal(".NET", summary["implementation"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(summary["tool_version"]?.GetValue<string>()), summaryLine);

        var text = File.ReadAllText(output);
        var json = JsonNode.Parse(text)!;
        var htmls = json["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .Select(o => o!["data"]?["text/html"] is JsonArray a ? string.Concat(a.Select(l => l!.GetValue<string>())) : "").ToList();
        var html = string.Concat(htmls);
        Assert.DoesNotContain("\"output_type\": \"error\"", text, StringComparison.Ordinal);
        foreach (var needle in Expected.GetValueOrDefault(name, ["class=\"blend\""]))
            Assert.True(html.Contains(needle, StringComparison.Ordinal), $"{name}: outputs lack {needle}\n{log}");

        // Compact: at most one copy of plotly.js, and everything else under 1 MB.
        int copies = Count(text, "plotly.js v");
        Assert.InRange(copies, 0, 1);
        long rest = new FileInfo(output).Length - (copies == 1 ? EncodedLength(Blend.Interactive.PlotlyEmbed.Script) : 0);
        Assert.True(rest < 1_000_000, $"{name}: {rest:N0} bytes besides plotly.js");

        if (LiveCells.TryGetValue(name, out int live))
        {
            // The live chart: one output, updated in place more than once while training ran, holding the final chart.
            var cell = summary["cells"]!.AsArray().Single(c => c!["cell"]?.GetValue<int?>() == live)!;
            Assert.True(cell["updates"]!.GetValue<int>() > 1, cell.ToJsonString());
            // Bare chart outputs (a CgpoResult's own HTML embeds the same chart inside its report block).
            var charts = htmls.Where(h => h.Contains("CGPO training run", StringComparison.Ordinal)
                && (h.StartsWith("<div class=\"blend-plotly-chart\"", StringComparison.Ordinal) || h.StartsWith("<script>", StringComparison.Ordinal))).ToList();
            Assert.Single(charts);
            Assert.Contains("CGPO training run · 2 steps", charts[0], StringComparison.Ordinal); // the final chart (quick: 2 steps)
        }

        var (valid, validation) = Validate(output);
        Assert.True(valid == 0, validation);
    }

    [Fact]
    public void Notebook_run_injects_parameters_after_the_parameters_cell_and_names_the_failing_cell()
    {
        var dir = Directory.CreateTempSubdirectory("blend-nb-run-");
        try
        {
            var nb = JsonNode.Parse(NotebookFiles.Make("csharp", "md:# A lesson", "var quick = false;\nvar steps = 100;",
                "$\"{quick} {steps} {name}\"", "throw new InvalidOperationException(\"boom\");", "var never = 1;"))!;
            nb["cells"]![1]!["metadata"] = new JsonObject { ["tags"] = new JsonArray("parameters") };
            var input = Path.Combine(dir.FullName, "lesson.ipynb");
            var output = Path.Combine(dir.FullName, "lesson.out.ipynb");
            File.WriteAllText(input, nb.ToJsonString());
            using var cache = new ColdNuGetCache();
            var (code, log) = RunCli(input, output, cache.Path, "quick=true", "steps=3", "name=two words");
            Assert.True(code == 1, $"exit {code}\n{log}");
            Assert.Contains("error: cell 4 (throw new InvalidOperationException(\"boom\");): ", log, StringComparison.Ordinal);
            Assert.Contains("boom", log, StringComparison.Ordinal);
            var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray();
            Assert.Equal(6, cells.Count);
            Assert.Contains("injected-parameters", cells[2]!["metadata"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal("var quick = true;\nvar steps = 3;\nvar name = \"two words\";", Source(cells[2]!).Split('\n', 2)[1]);
            var result = cells[3]!["outputs"]!.AsArray().Single(o => o!["output_type"]!.GetValue<string>() == "execute_result")!;
            Assert.Equal("True 3 two words", result["data"]!["text/plain"] is JsonArray a ? string.Concat(a.Select(l => l!.GetValue<string>())) : result["data"]!["text/plain"]!.GetValue<string>());
            Assert.Equal("error", cells[4]!["outputs"]![0]!["output_type"]!.GetValue<string>());
            Assert.Empty(cells[5]!["outputs"]!.AsArray()); // the run stops at the failing cell
        }
        finally { dir.Delete(true); }
    }

    static int Count(string text, string needle)
    {
        int n = 0;
        for (int i = text.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = text.IndexOf(needle, i + needle.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    static long EncodedLength(string s) => System.Text.Encoding.UTF8.GetByteCount(JsonValue.Create(s)!.ToJsonString());

    static string Source(JsonNode cell) => cell["source"] is JsonArray a ? string.Concat(a.Select(l => l!.GetValue<string>())) : cell["source"]!.GetValue<string>();

    internal static (int Code, string Output) Validate(string path) =>
        Exec("/usr/bin/python3", [RepoRoot.File(".ci/validate-notebooks.py"), path], null);

    internal static (int Code, string Output) RunCli(string input, string output, string nugetPackages, params string[] parameters)
    {
        var args = new List<string> { Path.Combine(AppContext.BaseDirectory, "Blend.Cli.dll"), "notebook", "run", input, "--out", output };
        foreach (var p in parameters) { args.Add("--param"); args.Add(p); }
        return Exec("dotnet", args, new Dictionary<string, string> { ["NUGET_PACKAGES"] = nugetPackages });
    }

    static (int Code, string Output) Exec(string file, IEnumerable<string> args, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(900_000)) { p.Kill(true); return (-1, "timed out after 15 min\n" + output.Result + err.Result); }
        return (p.ExitCode, err.Result + output.Result);
    }
}

/// <summary>
/// A NuGet global packages folder that has never seen Blend (a user's first run) but shares every other package with the
/// user's folder (symbolic links, so TorchSharp's native packages are not downloaded again); nothing in the user's
/// folder is deleted. Removed on dispose.
/// </summary>
internal sealed class ColdNuGetCache : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("blend-nuget-cold-").FullName;

    public ColdNuGetCache()
    {
        var user = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        ForgetResolvedBlend();
        if (!Directory.Exists(user)) return;
        foreach (var dir in Directory.EnumerateDirectories(user))
        {
            var id = System.IO.Path.GetFileName(dir);
            if (id is "blend" or "blend.interactive") continue;
            Directory.CreateSymbolicLink(System.IO.Path.Combine(Path, id), dir);
        }
    }

    /// <summary>
    /// .NET Interactive's <c>#r "nuget:"</c> (the F# dependency manager) caches each resolution, keyed by the references and
    /// sources, as a list of assembly paths in <c>~/.packagemanagement/nuget/Cache</c>; an entry from an earlier run makes the
    /// kernel load that run's Blend from wherever it was restored then, whatever NUGET_PACKAGES says now. A first run has no
    /// such entry, so the entries that resolved Blend's packages are removed (only those: they are caches, rebuilt on use).
    /// </summary>
    static void ForgetResolvedBlend()
    {
        var cache = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".packagemanagement", "nuget", "Cache");
        if (!Directory.Exists(cache)) return;
        foreach (var file in Directory.EnumerateFiles(cache))
        {
            var text = File.ReadAllText(file);
            if (text.Contains("/blend/", StringComparison.OrdinalIgnoreCase) || text.Contains("/blend.interactive/", StringComparison.OrdinalIgnoreCase))
                File.Delete(file);
        }
    }

    public void Dispose()
    {
        // Links first, one by one (unlink never touches the target); then what the run restored here (Blend's packages).
        foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
            if (entry.LinkTarget is not null) File.Delete(entry.FullName);
        Directory.Delete(Path, recursive: true);
    }
}
