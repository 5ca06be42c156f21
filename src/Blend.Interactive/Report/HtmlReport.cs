using System.Net;
using System.Text;

namespace Blend.Interactive;

/// <summary>
/// A self-contained HTML report: sections of HTML fragments (from Blend's formatters) in one page with inline styles
/// and, when any section holds a chart, plotly.js embedded once. Nothing is loaded from the network.
/// </summary>
public sealed class HtmlReport
{
    readonly List<(string Title, string Html)> _sections = [];

    /// <summary>
    /// Appends a section that opens with a one-sentence <paramref name="lead"/> (what was measured and how it came out) and
    /// any warning <paramref name="flags"/>, then the HTML fragment.
    /// </summary>
    public HtmlReport Add(string title, string html, string? lead, IEnumerable<string>? flags = null)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(lead)) sb.Append("<p class=\"lead\">").Append(WebUtility.HtmlEncode(lead)).Append("</p>\n");
        var list = flags?.ToList() ?? [];
        if (list.Count > 0)
        {
            sb.Append("<div class=\"flags\"><b>Sanity flags:</b><ul>");
            foreach (var f in list) sb.Append("<li>").Append(WebUtility.HtmlEncode(f)).Append("</li>");
            sb.Append("</ul></div>\n");
        }
        return Add(title, sb.Append(html).ToString());
    }

    /// <summary>Creates an empty report with a page title.</summary>
    public HtmlReport(string title) => Title = title;

    /// <summary>The page title.</summary>
    public string Title { get; }

    /// <summary>The section titles, in order.</summary>
    public IReadOnlyList<string> Sections => _sections.ConvertAll(s => s.Title);

    /// <summary>Appends a section made of an HTML fragment.</summary>
    public HtmlReport Add(string title, string html)
    {
        _sections.Add((title, html));
        return this;
    }

    /// <summary>Appends a section holding preformatted text.</summary>
    public HtmlReport AddText(string title, string text) => Add(title, "<pre>" + WebUtility.HtmlEncode(text) + "</pre>");

    /// <summary>Renders the whole page.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
          .Append(WebUtility.HtmlEncode(Title)).Append("</title>\n<style>").Append(Css.Page).Append("</style>\n");
        if (_sections.Exists(s => s.Html.Contains(PlotlyEmbed.Marker, StringComparison.Ordinal)))
            sb.Append("<script>").Append(PlotlyEmbed.Script).Append("</script>\n");
        sb.Append("</head><body>\n<h1>").Append(WebUtility.HtmlEncode(Title)).Append("</h1>\n<nav><ol>");
        for (int i = 0; i < _sections.Count; i++)
            sb.Append("<li><a href=\"#s").Append(i).Append("\">").Append(WebUtility.HtmlEncode(_sections[i].Title)).Append("</a></li>");
        sb.Append("</ol></nav>\n");
        for (int i = 0; i < _sections.Count; i++)
            sb.Append("<section id=\"s").Append(i).Append("\"><h2>").Append(WebUtility.HtmlEncode(_sections[i].Title))
              .Append("</h2>\n").Append(_sections[i].Html).Append("\n</section>\n");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToHtml());
}
