using System.Globalization;
using System.Text;

namespace Blend.Interactive;

/// <summary>HTML and text for judges: a mixture (what it checks, per task), a report (pass rates, verdict table), judge quality.</summary>
public static class JudgeHtml
{
    /// <summary>A judge: its name and kind.</summary>
    public static string Judge(IJudge judge)
    {
        ArgumentNullException.ThrowIfNull(judge);
        return HtmlText.Block(HtmlText.Badge(judge.Name, "muted") + " <span class=\"muted\">" + HtmlText.Encode(judge.GetType().Name) + "</span>");
    }

    /// <summary>A mixture: the aggregation rule and, per task, its judges with weights.</summary>
    public static string Mixture(JudgeMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var rows = mixture.Tasks.Select(t => (IReadOnlyList<string>)[
            "<b>" + HtmlText.Encode(t.Name) + "</b>",
            t.Judges.Count == 0 ? "<span class=\"muted\">(no judges: its samples are unjudged, never counted as passing)</span>"
                : string.Join(" ", t.Judges.Select(j => HtmlText.Badge(j.Weight == 1 ? j.Judge.Name : j.Judge.Name + " ×" + HtmlText.Num(j.Weight, "0.##"), "muted", j.Judge.GetType().Name))),
        ]);
        return HtmlText.Block("<div><b>Judge mixture</b> · rule: <code>" + HtmlText.Encode(mixture.Aggregation.ToString()) + "</code> · "
                              + mixture.Tasks.Count.ToString(CultureInfo.InvariantCulture) + " tasks</div>"
                              + HtmlText.Table(["task", "judges"], rows));
    }

    /// <summary>
    /// A report: overall and per-task pass rates, per-judge pass rates (with errors apart), then one row per sample
    /// with its prompt, response, a coloured badge per judge (reason on hover) and the overall verdict.
    /// </summary>
    public static string Report(JudgeReport report, int maxRows = 30)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("<div><b>Judge report</b> · ").Append(report.Samples.Count.ToString(CultureInfo.InvariantCulture))
          .Append(" samples · overall pass rate <b>").Append(HtmlText.Percent(report.OverallPassRate)).Append("</b> ")
          .Append(HtmlText.Bar(report.OverallPassRate, 100)).Append(" · rule <code>").Append(HtmlText.Encode(report.Mixture.Aggregation.ToString()))
          .Append("</code>").Append(report.ErrorCount > 0 ? " · <span class=\"error\">" + report.ErrorCount.ToString(CultureInfo.InvariantCulture) + " judge errors</span>" : "")
          .Append("</div>");
        sb.Append(Stats("task", report.Tasks)).Append(Stats("judge", report.Judges));
        var rows = Enumerable.Range(0, report.Samples.Count).Select(i =>
        {
            var s = report.Samples[i];
            var overall = report.Overall[i];
            return (IReadOnlyList<string>)[
                HtmlText.NumCell(i, "0"), HtmlText.Badge(s.Task, "muted"), HtmlText.Clip(s.Prompt, 160), HtmlText.Clip(s.Response, 200),
                string.Join(" ", report.Verdicts[i].Select(CoreHtml.VerdictBadge)),
                "<td class=\"" + HtmlText.OutcomeClass(overall.Outcome) + "\" title=\"" + HtmlText.Encode(overall.Reason) + "\">" + overall.Outcome.ToString().ToLowerInvariant() + "</td>",
            ];
        });
        sb.Append(HtmlText.Table(["#", "task", "prompt", "response", "judges", "overall"], rows, maxRows));
        return HtmlText.Block(sb.ToString());
    }

    /// <summary>A table of pass/fail/error counts with pass-rate bars.</summary>
    public static string Stats(string label, IEnumerable<JudgeStats> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var rows = stats.Select(s => (IReadOnlyList<string>)[
            HtmlText.Encode(s.Name), HtmlText.NumCell(s.Samples, "0"),
            s.Judged == 0 && s.Samples > 0 ? "<td class=\"muted\">unjudged (no judges)</td>"
                : "<td class=\"num\">" + HtmlText.Percent(s.PassRate) + " " + HtmlText.Bar(s.PassRate, 80) + "</td>",
            HtmlText.NumCell(s.Passed, "0"), HtmlText.NumCell(s.Failed, "0"),
            s.Errors > 0 ? "<td class=\"num error\">" + s.Errors.ToString(CultureInfo.InvariantCulture) + "</td>" : HtmlText.NumCell(0, "0"),
        ]);
        return HtmlText.Table([label, "n", "pass rate", "pass", "fail", "error"], rows);
    }

    /// <summary>Judge quality against labels: precision, recall, F1 and accuracy per judge.</summary>
    public static string Quality(IEnumerable<JudgeQualityReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var rows = reports.Select(r => (IReadOnlyList<string>)[
            HtmlText.Encode(r.Judge), HtmlText.NumCell(r.Count, "0"), HtmlText.NumCell(r.Precision), HtmlText.NumCell(r.Recall),
            HtmlText.NumCell(r.F1), HtmlText.NumCell(r.Accuracy), HtmlText.NumCell(r.TruePositives, "0"), HtmlText.NumCell(r.FalsePositives, "0"),
            HtmlText.NumCell(r.TrueNegatives, "0"), HtmlText.NumCell(r.FalseNegatives, "0"), HtmlText.NumCell(r.Errors, "0"),
        ]);
        return HtmlText.Block(HtmlText.Table(["judge", "n", "precision", "recall", "F1", "accuracy", "TP", "FP", "TN", "FN", "errors"], rows));
    }

    /// <summary>Plain text for a report: overall, per task and per judge pass rates.</summary>
    public static string ReportText(JudgeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"JudgeReport: {report.Samples.Count} samples, overall pass {HtmlText.Percent(report.OverallPassRate)} ({report.Mixture.Aggregation})\n");
        foreach (var t in report.Tasks) sb.Append(CultureInfo.InvariantCulture, $"  task  {t.Name,-16} {(t.Judged == 0 ? "unjudged" : HtmlText.Percent(t.PassRate)),6}  ({t.Passed}/{t.Judged})\n");
        foreach (var j in report.Judges) sb.Append(CultureInfo.InvariantCulture, $"  judge {j.Name,-16} {HtmlText.Percent(j.PassRate),6}  ({j.Passed}/{j.Samples}, {j.Errors} errors)\n");
        return sb.ToString().TrimEnd('\n');
    }
}
