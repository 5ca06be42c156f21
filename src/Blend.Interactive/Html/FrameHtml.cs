using System.Globalization;
using System.Text;
using Deedle;

namespace Blend.Interactive;

/// <summary>Deedle frames as HTML tables (capped rows, numbers right-aligned, missing values as –).</summary>
public static class FrameHtml
{
    /// <summary>How many rows a frame shows by default (head and tail halves).</summary>
    public const int DefaultMaxRows = 20;

    /// <summary>A frame as a table of at most <paramref name="maxRows"/> rows (the first and last halves when longer).</summary>
    public static string Table<TRow, TColumn>(Frame<TRow, TColumn> frame, int maxRows = DefaultMaxRows)
        where TRow : notnull where TColumn : notnull
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = frame.ColumnKeys.ToList();
        var rows = frame.RowKeys.ToList();
        var series = columns.Select(c => frame.GetColumn<object>(c)).ToList();
        var sb = new StringBuilder("<div class=\"muted\">Frame: ").Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append(" rows × ")
            .Append(columns.Count.ToString(CultureInfo.InvariantCulture)).Append(" columns</div><table><thead><tr><th></th>");
        foreach (var c in columns) sb.Append("<th>").Append(HtmlText.Encode(Convert.ToString(c, CultureInfo.InvariantCulture))).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        IEnumerable<int> shown = rows.Count <= maxRows ? Enumerable.Range(0, rows.Count)
            : Enumerable.Range(0, maxRows / 2).Concat([-1]).Concat(Enumerable.Range(rows.Count - maxRows / 2, maxRows / 2));
        foreach (int i in shown)
        {
            if (i < 0)
            {
                sb.Append("<tr><td class=\"muted\" colspan=\"").Append((columns.Count + 1).ToString(CultureInfo.InvariantCulture)).Append("\">… ")
                  .Append((rows.Count - maxRows / 2 * 2).ToString(CultureInfo.InvariantCulture)).Append(" more rows …</td></tr>");
                continue;
            }
            sb.Append("<tr><th>").Append(HtmlText.Encode(Convert.ToString(rows[i], CultureInfo.InvariantCulture))).Append("</th>");
            foreach (var s in series)
            {
                var v = s.TryGet(rows[i]);
                sb.Append(Cell(v.HasValue ? v.Value : null));
            }
            sb.Append("</tr>");
        }
        return HtmlText.Block(sb.Append("</tbody></table>").ToString());
    }

    static string Cell(object? value) => value switch
    {
        null => "<td class=\"muted\">–</td>",
        double d => HtmlText.NumCell(d, "0.####"),
        float f => HtmlText.NumCell(f, "0.####"),
        int or long or short => "<td class=\"num\">" + Convert.ToString(value, CultureInfo.InvariantCulture) + "</td>",
        string s when s is "pass" or "fail" or "error" => "<td class=\"" + s + "\">" + s + "</td>",
        _ => "<td>" + HtmlText.Clip(Convert.ToString(value, CultureInfo.InvariantCulture), 200) + "</td>",
    };

    /// <summary>
    /// A frame as short plain text (what a console or a notebook's text/plain shows): the shape, then at most
    /// <paramref name="maxRows"/> rows (first and last halves) in aligned columns, values clipped to 24 characters.
    /// </summary>
    public static string Text<TRow, TColumn>(Frame<TRow, TColumn> frame, int maxRows = 10)
        where TRow : notnull where TColumn : notnull
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = frame.ColumnKeys.ToList();
        var rows = frame.RowKeys.ToList();
        var series = columns.Select(c => frame.GetColumn<object>(c)).ToList();
        IEnumerable<int> shown = rows.Count <= maxRows ? Enumerable.Range(0, rows.Count)
            : Enumerable.Range(0, maxRows / 2).Concat([-1]).Concat(Enumerable.Range(rows.Count - maxRows / 2, maxRows / 2));
        var table = new List<string[]> { new[] { "" }.Concat(columns.Select(c => TextCell(c))).ToArray() };
        foreach (int i in shown)
            table.Add(i < 0 ? [.. Enumerable.Repeat("…", columns.Count + 1)]
                : [TextCell(rows[i]), .. series.Select(s => { var v = s.TryGet(rows[i]); return v.HasValue ? TextCell(v.Value) : "–"; })]);
        var widths = Enumerable.Range(0, columns.Count + 1).Select(j => table.Max(r => r[j].Length)).ToArray();
        var sb = new StringBuilder("Frame: ").Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append(" rows × ")
            .Append(columns.Count.ToString(CultureInfo.InvariantCulture)).Append(" columns");
        foreach (var r in table) sb.Append('\n').Append(string.Join("  ", r.Select((c, j) => c.PadRight(widths[j]))).TrimEnd());
        return sb.ToString();
    }

    static string TextCell(object? value)
    {
        string text = value switch
        {
            null => "–",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            float f => f.ToString("0.####", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 24 ? text : text[..23] + "…";
    }

    /// <summary>Formats any closed <c>Frame&lt;R,C&gt;</c> given as object (what the open-generic formatter calls).</summary>
    internal static string Any(object frame) => Invoke(nameof(Table), frame, DefaultMaxRows);

    /// <summary>The plain-text counterpart of <see cref="Any"/>.</summary>
    internal static string AnyText(object frame) => Invoke(nameof(Text), frame, 10);

    static string Invoke(string name, object frame, int maxRows)
    {
        var method = typeof(FrameHtml).GetMethod(name)!.MakeGenericMethod(frame.GetType().GetGenericArguments());
        return (string)method.Invoke(null, [frame, maxRows])!;
    }
}
