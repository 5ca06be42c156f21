using System.Globalization;
using System.Net;
using System.Text;

namespace Blend.Interactive;

/// <summary>Small HTML building blocks shared by Blend's formatters (encoding, numbers, badges, bars, tables).</summary>
internal static class HtmlText
{
    /// <summary>Wraps a fragment in Blend's scoped stylesheet.</summary>
    public static string Block(string inner) => "<div class=\"blend\"><style>" + Css.Blend + "</style>" + inner + "</div>";

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Encodes and cuts long text to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Clip(string? text, int max = 240)
    {
        text ??= "";
        return Encode(text.Length <= max ? text : text[..max] + "…");
    }

    public static string Num(double value, string format = "0.###") =>
        double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string OutcomeClass(VerdictOutcome outcome) => outcome switch
    {
        VerdictOutcome.Pass => "pass",
        VerdictOutcome.Fail => "fail",
        VerdictOutcome.Unjudged => "muted",
        _ => "error",
    };

    public static string Badge(string text, string cssClass, string? title = null) =>
        "<span class=\"badge " + cssClass + "\"" + (string.IsNullOrEmpty(title) ? "" : " title=\"" + Encode(title) + "\"") + ">" + Encode(text) + "</span>";

    /// <summary>A horizontal bar <paramref name="fraction"/> of <paramref name="width"/> pixels wide (clamped to 0..1).</summary>
    public static string Bar(double fraction, int width = 120, string? color = null)
    {
        double f = double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1);
        return "<span class=\"bar\" style=\"width:" + ((int)Math.Round(f * width)).ToString(CultureInfo.InvariantCulture) + "px"
               + (color is null ? "" : ";background:" + color) + "\"></span>";
    }

    /// <summary>A table with a header row; cells are already HTML; rows beyond <paramref name="maxRows"/> are summarized.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int maxRows = 50)
    {
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var h in header) sb.Append("<th>").Append(Encode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        int n = 0, shown = 0;
        foreach (var row in rows)
        {
            n++;
            if (shown >= maxRows) continue;
            shown++;
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append(cell.StartsWith("<td", StringComparison.Ordinal) ? cell : "<td>" + cell + "</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (n > shown)
            sb.Append("<div class=\"muted\">").Append(shown.ToString(CultureInfo.InvariantCulture)).Append(" of ")
              .Append(n.ToString(CultureInfo.InvariantCulture)).Append(" rows shown</div>");
        return sb.ToString();
    }

    public static string NumCell(double value, string format = "0.###") => "<td class=\"num\">" + Num(value, format) + "</td>";
}
