using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

using Blend.Interactive;

namespace Blend.Cli.Repro;

/// <summary>
/// Charts of the reward-hacking experiment (PPO against CGPO on a proxy reward with planted flaws): the proxy, the judged
/// score (what the task wants) and the KL to the SFT policy on held-out prompts against the RL step, one line per arm and
/// task (mean over seeds). PPO is drawn in pink, CRPG in cyan, other arms in the shared palette.
/// </summary>
public static class HackingCharts
{
    /// <summary>Colour of the PPO arm.</summary>
    internal const string PpoColor = "#e377c2";

    /// <summary>Colour of the CRPG arm.</summary>
    internal const string CrpgColor = "#17becf";

    static readonly string[] Others = ["#8c564b", "#bcbd22", "#7f7f7f", "#9467bd"];

    /// <summary>The proxy reward (what PPO maximises) against step.</summary>
    public static GenericChart Proxy(RewardHackingResult result) =>
        Metric(result, p => p.Proxy, "Proxy reward (with the planted flaws) on held-out prompts", "proxy reward", rate: false);

    /// <summary>The judged score (the pass rate of the task's judges: what the task really wants) against step.</summary>
    public static GenericChart JudgedScore(RewardHackingResult result) =>
        Metric(result, p => p.TrueScore, "Judged score (pass rate of the task's judges) on held-out prompts", "judged pass rate", rate: true);

    /// <summary>KL to the SFT policy against step: the k3 estimate (solid, never negative) and the raw log-ratio k1 (dotted).</summary>
    public static GenericChart Kl(RewardHackingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var charts = Lines(result, p => p.KlK3, " · KL k3", StyleParam.DrawingStyle.Solid)
            .Concat(Lines(result, p => p.Kl, " · log-ratio k1", StyleParam.DrawingStyle.Dot)).ToList();
        return Layouts.Apply(CSharpChart.Combine(charts), "KL to the SFT policy on held-out samples (nats per response)", "RL step", "KL (nats)",
            integerX: MaxStep(result));
    }

    static GenericChart Metric(RewardHackingResult result, Func<HackingPoint, double> metric, string title, string yTitle, bool rate)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Layouts.Apply(CSharpChart.Combine(Lines(result, metric, "", StyleParam.DrawingStyle.Solid)), title, "RL step", yTitle, yRange: rate, integerX: MaxStep(result));
    }

    static IEnumerable<GenericChart> Lines(RewardHackingResult result, Func<HackingPoint, double> metric, string suffix, StyleParam.DrawingStyle dash)
    {
        var dashes = new[] { StyleParam.DrawingStyle.Solid, StyleParam.DrawingStyle.Dash, StyleParam.DrawingStyle.DashDot, StyleParam.DrawingStyle.LongDash };
        int other = 0;
        foreach (var arm in result.Arms)
        {
            string color = arm switch { "ppo" => PpoColor, "crpg" => CrpgColor, _ => Others[other++ % Others.Length] };
            for (int t = 0; t < result.Tasks.Count; t++)
            {
                var task = result.Tasks[t];
                var steps = result.Steps.Where(s => result.At(arm, task, s).Count > 0).ToList();
                var style = dash == StyleParam.DrawingStyle.Solid ? dashes[t % dashes.Length] : dash;
                yield return CSharpChart.Line<int, double, string>(steps, steps.Select(s => result.Stat(arm, task, s, metric).Mean),
                    Name: $"{Label(arm)} · {task}{suffix}", ShowMarkers: true, LineColor: Color.fromString(color), LineDash: style, LineWidth: 3);
            }
        }
    }

    static string Label(string arm) => arm switch { "ppo" => "PPO", "crpg" => "CRPG (CGPO)", _ => arm };

    static int MaxStep(RewardHackingResult result) => Math.Max(1, result.Steps.DefaultIfEmpty(1).Max());
}
