using Blend.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET.CSharp;

namespace Blend.Tests.Interactive;

[Collection("Formatter")]
public sealed class BlendFormattersTests : IDisposable
{
    public BlendFormattersTests()
    {
        Formatter.ResetToDefault();
        BlendFormatters.Register();
    }

    public void Dispose() => Formatter.ResetToDefault();

    [Fact]
    public void Register_is_idempotent_and_survives_a_reset()
    {
        BlendFormatters.Register();
        BlendFormatters.Register();
        var html = Verdict.Fail("math", "wrong answer").ToDisplayString("text/html");
        Assert.Equal(1, CountOf(html, "class=\"blend\""));
        Formatter.ResetToDefault();
        Assert.DoesNotContain("class=\"blend\"", Verdict.Fail("math").ToDisplayString("text/html"), StringComparison.Ordinal);
        BlendFormatters.Register();
        Assert.Contains("class=\"blend\"", Verdict.Fail("math").ToDisplayString("text/html"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deedle_frame_gets_a_short_aligned_text_plain_not_a_recursive_dump()
    {
        var small = Deedle.Frame.FromRecords(new[] { new { Task = "math", Pass = 0.5 }, new { Task = "chat", Pass = 1.0 } });
        Assert.Equal("Frame: 2 rows × 2 columns\n   Task  Pass\n0  math  0.5\n1  chat  1", small.ToDisplayString("text/plain"));
        var big = Deedle.Frame.FromRecords(Enumerable.Range(0, 5000).Select(i => new { A = i, B = i * 0.25, C = new string('x', 100) }));
        var text = big.ToDisplayString("text/plain");
        Assert.StartsWith("Frame: 5000 rows × 3 columns\n", text, StringComparison.Ordinal);
        Assert.Equal(1 + 1 + 10 + 1, text.Split('\n').Length); // shape, header, 5 + 5 rows, one … row
        Assert.Contains("4999  4999  1249.75  xxxxxxxxxxxxxxxxxxxxxxx…", text, StringComparison.Ordinal);
        Assert.True(text.Length < 1000, text);
    }

    [Fact]
    public void A_batch_of_verdicts_renders_a_coloured_table_with_pass_rates()
    {
        IReadOnlyList<Verdict> verdicts = [Verdict.Pass("math"), Verdict.Fail("math", "expected 4, got 5"), Verdict.Error("json", "timeout"), Verdict.Pass("json")];
        var html = verdicts.ToDisplayString("text/html");
        Assert.Contains("<td class=\"pass\">pass</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"fail\">fail</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"error\">error</td>", html, StringComparison.Ordinal);
        Assert.Contains("expected 4, got 5", html, StringComparison.Ordinal);
        Assert.Contains("50%", html, StringComparison.Ordinal); // math: 1 of 2
        var text = verdicts.ToDisplayString("text/plain");
        Assert.Contains("math", text, StringComparison.Ordinal);
        Assert.Contains("pass=   50%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_html_encodes_the_response()
    {
        var html = new Sample("chat", "Say hi", "<script>alert(1)</script>").ToDisplayString("text/html");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plotly_chart_renders_offline_with_plotly_js_once_per_process()
    {
        PlotlyEmbed.ResetOnce();
        var chart = Chart.Line<int, int, string>(x: new[] { 1, 2, 3 }, y: new[] { 2, 4, 3 });
        var first = chart.ToDisplayString("text/html");
        var second = chart.ToDisplayString("text/html");
        Assert.Contains("class=\"blend-plotly-chart\"", first, StringComparison.Ordinal);
        Assert.Contains("Plotly.newPlot(", first, StringComparison.Ordinal);
        Assert.True(first.Length > 1_000_000, "the first chart carries plotly.js");
        Assert.True(second.Length < 100_000, "later charts do not repeat plotly.js");
        var ours = first.Replace(PlotlyEmbed.Script, "", StringComparison.Ordinal); // plotly.js itself names its CDN in defaults
        Assert.DoesNotContain("cdn.plot.ly", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src=", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("require.config", second, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartHtml_fragments_carry_data_and_unique_ids()
    {
        var chart = Chart.Point<double, double, string>(x: new[] { 0.5 }, y: new[] { 0.25 }, Name: "soup");
        var a = ChartHtml.Fragment(chart);
        var b = ChartHtml.Fragment(chart);
        Assert.Contains("\"name\":\"soup\"", a, StringComparison.Ordinal);
        Assert.Contains("0.25", a, StringComparison.Ordinal);
        Assert.NotEqual(Id(a), Id(b));
        Assert.DoesNotContain("http://", a.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    static string Id(string fragment)
    {
        int at = fragment.IndexOf("id=\"", StringComparison.Ordinal) + 4;
        return fragment[at..fragment.IndexOf('"', at)];
    }

    static int CountOf(string text, string needle)
    {
        int n = 0;
        for (int at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
