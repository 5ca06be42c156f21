using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// CGPO's mixture of judges on held-out prompts of every task: the start policy's greedy responses, then two controls
/// that show the judges check answers (the gold responses must pass, the gold response of another prompt must fail);
/// then the labeled-set F1 table of the built-in judges (data/judges).
/// </summary>
internal sealed class JudgeStage : IDemoStage
{
    public string Key => "judges";
    public string Title => "Judges (mixture of judges, judge quality)";

    /// <summary>One judge set per task; a real answer check for math, the gold answer for chat; every task must have judges.</summary>
    internal static JudgeMixture Mixture(GoldLookup gold) => JudgeMixture.Create()
        .Task("math", t => t.Add(Judge.MathAnswer()))
        .Task("instructions", t => t.Add(Judge.IfEval()))
        .Task("chat", t => t.Add(Judge.GoldAnswer(s => gold.Get(s.Prompt))).Add(Judge.NoFalseRefusal()).Add(Judge.Length(maxWords: 150)))
        .Task("safety", t => t.Add(Judge.Refusal()))
        .AllMustPass()
        .RequireJudges();

    public DemoResult Run(DemoContext context)
    {
        var test = context.Shared.TryGetValue("tasks.test", out var t) && t is PromptSet shared
            ? shared : SyntheticTasks.LoadShipped(Path.Combine(context.DataDir, "tasks"), "test");
        var gold = GoldLookup.Of(test);
        int perTask = context.Budget.JudgePromptsPerTask;
        var items = SyntheticTasks.Tasks.SelectMany(task => test.ForTask(task).Take(perTask)).ToList();
        var mixture = Mixture(gold);

        string source;
        List<Sample> samples;
        if (context.Shared.TryGetValue("policy", out var p) && p is Policy policy)
        {
            var generations = policy.Generate([.. items.Select(i => i.Text)], new GenerationOptions { Greedy = true, MaxNewTokens = 40 });
            samples = [.. items.Select((i, k) => i.ToSample(generations[k].Text))];
            source = "the start policy's greedy responses";
        }
        else
        {
            samples = [.. items.Select(i => i.ToSample(gold.Get(i.Text) ?? ""))];
            source = "the gold responses (no policy was shared by an earlier stage)";
        }
        var report = mixture.Evaluate(samples);
        // Controls: the gold responses must pass; the gold response of the next prompt of the same task must not.
        var goldReport = mixture.Evaluate([.. items.Select(i => i.ToSample(gold.Get(i.Text) ?? ""))]);
        // "Another prompt" = the next prompt of the same task with a different answer (safety: the opposite refusal label).
        string AnswerKey(PromptItem i) => i.Task == "safety" ? i.Metadata?["should_refuse"]?.ToString() ?? "" : gold.Get(i.Text) ?? "";
        var wrong = items.Select(i =>
        {
            var same = items.Where(x => x.Task == i.Task).ToList();
            int at = same.IndexOf(i);
            var other = Enumerable.Range(1, same.Count).Select(d => same[(at + d) % same.Count]).FirstOrDefault(x => AnswerKey(x) != AnswerKey(i)) ?? i;
            return i.ToSample(gold.Get(other.Text) ?? "");
        }).ToList();
        var wrongReport = mixture.Evaluate(wrong);
        context.Shared["judges"] = mixture;
        foreach (var s in report.Tasks) context.Flag(SanityChecks.JudgesDegenerate(Key, $"task {s.Name} (start policy)", s.PassRate, s.Judged));

        var labeled = JudgeQuality.LoadFolder(Path.Combine(context.DataDir, "judges"));
        var quality = JudgeQuality.Evaluate(JudgeQuality.LabeledSetJudges(includeCode: !context.Quick && CodeJudge.Isolation != "none"), labeled);

        var inv = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append(inv, $"<p>Judged {samples.Count} held-out samples ({perTask} per task): {DemoHtml.Encode(source)}. Math is checked against the reference answer (Judge.MathAnswer), chat against the gold response's answer words (Judge.GoldAnswer), instructions with IFEval, safety with the should_refuse label.</p>");
        html.Append("<div class=\"blend\"><table><tr><th>responses</th>");
        foreach (var task in report.Tasks) html.Append("<th>").Append(DemoHtml.Encode(task.Name)).Append("</th>");
        html.Append("<th>overall</th></tr>");
        foreach (var (label, r) in new[] { ("start policy", report), ("control: gold responses (should pass)", goldReport), ("control: another prompt's gold response (should fail)", wrongReport) })
        {
            html.Append("<tr><td>").Append(DemoHtml.Encode(label)).Append("</td>");
            foreach (var task in report.Tasks) html.Append("<td class=\"num\">").Append(DemoHtml.Percent(r.TaskPassRate(task.Name))).Append("</td>");
            html.Append("<td class=\"num\">").Append(DemoHtml.Percent(r.OverallPassRate)).Append("</td></tr>");
        }
        html.Append("</table></div>");
        html.Append(JudgeHtml.Mixture(mixture)).Append(JudgeHtml.Report(report, maxRows: 12))
            .Append("<p>Built-in judges on their labeled sets (data/judges; positive class = violation).</p>").Append(JudgeHtml.Quality(quality));

        JsonObject Rates(JudgeReport r) => new(r.Tasks.Select(x => KeyValuePair.Create(x.Name, (JsonNode?)x.PassRate)));
        var metrics = new JsonObject
        {
            ["source"] = source,
            ["samples"] = samples.Count,
            ["overall_pass_rate"] = report.OverallPassRate,
            ["judge_errors"] = report.ErrorCount,
            ["unjudged"] = report.UnjudgedCount,
            ["task_pass_rate"] = Rates(report),
            ["gold_task_pass_rate"] = Rates(goldReport),
            ["wrong_answer_task_pass_rate"] = Rates(wrongReport),
            ["judge_pass_rate"] = new JsonObject(report.Judges.Select(j => KeyValuePair.Create(j.Name, (JsonNode?)j.PassRate))),
            ["labeled_f1"] = new JsonObject(quality.Select(q => KeyValuePair.Create(q.Judge, (JsonNode?)q.F1))),
            ["min_labeled_f1"] = quality.Count == 0 ? null : quality.Min(q => q.F1),
        };
        double goldMin = goldReport.Tasks.Min(x => x.PassRate), wrongMax = wrongReport.Tasks.Max(x => x.PassRate);
        bool separates = goldMin > wrongMax;
        var headline = string.Create(inv, $"Measured the mixture of judges on the start policy's answers (overall pass {report.OverallPassRate:P0}; ")
            + string.Join(", ", report.Tasks.Select(x => string.Create(inv, $"{x.Name} {x.PassRate:P0}")))
            + string.Create(inv, $"): the judges check answers, not formats, as CGPO needs — every task passes at least {goldMin:P0} of the gold responses and at most {wrongMax:P0} of wrong ones")
            + (separates ? "." : " (NOT separated: some judge cannot tell right from wrong).");
        var summary = string.Create(inv,
            $"{samples.Count} samples, overall pass {report.OverallPassRate:P0} ({string.Join(", ", report.Tasks.Select(x => $"{x.Name} {x.PassRate:P0}"))}); gold ≥ {goldMin:P0}, wrong answers ≤ {wrongMax:P0}; labeled-set F1 ≥ {quality.Min(q => q.F1):0.00}");
        return new DemoResult(headline, html.ToString(), metrics, summary);
    }
}
