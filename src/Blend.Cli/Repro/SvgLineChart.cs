using System.Globalization;
using System.Net;
using System.Text;

namespace Blend.Cli.Repro;

/// <summary>
/// A small self-contained SVG line chart (axes, ticks, one polyline per series, a legend) for the committed summaries: it
/// renders wherever markdown shows images, with no script and no network.
/// </summary>
internal static class SvgLineChart
{
    static readonly string[] Palette = ["#e377c2", "#17becf", "#8c564b", "#bcbd22", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

    /// <summary>One line: its legend name and its (x, y) points in x order.</summary>
    internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

    /// <summary>The chart as SVG text; <paramref name="yMin"/>/<paramref name="yMax"/> fix the y range (null: from the data).</summary>
    public static string Render(string title, string xTitle, string yTitle, IReadOnlyList<Series> series, double? yMin = null, double? yMax = null)
    {
        const int width = 720, height = 400, left = 64, right = 200, top = 36, bottom = 48;
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        if (all.Count == 0) throw new ArgumentException("SvgLineChart: no finite points to draw.", nameof(series));
        double x0 = all.Min(p => p.X), x1 = all.Max(p => p.X);
        double y0 = yMin ?? all.Min(p => p.Y), y1 = yMax ?? all.Max(p => p.Y);
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) { y0 -= 0.5; y1 += 0.5; }
        double plotW = width - left - right, plotH = height - top - bottom;
        double Px(double x) => left + (x - x0) / (x1 - x0) * plotW;
        double Py(double y) => top + (1 - (y - y0) / (y1 - y0)) * plotH;
        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        sb.Append(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        sb.Append(F($"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Esc(title)}</text>\n"));
        for (int i = 0; i <= 5; i++)
        {
            double y = y0 + (y1 - y0) * i / 5, x = x0 + (x1 - x0) * i / 5;
            sb.Append(F($"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{Py(y):F1}\" y2=\"{Py(y):F1}\" stroke=\"#ddd\"/>"));
            sb.Append(F($"<text x=\"{left - 6}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{y:0.###}</text>"));
            sb.Append(F($"<text x=\"{Px(x):F1}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{x:0.#}</text>\n"));
        }
        sb.Append(F($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>\n"));
        sb.Append(F($"<text x=\"{left + plotW / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{Esc(xTitle)}</text>\n"));
        sb.Append(F($"<text transform=\"translate(16 {top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yTitle)}</text>\n"));
        for (int s = 0; s < series.Count; s++)
        {
            string color = Palette[s % Palette.Length], dash = series[s].Dashed ? " stroke-dasharray=\"6 4\"" : "";
            var pts = series[s].Points.Where(p => double.IsFinite(p.Y)).Select(p => F($"{Px(p.X):F1},{Py(p.Y):F1}"));
            sb.Append(F($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash} points=\"")).Append(string.Join(' ', pts)).Append("\"/>\n");
            double ly = top + 14 + s * 18;
            sb.Append(F($"<line x1=\"{left + plotW + 12}\" x2=\"{left + plotW + 36}\" y1=\"{ly - 4}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/>"));
            sb.Append(F($"<text x=\"{left + plotW + 42}\" y=\"{ly}\">{Esc(series[s].Name)}</text>\n"));
        }
        return sb.Append("</svg>\n").ToString();
    }

    static string Esc(string s) => WebUtility.HtmlEncode(s);

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
