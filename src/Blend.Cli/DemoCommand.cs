using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Demo;
using Blend.Interactive;

namespace Blend.Cli;

/// <summary>
/// <c>blend demo</c>: the README's main job. Runs every stage on the embedded default data (the repo's <c>data/</c>) with
/// fixed step budgets and writes into <c>--out</c>: a self-contained <c>report.html</c>, <c>metrics.json</c> (with the
/// sanity flags), per-step CSV/JSONL files and the checkpoints it trained.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Output folder for report.html, metrics.json, per-step CSV/JSONL and checkpoints/.", DefaultValueFactory = _ => "out" };
        var quick = new Option<bool>("--quick") { Description = "Smallest budgets (under a minute on 2 cores)." };
        var seed = new Option<int>("--seed") { Description = "Seed for every stage.", DefaultValueFactory = _ => 7 };
        var data = new Option<string?>("--data") { Description = "The data folder (default: the repo's data/, found from the current folder or the app)." };
        var cmd = new Command("demo", "Run the demo pipeline on the embedded default data and write report.html, metrics.json, per-step metrics and checkpoints.")
        {
            outOption, quick, seed, data,
        };
        cmd.SetAction(r => Run(r.GetValue(outOption)!, r.GetValue(quick), r.GetValue(seed), r.GetValue(data)));
        return cmd;
    }

    /// <summary>Runs every stage and writes the report; returns the process exit code.</summary>
    internal static int Run(string outDir, bool quick, int seed, string? dataDir)
    {
        var data = DataFolder.Locate(dataDir);
        CheckData(data);
        return Run(new DemoContext(Path.GetFullPath(outDir), quick, seed, data), DemoStages.All);
    }

    /// <summary>Reads every data file the stages use once, up front: a broken file stops the demo (exit 2, file:line) before any training or output.</summary>
    static void CheckData(string dataDir)
    {
        var tasks = Path.Combine(dataDir, "tasks");
        SyntheticTasks.LoadShipped(tasks, "train");
        SyntheticTasks.LoadShipped(tasks, "test");
        PreferencePairs.Load(Path.Combine(dataDir, "preferences"));
        JudgeQuality.LoadFolder(Path.Combine(dataDir, "judges"));
    }

    /// <summary>Runs the given stages with the given context (budgets included) and writes the report.</summary>
    internal static int Run(DemoContext context, IReadOnlyList<IDemoStage> stages)
    {
        Directory.CreateDirectory(context.OutDir);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var metrics = new JsonObject
        {
            ["seed"] = context.Seed, ["quick"] = context.Quick, ["budget"] = context.Budget.ToJson(),
            ["started_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture), ["load_average_start"] = Machine.LoadAverage(),
        };
        var sections = new List<(IDemoStage Stage, DemoResult Result, double Seconds)>();
        foreach (var stage in stages)
        {
            var sw = Stopwatch.StartNew();
            var stageCpu = Process.GetCurrentProcess().TotalProcessorTime;
            context.Log.WriteLine($"== {stage.Title}");
            var result = stage.Run(context);
            sw.Stop();
            result.Metrics["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 2);
            result.Metrics["cpu_seconds"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - stageCpu).TotalSeconds, 2);
            result.Metrics["headline"] = result.Headline;
            metrics[stage.Key] = result.Metrics;
            sections.Add((stage, result, sw.Elapsed.TotalSeconds));
            context.Log.WriteLine(result.Summary + string.Create(CultureInfo.InvariantCulture, $" [{sw.Elapsed.TotalSeconds:0.0} s]"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        metrics["seconds"] = Math.Round(seconds, 2);
        metrics["cpu_seconds"] = Math.Round(cpuSeconds, 2);
        metrics["load_average_end"] = Machine.LoadAverage();
        metrics["sanity"] = new JsonArray([.. context.Flags.Select(f => (JsonNode)f.ToJson())]);
        metrics["files"] = new JsonArray([.. context.Files.Select(f => (JsonNode?)f)]);

        var report = new HtmlReport(context.Quick ? "Blend demo (--quick)" : "Blend demo");
        report.Add("Summary", Summary(context, sections, seconds, cpuSeconds, metrics["load_average_start"]?.ToString(), Machine.LoadAverage()));
        foreach (var (stage, result, secs) in sections)
            report.Add(stage.Title, result.Html, lead: result.Headline, flags: context.Flags.Where(f => f.Stage == stage.Key).Select(f => f.Message));
        report.Save(Path.Combine(context.OutDir, "report.html"));
        AtomicFile.WriteAllText(Path.Combine(context.OutDir, "metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {Path.Combine(context.OutDir, "report.html")}, metrics.json and {context.Files.Count} more files in {seconds:0} s ({cpuSeconds:0} CPU s)")
            + (context.Flags.Count == 0 ? "; no sanity flags" : $"; {context.Flags.Count} sanity flag(s):"));
        foreach (var f in context.Flags) context.Log.WriteLine($"   ⚠ [{f.Stage}] {f.Message}");
        return 0;
    }

    static string Summary(DemoContext context, List<(IDemoStage Stage, DemoResult Result, double Seconds)> sections, double seconds, double cpuSeconds, string? loadStart, string? loadEnd)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("<div class=\"blend\">");
        if (context.Flags.Count == 0) sb.Append("<p class=\"ok\">Sanity checks: no flag (no expert worse than its start, no NLL blow-up, no KL over budget, no task whose judges pass everything or nothing).</p>");
        else
        {
            sb.Append("<div class=\"flags\"><b>Sanity flags — read these numbers with care:</b><ul>");
            foreach (var f in context.Flags) sb.Append("<li>[").Append(DemoHtml.Encode(f.Stage)).Append("] ").Append(DemoHtml.Encode(f.Message)).Append("</li>");
            sb.Append("</ul></div>");
        }
        sb.Append("<ul>");
        foreach (var (stage, result, _) in sections) sb.Append("<li><b>").Append(DemoHtml.Encode(stage.Title)).Append(".</b> ").Append(DemoHtml.Encode(result.Headline)).Append("</li>");
        sb.Append("</ul>");
        sb.Append(inv, $"<p>Settings ({(context.Quick ? "--quick" : "default budgets")}, seed {context.Seed}): {DemoHtml.Encode(context.Budget.Describe())}</p>");
        sb.Append(inv, $"<p>Time: {seconds:0} s wall, {cpuSeconds:0} s CPU, on {Environment.ProcessorCount} cores ({DemoHtml.Encode(Machine.CpuModel())}); load average {DemoHtml.Encode(loadStart ?? "unknown")} at the start, {DemoHtml.Encode(loadEnd ?? "unknown")} at the end. ");
        sb.Append(string.Join(" · ", sections.Select(s => string.Create(inv, $"{DemoHtml.Encode(s.Stage.Key)} {s.Seconds:0.0} s")))).Append("</p>");
        sb.Append("<p class=\"muted\">Files next to this report: metrics.json, ").Append(string.Join(", ", context.Files.Select(f => "<code>" + DemoHtml.Encode(f) + "</code>"))).Append(".</p></div>");
        return sb.ToString();
    }
}
