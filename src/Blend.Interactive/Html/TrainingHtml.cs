using System.Globalization;
using System.Text;

namespace Blend.Interactive;

/// <summary>HTML and text for training results: a CGPO run (charts, final metrics, evaluation), SFT, soup experts.</summary>
public static class TrainingHtml
{
    /// <summary>
    /// A CGPO result: a summary line, the overview chart (reward, calibrated reward, pass rate, KL per task), the pass rate
    /// of each judge beside the updates' clip fraction and approximate KL, the final step's metrics per task, the held-out
    /// evaluation against the reference, and where the time went.
    /// </summary>
    public static string Cgpo(CgpoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<div><b>CGPO run</b> · {result.Steps} steps · tasks {HtmlText.Encode(string.Join(", ", result.Tasks))} · seed {result.Seed} · {result.Seconds:0.0} s</div>");
        sb.Append(ChartHtml.Fragment(TrainingCharts.Overview(result.Metrics)));
        if (result.Metrics.Count > 0) sb.Append(ChartHtml.Fragment(TrainingCharts.PassRates(result.Metrics))).Append(ChartHtml.Fragment(TrainingCharts.Updates(result.Metrics)));
        sb.Append("<div><b>Last step per task</b></div>").Append(StepTable(LastPerTask(result.Metrics)));
        if (result.Evaluation is { } eval) sb.Append(Evaluation(eval, wrap: false));
        if (result.Metrics.Count > 0) sb.Append(ChartHtml.Fragment(TrainingCharts.Timings(result.Metrics)));
        return HtmlText.Block(sb.ToString());
    }

    /// <summary>Step metrics: the overview chart (and, when some step made several updates, their clip fraction and approximate KL) plus the last step of each task.</summary>
    public static string Steps(IReadOnlyList<StepMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var updates = metrics.Any(m => m.Updates > 1) ? ChartHtml.Fragment(TrainingCharts.Updates(metrics)) : "";
        return HtmlText.Block(ChartHtml.Fragment(TrainingCharts.Overview(metrics)) + updates + StepTable(LastPerTask(metrics)));
    }

    /// <summary>One step of one task as a one-row table.</summary>
    public static string Step(StepMetrics step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return HtmlText.Block(StepTable([step]));
    }

    /// <summary>The evaluation of a trained policy against its reference per task (reward, calibrated, pass rate, win rate).</summary>
    public static string Evaluation(CgpoEvaluation evaluation, bool wrap = true)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var rows = evaluation.Tasks.Select(t => (IReadOnlyList<string>)[
            "<b>" + HtmlText.Encode(t.Task) + "</b>", HtmlText.NumCell(t.Prompts, "0"),
            Delta(t.ReferenceReward, t.Reward), Delta(t.ReferenceCalibratedReward, t.CalibratedReward),
            Delta(t.ReferencePassRate, t.PassRate, percent: true),
            "<td class=\"num\">" + HtmlText.Percent(t.WinRate) + " " + HtmlText.Bar(t.WinRate, 60) + "</td>"]);
        var html = "<div><b>Held-out evaluation</b> (reference → trained)</div>" + HtmlText.Table(["task", "prompts", "reward", "calibrated", "pass rate", "win rate vs reference"], rows);
        return wrap ? HtmlText.Block(html) : html;
    }

    /// <summary>An SFT result: loss chart and the loss before/after.</summary>
    public static string Sft(SftResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"<div><b>SFT</b> · {result.Steps.Count} steps · final train loss {HtmlText.Num(result.FinalLoss, "0.####")} · eval loss {Opt(result.InitialEvalLoss)} → {Opt(result.FinalEvalLoss)} · {result.Seconds:0.0} s{(result.StoppedEarly ? " · <span class=\"error\">stopped early</span>" : "")}</div>");
        return HtmlText.Block(head + (result.Steps.Count > 0 ? ChartHtml.Fragment(TrainingCharts.Loss(result)) : ""));
    }

    /// <summary>A soup expert's fine-tune: reward and KL curves.</summary>
    public static string Expert(ExpertRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return HtmlText.Block("<div><b>Expert</b> for <code>" + HtmlText.Encode(run.Reward) + "</code> · "
                              + run.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s</div>" + ChartHtml.Fragment(TrainingCharts.Expert(run)));
    }

    /// <summary>Plain text of a CGPO result: last step and evaluation per task.</summary>
    public static string CgpoText(CgpoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"CgpoResult: {result.Steps} steps, tasks [{string.Join(", ", result.Tasks)}], seed {result.Seed}, {result.Seconds:0.0}s\n");
        foreach (var m in LastPerTask(result.Metrics))
            sb.Append(CultureInfo.InvariantCulture, $"  {m.Task,-14} {m.Optimizer,-9} step {m.Step,4}  reward {m.Reward,8:0.####}  calibrated {m.CalibratedReward,6:0.###}  pass {HtmlText.Percent(m.PassRate),6}  KL {m.Kl,7:0.###}  len {m.Length,5:0.#}\n");
        if (result.Evaluation is { } eval)
            foreach (var t in eval.Tasks)
                sb.Append(CultureInfo.InvariantCulture, $"  eval {t.Task,-9} reward {t.ReferenceReward:0.###} -> {t.Reward:0.###}  pass {HtmlText.Percent(t.ReferencePassRate)} -> {HtmlText.Percent(t.PassRate)}  win {HtmlText.Percent(t.WinRate)}\n");
        return sb.ToString().TrimEnd('\n');
    }

    internal static List<StepMetrics> LastPerTask(IReadOnlyList<StepMetrics> metrics) =>
        metrics.GroupBy(m => m.Task).Select(g => g.OrderBy(m => m.Step).Last()).ToList();

    static string StepTable(IEnumerable<StepMetrics> steps)
    {
        var rows = steps.Select(m => (IReadOnlyList<string>)[
            "<b>" + HtmlText.Encode(m.Task) + "</b>", HtmlText.Encode(m.Optimizer), HtmlText.NumCell(m.Step, "0"),
            HtmlText.NumCell(m.Reward, "0.####"), HtmlText.NumCell(m.CalibratedReward, "0.###"),
            "<td class=\"num\">" + HtmlText.Percent(m.PassRate) + " " + HtmlText.Bar(m.PassRate, 60) + "</td>",
            string.Join(" ", m.Judges.Select(j => HtmlText.Badge(j.Judge + " " + HtmlText.Percent(j.PassRate), j.PassRate >= 0.5 ? "pass" : "fail", j.Errors > 0 ? j.Errors + " errors" : null))),
            HtmlText.NumCell(m.Kl, "0.###"), HtmlText.NumCell(m.Length, "0.#"), HtmlText.NumCell(m.Loss, "0.####"),
            HtmlText.NumCell(m.Updates, "0"), HtmlText.NumCell(m.ClipFraction, "0.###"), HtmlText.NumCell(m.ApproxKl, "0.#####")]);
        return HtmlText.Table(["task", "optimizer", "step", "reward", "calibrated", "pass rate", "judges", "KL", "length", "loss", "updates", "clip fraction", "approx. KL"], rows);
    }

    static string Delta(double before, double after, bool percent = false)
    {
        string f(double v) => percent ? HtmlText.Percent(v) : HtmlText.Num(v, "0.###");
        var cls = after > before ? "pass" : after < before ? "fail" : "";
        return "<td class=\"num " + cls + "\">" + f(before) + " → <b>" + f(after) + "</b></td>";
    }

    static string Opt(double? v) => v is double d ? HtmlText.Num(d, "0.####") : "–";
}
