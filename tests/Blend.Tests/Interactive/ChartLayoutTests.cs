using System.Text.Json.Nodes;
using Blend.Cli.Repro;
using Blend.Interactive;
using Plotly.NET;

namespace Blend.Tests.Interactive;

/// <summary>Every chart has axis titles and readable ticks: whole numbers on step axes, [0, 1] on rate axes.</summary>
public sealed class ChartLayoutTests
{
    static JsonObject Layout(GenericChart chart) => JsonNode.Parse(ChartHtml.Json(chart))!["layout"]!.AsObject();

    static string Title(JsonObject layout, string axis) => layout[axis]?["title"]?["text"]?.GetValue<string>() ?? "";

    static RewardHackingResult Hacking()
    {
        var points = new List<HackingPoint>();
        foreach (var arm in new[] { "ppo", "crpg" })
            foreach (var task in new[] { "chat", "safety" })
                for (int step = 0; step <= 30; step += 10)
                    points.Add(new HackingPoint(arm, 1, step, task) { Proxy = 2 + step / 100.0, TrueScore = arm == "ppo" ? 0.9 - step / 100.0 : 0.9, Kl = -0.01, KlK3 = step / 10.0 });
        return new RewardHackingResult(points, new RewardHackingOptions());
    }

    public static TheoryData<string> Charts() => ["rewards", "pass", "kl", "loss-free", "front", "lambda", "proxy", "judged", "hacking-kl"];

    static GenericChart Make(string name) => name switch
    {
        "rewards" => TrainingCharts.Rewards(ResultFixtures.Steps(5)),
        "pass" => TrainingCharts.PassRates(ResultFixtures.Steps(5)),
        "kl" => TrainingCharts.KlAndLength(ResultFixtures.Steps(5)),
        "loss-free" => TrainingCharts.Timings(ResultFixtures.Steps(5)),
        "front" => ParetoCharts.Front(ResultFixtures.Sweep(), start: [0.3, 0.2]),
        "lambda" => ParetoCharts.Lambda(ResultFixtures.Sweep()),
        "proxy" => HackingCharts.Proxy(Hacking()),
        "judged" => HackingCharts.JudgedScore(Hacking()),
        _ => HackingCharts.Kl(Hacking()),
    };

    [Theory]
    [MemberData(nameof(Charts))]
    public void Every_chart_titles_both_axes(string name)
    {
        var layout = Layout(Make(name));
        Assert.False(string.IsNullOrWhiteSpace(Title(layout, "xaxis")), name + ": no x-axis title");
        Assert.False(string.IsNullOrWhiteSpace(Title(layout, "yaxis")), name + ": no y-axis title");
        Assert.False(string.IsNullOrWhiteSpace(layout["title"]?["text"]?.GetValue<string>()), name + ": no title");
    }

    [Fact]
    public void Step_axes_tick_on_whole_numbers_and_rate_axes_span_zero_to_one()
    {
        // 5 steps: without a fixed tick the axis shows 1.5, 2.5, …
        var rewards = Layout(TrainingCharts.Rewards(ResultFixtures.Steps(5)))["xaxis"]!;
        Assert.Equal("linear", rewards["tickmode"]!.GetValue<string>());
        Assert.Equal(1, rewards["dtick"]!.GetValue<int>());
        Assert.Equal(5, Layout(HackingCharts.Proxy(Hacking()))["xaxis"]!["dtick"]!.GetValue<int>());   // steps 0..30
        var pass = Layout(TrainingCharts.PassRates(ResultFixtures.Steps(5)))["yaxis"]!;
        Assert.Equal([-0.02, 1.02], pass["range"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(0.2, pass["dtick"]!.GetValue<double>(), 9);
        Assert.Equal([1, 1, 1, 2, 5, 5, 10, 20, 50], new[] { 1, 5, 8, 9, 17, 40, 41, 100, 300 }.Select(Layouts.NiceStep));
    }

    [Fact]
    public void The_front_draws_the_start_and_keeps_the_experts_on_top_with_their_colour_and_size()
    {
        var data = JsonNode.Parse(ChartHtml.Json(ParetoCharts.Front(ResultFixtures.Sweep(), start: [0.3, 0.2])))!["data"]!.AsArray();
        var names = data.Select(t => t!["name"]?.GetValue<string>()).ToList();
        Assert.Equal("experts", names[^1]);                      // drawn last: nothing hides the stars
        var start = data[names.IndexOf("SFT start")]!;
        Assert.Equal(0.3, start["x"]![0]!.GetValue<double>());
        var experts = data[^1]!["marker"]!;
        Assert.Equal(20, experts["size"]!.GetValue<int>());
        Assert.Equal("#d62728", experts["color"]!.GetValue<string>().ToLowerInvariant());
        Assert.Contains(experts["symbol"]!.ToString(), new[] { "star", "17" });   // Plotly.NET writes the symbol code
    }
}
