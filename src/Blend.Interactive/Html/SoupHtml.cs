using System.Globalization;
using System.Text;

namespace Blend.Interactive;

/// <summary>HTML and text for rewarded soups: a sweep (Pareto chart, front table, hypervolume), a MORL baseline, a front.</summary>
public static class SoupHtml
{
    /// <summary>A sweep: summary (method, experts, objectives, hypervolume), the Pareto chart (with the MORL baseline and the experts' shared start when given) and the non-dominated soups.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="morl">The MORL baseline, or null.</param>
    /// <param name="start">The rewards of the policy the experts were fine-tuned from (one per objective), or null.</param>
    /// <param name="startName">The start's legend name.</param>
    public static string Sweep(SoupSweep sweep, MorlBaseline? morl = null, IReadOnlyList<double>? start = null, string startName = "SFT start")
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<div><b>Rewarded soup sweep</b> · {HtmlText.Encode(sweep.Method)}{(sweep.Parameter is null ? "" : " over " + HtmlText.Encode(sweep.Parameter))} · experts {HtmlText.Encode(string.Join(", ", sweep.Experts))} · {sweep.Points.Count} soups · {sweep.Prompts} prompts × {sweep.SamplesPerPrompt} samples · hypervolume <b>{sweep.Hypervolume:G4}</b>{(double.IsNaN(sweep.ExpertsHypervolume) ? "" : $", experts alone {sweep.ExpertsHypervolume:G4}")} (reference {HtmlText.Encode(string.Join(", ", sweep.HypervolumeReference.Select(r => r.ToString("G4", CultureInfo.InvariantCulture))))}) · seed {sweep.Seed} · {sweep.Seconds:0.0} s</div>");
        if (sweep.Objectives.Count >= 2) sb.Append(ChartHtml.Fragment(ParetoCharts.Front(sweep, morl, start, startName)));
        sb.Append(PointTable(sweep.Points, sweep.Objectives, sweep.Front.Indices.ToHashSet(), sweep.Parameter is null ? "λ" : sweep.Parameter + ", λ"));
        return HtmlText.Block(sb.ToString());
    }

    /// <summary>A MORL baseline: its points (one training run per preference μ) and front.</summary>
    public static string Morl(MorlBaseline morl)
    {
        ArgumentNullException.ThrowIfNull(morl);
        return HtmlText.Block(string.Create(CultureInfo.InvariantCulture, $"<div><b>MORL baseline</b> · {morl.TrainingRuns} training runs · {morl.Front.Count} non-dominated · {morl.Seconds:0.0} s</div>")
                              + PointTable(morl.Points, morl.Objectives, morl.Front.Indices.ToHashSet(), "μ"));
    }

    /// <summary>A Pareto front: its non-dominated points.</summary>
    public static string Front(ParetoFront front)
    {
        ArgumentNullException.ThrowIfNull(front);
        var rows = front.Indices.Select((idx, i) => (IReadOnlyList<string>)[HtmlText.NumCell(idx, "0"),
            string.Join("", front.Points[i].Select(v => HtmlText.NumCell(v, "0.####")))]);
        return HtmlText.Block(string.Create(CultureInfo.InvariantCulture, $"<div><b>Pareto front</b> · {front.Count} points</div>")
                              + HtmlText.Table(["point", "objectives"], rows.Select(r => (IReadOnlyList<string>)[r[0], "<td>" + r[1].Replace("<td class=\"num\">", "", StringComparison.Ordinal).Replace("</td>", " ", StringComparison.Ordinal) + "</td>"])));
    }

    /// <summary>Plain text of a sweep: summary line and the front's points.</summary>
    public static string SweepText(SoupSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var sb = new StringBuilder(sweep.ToString()).Append('\n');
        foreach (var p in sweep.FrontPoints)
            sb.Append("  front ").Append(p.Label.PadRight(18)).Append(' ')
              .Append(string.Join("  ", sweep.Objectives.Select((o, k) => o + "=" + p.Rewards[k].ToString("0.####", CultureInfo.InvariantCulture)))).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    static string PointTable(IReadOnlyList<SoupPoint> points, IReadOnlyList<string> objectives, HashSet<int> front, string weight)
    {
        var header = new List<string> { "#", weight }; header.AddRange(objectives); header.Add("Pareto");
        var rows = points.Select((p, i) =>
        {
            var cells = new List<string> { HtmlText.NumCell(p.Index, "0"), "<code>" + HtmlText.Encode(p.Setting is null ? p.LambdaText : p.Label + ", " + p.LambdaText) + "</code>" };
            cells.AddRange(p.Rewards.Select(r => HtmlText.NumCell(r, "0.####")));
            cells.Add(front.Contains(i) ? "<td class=\"pass\">non-dominated</td>" : "<td class=\"muted\">dominated</td>");
            return (IReadOnlyList<string>)cells;
        });
        return HtmlText.Table(header, rows, maxRows: 40);
    }
}
