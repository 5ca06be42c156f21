using Blend.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace Blend.Tests.Interactive;

[Collection("Formatter")]
public sealed class TrainingAndSoupHtmlTests : IDisposable
{
    public TrainingAndSoupHtmlTests()
    {
        Formatter.ResetToDefault();
        BlendFormatters.Register();
    }

    public void Dispose() => Formatter.ResetToDefault();

    [Fact]
    public void Step_metrics_render_the_training_overview_chart_and_the_last_step_per_task()
    {
        var html = ResultFixtures.Steps().ToDisplayString("text/html");
        Assert.Contains("blend-plotly-chart", html, StringComparison.Ordinal);
        Assert.Contains("CGPO training run · 12 steps", html, StringComparison.Ordinal);
        Assert.Contains("math (crpg)", html, StringComparison.Ordinal);
        Assert.Contains("chat (codpo)", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">1.2</td>", html, StringComparison.Ordinal); // math reward at step 12
        Assert.Contains("false-refusal 85%", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_charts_plot_every_task_and_judge()
    {
        var steps = ResultFixtures.Steps(5);
        var rewards = ChartHtml.Json(TrainingCharts.Rewards(steps));
        Assert.Contains("\"name\":\"math (crpg) · reward\"", rewards, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"chat (codpo) · calibrated\"", rewards, StringComparison.Ordinal);
        var pass = ChartHtml.Json(TrainingCharts.PassRates(steps));
        Assert.Contains("chat · no-url", pass, StringComparison.Ordinal);
        Assert.Contains("math · all judges", pass, StringComparison.Ordinal);
        Assert.Contains("\"update\"", ChartHtml.Json(TrainingCharts.Timings(steps)), StringComparison.Ordinal);
        Assert.Contains("KL", ChartHtml.Json(TrainingCharts.KlAndLength(steps)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_updates_chart_plots_clip_fraction_and_approximate_kl_per_task()
    {
        var steps = ResultFixtures.Steps(5).Select(m => m.Task == "math" ? m with { ClipFraction = 0.125 * m.Step, ApproxKl = 0.0625 * m.Step, Updates = 4 } : m).ToList();
        var json = ChartHtml.Json(TrainingCharts.Updates(steps));
        Assert.Contains("clip fraction (tokens the clip cut)", json, StringComparison.Ordinal);
        Assert.Contains("approximate KL(π_old ‖ π_w) per token (nats)", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"math (crpg)\"", json, StringComparison.Ordinal);
        Assert.Contains("[0.125,0.25,0.375,0.5,0.625]", json, StringComparison.Ordinal);
        Assert.Contains("[0.0625,0.125,0.1875,0.25,0.3125]", json, StringComparison.Ordinal);
        // the step-metrics display adds it only when some step made several updates
        Assert.Contains("Updates per step", steps.ToDisplayString("text/html"), StringComparison.Ordinal);
        Assert.DoesNotContain("Updates per step", ResultFixtures.Steps(5).ToDisplayString("text/html"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_soup_sweep_renders_the_front_with_lambda_on_hover_and_marks_dominated_soups()
    {
        var sweep = ResultFixtures.Sweep();
        Assert.Equal(10, sweep.Front.Count); // λ=0.3 is dominated
        var html = sweep.ToDisplayString("text/html");
        Assert.Contains("blend-plotly-chart", html, StringComparison.Ordinal);
        Assert.Contains("rewarded-soup front", html, StringComparison.Ordinal);
        Assert.Contains("λ=(0.7, 0.3)", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<td class=\"muted\">dominated</td>").Length - 1);
        Assert.Contains("\"experts\"", ChartHtml.Json(ParetoCharts.Front(sweep)), StringComparison.Ordinal);
        var text = sweep.ToDisplayString("text/plain");
        Assert.Contains("front λ=(1, 0)", text, StringComparison.Ordinal);
    }
}
