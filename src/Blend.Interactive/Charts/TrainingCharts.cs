using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Blend.Interactive;

/// <summary>
/// Charts of training runs: CGPO metrics per task against step (reward, calibrated reward, judge pass rates, KL,
/// length, the updates' clip fraction and approximate KL, phase timings) and SFT loss. Plotly.NET values: display them in a notebook or <c>|&gt; Chart.show</c> in F#.
/// </summary>
public static class TrainingCharts
{
    static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>Reward (solid) and calibrated reward (dashed) per task against step.</summary>
    public static GenericChart Rewards(CgpoResult result) => Rewards((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>Reward (solid) and calibrated reward (dashed) per task against step, from step metrics (e.g. a live run).</summary>
    public static GenericChart Rewards(IReadOnlyList<StepMetrics> metrics) =>
        Layouts.Apply(PerTask(metrics, [("reward", m => m.Reward, StyleParam.DrawingStyle.Solid), ("calibrated", m => m.CalibratedReward, StyleParam.DrawingStyle.Dash)]),
            "Reward and calibrated reward per task", "step", "reward", integerX: MaxStep(metrics));

    /// <summary>Pass rate of the task's judge mixture (solid) and of each judge (dotted) per task against step.</summary>
    public static GenericChart PassRates(CgpoResult result) => PassRates((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>Pass rates per task and judge against step, from step metrics.</summary>
    public static GenericChart PassRates(IReadOnlyList<StepMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var charts = new List<GenericChart>();
        var tasks = metrics.Select(m => m.Task).Distinct().ToList();
        for (int t = 0; t < tasks.Count; t++)
        {
            var rows = metrics.Where(m => m.Task == tasks[t]).ToList();
            charts.Add(Line(rows.Select(r => r.Step), rows.Select(r => r.PassRate), tasks[t] + " · all judges", Palette[t % Palette.Length], StyleParam.DrawingStyle.Solid));
            foreach (var judge in rows.SelectMany(r => r.Judges).Select(j => j.Judge).Distinct())
            {
                var points = rows.Where(r => r.Judges.Any(j => j.Judge == judge)).ToList();
                charts.Add(Line(points.Select(r => r.Step), points.Select(r => r.Judges.First(j => j.Judge == judge).PassRate), tasks[t] + " · " + judge, Palette[t % Palette.Length], StyleParam.DrawingStyle.Dot));
            }
        }
        return Layouts.Apply(CSharpChart.Combine(charts), "Judge pass rates per task", "step", "pass rate", yRange: true, integerX: MaxStep(metrics));
    }

    /// <summary>KL to the reference (solid, nats) and mean response length (dashed, tokens, right axis) per task against step.</summary>
    public static GenericChart KlAndLength(CgpoResult result) => KlAndLength((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>KL and response length per task against step, from step metrics.</summary>
    public static GenericChart KlAndLength(IReadOnlyList<StepMetrics> metrics) =>
        Layouts.Apply(PerTask(metrics, [("KL", m => m.Kl, StyleParam.DrawingStyle.Solid), ("length", m => m.Length, StyleParam.DrawingStyle.Dash)]),
            "KL to the reference (nats) and response length (tokens) per task", "step", "KL (nats) · length (tokens)", integerX: MaxStep(metrics));

    /// <summary>
    /// The updates of each step per task: the fraction of tokens whose gradient the ratio clip cut (left) and the approximate
    /// KL(π_old ‖ π_w) per token before each update (right), means over the step's updates (docs/cgpo.md#multi-epoch-updates).
    /// Both are 0 with one update per step; the clip fraction is absent for optimizers without a clipped ratio.
    /// </summary>
    public static GenericChart Updates(CgpoResult result) => Updates((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>Clip fraction and approximate KL(π_old ‖ π_w) per task against step, from step metrics.</summary>
    public static GenericChart Updates(IReadOnlyList<StepMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var grid = CSharpChart.Grid(
            [PerTask(metrics, [("clip fraction", m => m.ClipFraction, StyleParam.DrawingStyle.Solid)], nameByTaskOnly: true),
             PerTask(metrics, [("approximate KL", m => m.ApproxKl, StyleParam.DrawingStyle.Solid)], showLegend: false, nameByTaskOnly: true)],
            nRows: 1, nCols: 2,
            SubPlotTitles: new[] { "clip fraction (tokens the clip cut)", "approximate KL(π_old ‖ π_w) per token (nats)" });
        grid = Plotly.NET.Chart.withTitle("Updates per step: clip fraction and approximate KL", TitleFont: null).Invoke(grid);
        return grid.WithSize(Height: 340);
    }

    /// <summary>Seconds per phase (generate, judge, score, update) summed over the run, stacked per task.</summary>
    public static GenericChart Timings(CgpoResult result) => Timings((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>Seconds per phase, stacked per task, from step metrics.</summary>
    public static GenericChart Timings(IReadOnlyList<StepMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var tasks = metrics.Select(m => m.Task).Distinct().ToArray();
        (string Name, Func<StepMetrics, double> Get)[] phases =
            [("generate", m => m.GenerateSeconds), ("judge", m => m.JudgeSeconds), ("score", m => m.ScoreSeconds), ("update", m => m.UpdateSeconds)];
        var bars = phases.Select(p => CSharpChart.StackedBar<double, string, string>(
            tasks.Select(t => metrics.Where(m => m.Task == t).Sum(p.Get)), Keys: tasks, Name: p.Name));
        return Layouts.Apply(CSharpChart.Combine(bars), "Where the time went (seconds per phase)", "seconds", "task", height: 280 + 50 * tasks.Length);
    }

    /// <summary>
    /// The training run at a glance: reward, calibrated reward, pass rate and KL per task in a 2×2 grid (the chart the
    /// notebooks show live while a run trains).
    /// </summary>
    public static GenericChart Overview(CgpoResult result) => Overview((result ?? throw new ArgumentNullException(nameof(result))).Metrics);

    /// <summary>The 2×2 overview from step metrics (e.g. the steps reported so far by a live run).</summary>
    public static GenericChart Overview(IReadOnlyList<StepMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        GenericChart Panel(string title, Func<StepMetrics, double> get, bool legend) =>
            PerTask(metrics, [(title, get, StyleParam.DrawingStyle.Solid)], showLegend: legend, nameByTaskOnly: true);
        var grid = CSharpChart.Grid(
            [Panel("reward", m => m.Reward, true), Panel("calibrated reward", m => m.CalibratedReward, false),
             Panel("pass rate", m => m.PassRate, false), Panel("KL (nats)", m => m.Kl, false)],
            nRows: 2, nCols: 2,
            SubPlotTitles: new[] { "reward", "calibrated reward", "judge pass rate", "KL to reference (nats)" });
        grid = Plotly.NET.Chart.withTitle($"CGPO training run · {metrics.Select(m => m.Step).DefaultIfEmpty(0).Max()} steps", TitleFont: null).Invoke(grid);
        return grid.WithSize(Height: 620);
    }

    /// <summary>SFT training loss (and eval loss where measured) against step.</summary>
    public static GenericChart Loss(SftResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var charts = new List<GenericChart> { Line(result.Steps.Select(s => s.Step), result.Steps.Select(s => s.Loss), "train loss", Palette[0], StyleParam.DrawingStyle.Solid) };
        var evals = result.Steps.Where(s => s.EvalLoss is not null).ToList();
        if (evals.Count > 0)
            charts.Add(CSharpChart.Line<int, double, string>(evals.Select(s => s.Step), evals.Select(s => s.EvalLoss!.Value), Name: "eval loss", ShowMarkers: true, LineColor: Color.fromString(Palette[1])));
        return Layouts.Apply(CSharpChart.Combine(charts), "SFT loss", "step", "cross-entropy (nats/token)", integerX: result.Steps.Count == 0 ? 1 : result.Steps[^1].Step);
    }

    /// <summary>Reward and KL of a single-reward fine-tune (a soup expert) against step.</summary>
    public static GenericChart Expert(ExpertRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = Enumerable.Range(1, run.RewardCurve.Count);
        return Layouts.Apply(CSharpChart.Combine([
                Line(steps, run.RewardCurve, run.Reward + " reward", Palette[0], StyleParam.DrawingStyle.Solid),
                Line(Enumerable.Range(1, run.KlCurve.Count), run.KlCurve, "KL (nats)", Palette[1], StyleParam.DrawingStyle.Dash)]),
            "Expert fine-tune on " + run.Reward, "step", "reward · KL (nats)", integerX: Math.Max(1, run.RewardCurve.Count));
    }

    static int MaxStep(IReadOnlyList<StepMetrics> metrics) => Math.Max(1, (metrics ?? throw new ArgumentNullException(nameof(metrics))).Select(m => m.Step).DefaultIfEmpty(1).Max());

    static GenericChart PerTask(IReadOnlyList<StepMetrics> metrics, (string Name, Func<StepMetrics, double> Get, StyleParam.DrawingStyle Dash)[] series, bool showLegend = true, bool nameByTaskOnly = false)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var tasks = metrics.Select(m => m.Task).Distinct().ToList();
        var charts = new List<GenericChart>();
        for (int t = 0; t < tasks.Count; t++)
        {
            var rows = metrics.Where(m => m.Task == tasks[t]).ToList();
            var optimizer = rows.Count > 0 ? rows[0].Optimizer : "";
            foreach (var (name, get, dash) in series)
                charts.Add(Line(rows.Select(r => r.Step), rows.Select(get), nameByTaskOnly ? $"{tasks[t]} ({optimizer})" : $"{tasks[t]} ({optimizer}) · {name}",
                    Palette[t % Palette.Length], dash, showLegend));
        }
        if (charts.Count == 0) charts.Add(CSharpChart.Line<int, double, string>(Array.Empty<int>(), Array.Empty<double>(), Name: "no steps yet"));
        return CSharpChart.Combine(charts);
    }

    static GenericChart Line(IEnumerable<int> x, IEnumerable<double> y, string name, string color, StyleParam.DrawingStyle dash, bool showLegend = true) =>
        CSharpChart.Line<int, double, string>(x, y.Select(v => double.IsFinite(v) ? v : double.NaN), Name: name, ShowLegend: showLegend,
            LineColor: Color.fromString(color), LineDash: dash);
}
