using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;
using Blend.Cli.Serve;
using Spectre.Console;

namespace Blend.Cli;

/// <summary>
/// <c>blend judge --data FILE.jsonl (--recipe R | --judges a,b)</c>: judges (and, with a recipe, scores) every line of a
/// JSONL file of samples, prints pass rates per judge and per task, and writes one result per line with <c>--out</c>.
/// </summary>
internal static class JudgeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "JSONL samples: task, prompt, response, optional reference and metadata.", Required = true };
        var recipe = new Option<string?>("--recipe") { Description = "Judge and score with the recipe's per-task judges and rewards." };
        var judges = new Option<string?>("--judges") { Description = "Comma-separated judge types applied to every sample, with default options (e.g. math_answer,refusal)." };
        var outFile = new Option<string?>("--out") { Description = "Write one JSON result per sample (verdicts, components, reward) to this JSONL file, atomically." };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var report = ReportFile.Option(hasDefault: false);
        var cmd = new Command("judge", "Judge a JSONL file of samples: verdict table, pass rates per judge and task, JSONL results, an HTML report.") { data, recipe, judges, outFile, json, report };
        cmd.SetAction(r => Run(r.GetValue(data)!, r.GetValue(recipe), r.GetValue(judges), r.GetValue(outFile), r.GetValue(json), r.InvocationConfiguration.Output, r.GetValue(report)));
        return cmd;
    }

    /// <summary>Reads the samples: every line must have string task, prompt and response (errors name file, line and field).</summary>
    internal static List<Sample> ReadSamples(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--data: file '{path}' does not exist");
        var samples = new List<Sample>();
        foreach (var line in Jsonl.Read(path))
            samples.Add(new Sample(line.String("task"), line.String("prompt"), line.String("response"))
            {
                Reference = line.Object["reference"] is JsonValue v && v.TryGetValue(out double d) ? d.ToString(CultureInfo.InvariantCulture) : line.OptionalString("reference"),
                Metadata = line.OptionalObject("metadata")?.DeepClone().AsObject(),
                Id = line.OptionalString("id"),
            });
        if (samples.Count == 0) throw new UsageException($"--data: '{path}' has no samples (every line is blank)");
        return samples;
    }

    internal static int Run(string dataPath, string? recipePath, string? judgeList, string? outFile, bool json, TextWriter output, string? report = null)
    {
        if ((recipePath is null) == (judgeList is null)) throw new UsageException("give either --recipe R or --judges a,b (not both, not neither)");
        if (outFile is not null && Directory.Exists(outFile)) throw new UsageException($"--out: '{outFile}' is a folder; give a file path");
        var reportPath = ReportFile.Resolve(report, null);
        // Every input is checked before the data is judged: the flags, the recipe, then the data file.
        var listed = judgeList is null ? null : ParseJudges(judgeList);
        using var builder = recipePath is null ? null : new RecipeBuilder(RecipeReader.Read(recipePath));
        var samples = ReadSamples(dataPath);
        var scorer = builder is not null ? RewardScorer.FromRecipe(builder, constrained: false)
            : new RewardScorer(JudgeMixture.Create().Task("*", t => listed!.Aggregate(t, (acc, j) => acc.Add(j))), RewardMixture.Create("none"), samples.Select(s => s.Task).Distinct(), _ => 0);
        var results = scorer.Score(samples);
        if (outFile is not null) Jsonl.Write(outFile, results.Select((r, i) => { var o = RewardServer.ToJson(r); o["line"] = i + 1; return o; }));

        var judgeStats = results.SelectMany(r => r.Verdicts).GroupBy(v => v.Judge)
            .Select(g => (Name: g.Key, Pass: g.Count(v => v.Passed), Fail: g.Count(v => v.Outcome == VerdictOutcome.Fail), Error: g.Count(v => v.Outcome == VerdictOutcome.Error))).ToList();
        var taskStats = results.GroupBy(r => r.Sample.Task).Select(g => (Name: g.Key, Count: g.Count(), Passed: g.Count(r => r.Passed), Errors: g.Count(r => r.Error is not null))).ToList();
        if (reportPath is not null) ReportFile.Write(reportPath, Report(results, dataPath, recipePath ?? "--judges " + judgeList));
        if (json)
        {
            output.WriteLine(new JsonObject
            {
                ["samples"] = results.Count,
                ["pass_rate"] = results.Count(r => r.Passed) / (double)results.Count,
                ["judges"] = new JsonObject([.. judgeStats.Select(j => KeyValuePair.Create(j.Name, (JsonNode?)new JsonObject { ["pass"] = j.Pass, ["fail"] = j.Fail, ["error"] = j.Error, ["pass_rate"] = j.Pass / (double)(j.Pass + j.Fail + j.Error) }))]),
                ["tasks"] = new JsonObject([.. taskStats.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)new JsonObject { ["samples"] = t.Count, ["pass_rate"] = t.Passed / (double)t.Count, ["errors"] = t.Errors }))]),
                ["out"] = outFile,
            }.ToJsonString());
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("judge", "pass", "fail", "error", "pass rate");
        foreach (var j in judgeStats) table.AddRow(j.Name, $"{j.Pass}", $"{j.Fail}", $"{j.Error}", (j.Pass / (double)(j.Pass + j.Fail + j.Error)).ToString("P1", CultureInfo.InvariantCulture));
        var tasks = new Table().AddColumns("task", "samples", "all judges pass", "errors");
        foreach (var t in taskStats) tasks.AddRow(t.Name, $"{t.Count}", (t.Passed / (double)t.Count).ToString("P1", CultureInfo.InvariantCulture), $"{t.Errors}");
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No });
        console.Write(table);
        console.Write(tasks);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Count} samples, {results.Count(r => r.Passed) / (double)results.Count:P1} pass every judge of their task{(outFile is null ? "" : $"; wrote {outFile}")}"));
        return ExitCodes.Ok;
    }

    /// <summary>The offline page: pass rates per task and judge (a chart and tables, Blend.Interactive's renderers) and the first samples with their verdicts.</summary>
    static Blend.Interactive.HtmlReport Report(IReadOnlyList<ScoredSample> results, string data, string judgedBy)
    {
        var judges = results.SelectMany(r => r.Verdicts).GroupBy(v => v.Judge).Select(g => JudgeStats.Of(g.Key, g)).ToList();
        var tasks = results.GroupBy(r => r.Sample.Task)
            .Select(g => JudgeStats.Of(g.Key, g.Select(r => r.Error is not null ? Verdict.Error(g.Key, r.Error) : r.Passed ? Verdict.Pass(g.Key) : Verdict.Fail(g.Key, "a judge failed")))).ToList();
        double rate = results.Count(r => r.Passed) / (double)results.Count;
        var lead = string.Create(CultureInfo.InvariantCulture, $"Measured {results.Count} samples of {Path.GetFileName(data)} with {judgedBy}: {rate:P1} pass every judge of their task.");
        var page = new Blend.Interactive.HtmlReport($"blend judge: {Path.GetFileName(data)}")
            .Add("Pass rates", Blend.Interactive.ChartHtml.Fragment(Blend.Interactive.JudgeCharts.PassRates(tasks, judges)), lead)
            .Add("Per judge", Blend.Interactive.JudgeHtml.Stats("judge", judges))
            .Add("Per task", Blend.Interactive.JudgeHtml.Stats("task", tasks));
        return page.Add("Samples", Blend.Interactive.CoreHtml.Samples(results.Select(r => r.Sample), maxRows: 30));
    }

    static List<IJudge> ParseJudges(string list)
    {
        var judges = new List<IJudge>();
        foreach (var type in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = JudgeCatalog.Find(type) ?? throw new UsageException($"--judges: unknown judge '{type}'{DidYouMean.Hint(type, JudgeCatalog.All.Select(k => k.Variant.Type))} (known: {string.Join(", ", JudgeCatalog.All.Select(k => k.Variant.Type))})");
            if (kind.Variant.Fields.FirstOrDefault(f => f.Required) is { } required)
                throw new UsageException($"--judges: judge '{type}' needs its '{required.Name}' option; describe it in a recipe and pass --recipe");
            try { judges.Add(kind.Create(new RecipeValues([], "$"), JudgeContext.None)); }
            catch (ArgumentException e) { throw new UsageException($"--judges: judge '{type}' needs options ({e.Message}); describe it in a recipe and pass --recipe"); }
        }
        if (judges.Count == 0) throw new UsageException("--judges: give at least one judge type");
        return judges;
    }
}
