using System.Globalization;
using System.Text;

namespace Blend.Interactive;

/// <summary>HTML and text for rewards: a mixture (components, weights, tasks) and a breakdown (a bar of each component per sample).</summary>
public static class RewardHtml
{
    static readonly string[] Palette = ["#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#57606a", "#0550ae"];

    /// <summary>A mixture: its components (name, reward model, weight, task) and its normalization and clipping.</summary>
    public static string Mixture(RewardMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        double total = mixture.Components.Sum(c => Math.Abs(c.Weight));
        var rows = mixture.Components.Select((c, i) => (IReadOnlyList<string>)[
            "<b>" + HtmlText.Encode(c.Name) + "</b>", HtmlText.Encode(c.Reward.Name),
            c.Task is null ? "<span class=\"muted\">all</span>" : HtmlText.Badge(c.Task, "muted"),
            "<td class=\"num\">" + HtmlText.Num(c.Weight) + " " + HtmlText.Bar(total == 0 ? 0 : Math.Abs(c.Weight) / total, 80, Palette[i % Palette.Length]) + "</td>",
        ]);
        var extras = new List<string>();
        if (mixture.Normalizer is { } n)
            extras.Add("normalized (" + (n.Method == RewardNormalization.Ema ? "moving average d=" + HtmlText.Num(n.Decay) : "running") + " mean/std, ε=" + HtmlText.Num(n.Epsilon, "0.##E0") + ")");
        if (mixture.AggregationMode == RewardAggregation.NormalizeThenSum) extras.Add("normalize-then-sum within groups (GDPO)");
        if (mixture.ClipMin is double lo && mixture.ClipMax is double hi) extras.Add("clipped to [" + HtmlText.Num(lo) + ", " + HtmlText.Num(hi) + "]");
        return HtmlText.Block("<div><b>Reward mixture</b> <code>" + HtmlText.Encode(mixture.Name) + "</code>"
                              + (extras.Count > 0 ? " · " + HtmlText.Encode(string.Join(" · ", extras)) : "") + "</div>"
                              + HtmlText.Table(["component", "reward model", "task", "weight"], rows));
    }

    /// <summary>
    /// A breakdown: per component its mean raw and weighted value, then one row per sample with a stacked bar of the
    /// weighted components (positive right of the axis, negative left) and the total.
    /// </summary>
    public static string Breakdown(RewardBreakdown breakdown, int maxRows = 30)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        var comps = breakdown.Components;
        var sb = new StringBuilder();
        sb.Append("<div><b>Reward breakdown</b> <code>").Append(HtmlText.Encode(breakdown.Mixture)).Append("</code> · ")
          .Append(breakdown.Count.ToString(CultureInfo.InvariantCulture)).Append(" samples · mean total <b>")
          .Append(HtmlText.Num(breakdown.MeanTotal, "0.####")).Append("</b></div>");
        sb.Append(HtmlText.Table(["component", "n", "mean raw", "mean weighted"], comps.Select((c, i) => (IReadOnlyList<string>)[
            "<span class=\"bar\" style=\"width:10px;background:" + Palette[i % Palette.Length] + "\"></span> " + HtmlText.Encode(c.Name),
            HtmlText.NumCell(c.Count, "0"), HtmlText.NumCell(c.MeanRaw, "0.####"), HtmlText.NumCell(c.MeanWeighted, "0.####")])));
        double scale = 0;
        for (int s = 0; s < breakdown.Count; s++)
        {
            double pos = 0, neg = 0;
            foreach (var c in comps) { var v = c.Weighted[s] ?? 0; if (v > 0) pos += v; else neg -= v; }
            scale = Math.Max(scale, Math.Max(pos, neg));
        }
        var rows = Enumerable.Range(0, breakdown.Count).Select(s =>
        {
            var sample = breakdown.Samples[s];
            var bar = new StringBuilder("<span style=\"display:inline-block;width:100px;text-align:right\">");
            for (int i = comps.Count - 1; i >= 0; i--)
                if ((comps[i].Weighted[s] ?? 0) < 0) bar.Append(Segment(-(comps[i].Weighted[s] ?? 0), scale, i, comps[i].Name));
            bar.Append("</span><span style=\"display:inline-block;width:1px;height:12px;background:#1f2328;vertical-align:middle\"></span><span style=\"display:inline-block;width:100px\">");
            for (int i = 0; i < comps.Count; i++)
                if ((comps[i].Weighted[s] ?? 0) > 0) bar.Append(Segment(comps[i].Weighted[s] ?? 0, scale, i, comps[i].Name));
            bar.Append("</span>");
            return (IReadOnlyList<string>)[HtmlText.NumCell(s, "0"), HtmlText.Badge(sample.Task, "muted"), HtmlText.Clip(sample.Response, 160), bar.ToString(), HtmlText.NumCell(breakdown.Total[s], "0.###")];
        });
        sb.Append(HtmlText.Table(["#", "task", "response", "components (weighted)", "total"], rows, maxRows));
        return HtmlText.Block(sb.ToString());
    }

    static string Segment(double value, double scale, int index, string name) =>
        "<span class=\"bar\" title=\"" + HtmlText.Encode(name) + " " + HtmlText.Num(value, "0.###") + "\" style=\"width:"
        + (scale <= 0 ? 0 : (int)Math.Round(100 * value / scale)).ToString(CultureInfo.InvariantCulture) + "px;background:" + Palette[index % Palette.Length] + "\"></span>";
}
