using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Blend.Interactive;

/// <summary>Charts of judge reports (Plotly.NET values: display them in a notebook, or <c>|&gt; Chart.show</c> from F#).</summary>
public static class JudgeCharts
{
    /// <summary>Pass rate per task and per judge of one report, as bars.</summary>
    public static GenericChart PassRates(JudgeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return PassRates(report.Tasks, report.Judges);
    }

    /// <summary>Pass rate per task (all judges of the task) and per judge, as bars, from counts (e.g. verdicts judged elsewhere).</summary>
    public static GenericChart PassRates(IReadOnlyList<JudgeStats> tasks, IReadOnlyList<JudgeStats> judges)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(judges);
        var taskBars = CSharpChart.Column<double, string, string>(tasks.Select(t => t.PassRate), Keys: tasks.Select(t => "task: " + t.Name).ToArray(), Name: "task (overall)");
        var judgeBars = CSharpChart.Column<double, string, string>(judges.Select(j => j.PassRate), Keys: judges.Select(j => "judge: " + j.Name).ToArray(), Name: "judge");
        return Layouts.Apply(CSharpChart.Combine([taskBars, judgeBars]), "Pass rates", "task or judge", "pass rate", yRange: true);
    }

    /// <summary>Overall pass rate per task of several reports side by side (e.g. one per aggregation rule).</summary>
    /// <param name="labels">One label per report (the legend).</param>
    /// <param name="reports">The reports, in the same order.</param>
    public static GenericChart Compare(IReadOnlyList<string> labels, IReadOnlyList<JudgeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(reports);
        if (labels.Count != reports.Count) throw new ArgumentException($"{labels.Count} labels for {reports.Count} reports.", nameof(labels));
        var charts = reports.Select((r, i) => CSharpChart.Column<double, string, string>(
            r.Tasks.Select(t => t.PassRate).Append(r.OverallPassRate), Keys: r.Tasks.Select(t => t.Name).Append("overall").ToArray(), Name: labels[i]));
        return Layouts.Apply(CSharpChart.Combine(charts), "Overall pass rate per task", "task", "pass rate", yRange: true);
    }
}

