using System.Text.RegularExpressions;
using Blend.Interactive;
using Blend.Tests.Interactive;

namespace Blend.Tests.Cli;

/// <summary>Checks on the HTML reports commands write: a complete offline page, and plotly's charts drawn by a real browser.</summary>
internal static partial class ReportAssert
{
    [GeneratedRegex("""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteResource();

    /// <summary>A complete page that loads nothing from the network; with <paramref name="plotly"/>, plotly.js is inlined once.</summary>
    public static void Offline(string html, bool plotly)
    {
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(RemoteResource(), html);
        int copies = html.Split(PlotlyEmbed.Script).Length - 1;
        Assert.Equal(plotly ? 1 : 0, copies);
        // Outside plotly.js itself (whose defaults name its CDN for map tiles Blend never draws), no address at all.
        var own = html.Replace(PlotlyEmbed.Script, "", StringComparison.Ordinal);
        Assert.DoesNotContain("url(http", own, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("https?://", RegexOptions.IgnoreCase), own);
    }

    /// <summary>
    /// Opens the report in headless chromium with the network cut off and returns how many of its chart divs plotly drew
    /// (an SVG inside); the same page without plotly.js is the control and must draw none.
    /// </summary>
    public static int ChartsDrawn(string reportPath) => ChartsDrawn(reportPath, out _);

    /// <summary>As <see cref="ChartsDrawn(string)"/>, also giving the DOM chromium rendered.</summary>
    public static int ChartsDrawn(string reportPath, out string dom)
    {
        if (HeadlessChromium.Executable is null) Assert.Fail("chromium is not installed (Debian package 'chromium', in .ci/apt-packages.txt)");
        var html = File.ReadAllText(reportPath);
        var control = Path.Combine(Path.GetDirectoryName(reportPath)!, "control-" + Path.GetFileName(reportPath));
        File.WriteAllText(control, html.Replace(PlotlyEmbed.Script, "", StringComparison.Ordinal));
        try
        {
            Assert.Equal(0, Drawn(HeadlessChromium.DumpDom(control)));
            dom = HeadlessChromium.DumpDom(reportPath);
            return Drawn(dom);
        }
        finally { File.Delete(control); }
    }

    // Plotly marks a div it drew with the class js-plotly-plot and puts its traces in <svg class="main-svg"> inside.
    static int Drawn(string dom)
    {
        int divs = Regex.Matches(dom, "<div class=\"" + PlotlyEmbed.Marker + " js-plotly-plot\"").Count;
        Assert.True(Regex.Matches(dom, "<svg[^>]*class=\"main-svg\"").Count >= divs, "a drawn chart without its SVG");
        return divs;
    }
}
