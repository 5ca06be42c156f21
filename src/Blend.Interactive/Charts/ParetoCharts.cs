using System.Globalization;
using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Blend.Interactive;

/// <summary>
/// Charts of rewarded soups (Ramé et al. 2023): the Pareto front of the interpolated soups with the experts and,
/// optionally, the MORL baseline; rewards against λ. The first two objectives are plotted.
/// </summary>
public static class ParetoCharts
{
    /// <summary>
    /// Every soup as a point (λ on hover), the non-dominated soups joined as the front line, the MORL baseline's points and
    /// front when given, the shared start (e.g. the SFT policy) when given, and the experts (λ at a vertex) as large stars
    /// drawn last, so no other marker hides them.
    /// </summary>
    /// <param name="sweep">The soup sweep.</param>
    /// <param name="morl">The MORL baseline, or null.</param>
    /// <param name="start">The rewards of the policy the experts were fine-tuned from, or null.</param>
    /// <param name="startName">The start's legend name.</param>
    public static GenericChart Front(SoupSweep sweep, MorlBaseline? morl = null, IReadOnlyList<double>? start = null, string startName = "SFT start")
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (sweep.Objectives.Count < 2) throw new ArgumentException($"a front needs two objectives; the sweep has {sweep.Objectives.Count}.", nameof(sweep));
        if (start is not null && start.Count < 2) throw new ArgumentException($"the start point has {start.Count} rewards; it needs one per objective.", nameof(start));
        string x = sweep.Objectives[0], y = sweep.Objectives[1];
        var charts = new List<GenericChart>
        {
            Points(sweep.Points, $"soups ({sweep.Method}{(sweep.Parameter is null ? "" : " over " + sweep.Parameter)})", SoupColor, StyleParam.MarkerSymbol.Circle, null, 9),
        };
        var front = sweep.FrontPoints.OrderBy(p => p.Rewards[0]).ToList();
        charts.Add(CSharpChart.Line<double, double, string>(front.Select(p => p.Rewards[0]), front.Select(p => p.Rewards[1]), Name: "rewarded-soup front",
            ShowMarkers: true, LineColor: Color.fromString(FrontColor), MultiText: front.Select(p => p.Label).ToArray()));
        var values = sweep.Points.SelectMany(p => p.Rewards.Take(2)).ToList();
        if (morl is not null)
        {
            charts.Add(Points(morl.Points, "MORL (one run per μ)", MorlColor, StyleParam.MarkerSymbol.Diamond, "μ=", 11));
            var mf = morl.Front.Indices.Select(i => morl.Points[i]).OrderBy(p => p.Rewards[0]).ToList();
            charts.Add(CSharpChart.Line<double, double, string>(mf.Select(p => p.Rewards[0]), mf.Select(p => p.Rewards[1]), Name: "MORL front",
                LineColor: Color.fromString(MorlColor), LineDash: StyleParam.DrawingStyle.Dash));
            values.AddRange(morl.Points.SelectMany(p => p.Rewards.Take(2)));
        }
        if (start is not null)
        {
            charts.Add(Layouts.MarkerSize(CSharpChart.Point<double, double, string>(new[] { start[0] }, new[] { start[1] }, Name: startName, MultiText: new[] { startName },
                MarkerColor: Color.fromString(StartColor), MarkerSymbol: StyleParam.MarkerSymbol.Square), 14));
            values.AddRange(start.Take(2));
        }
        var experts = sweep.ExpertPoints;
        values.AddRange(experts.SelectMany(p => p.Rewards.Take(2)));
        if (experts.Count > 0)
            charts.Add(Layouts.MarkerSize(CSharpChart.Point<double, double, string>(experts.Select(p => p.Rewards[0]), experts.Select(p => p.Rewards[1]), Name: "experts",
                MultiText: experts.Select(p => sweep.Experts[p.Lambda.ToList().FindIndex(l => l > 0.999)]).ToArray(),
                MarkerColor: Color.fromString(ExpertColor), MarkerSymbol: StyleParam.MarkerSymbol.Star), 20));
        var title = string.Create(CultureInfo.InvariantCulture, $"Pareto front: {x} vs {y} · hypervolume {sweep.Hypervolume:G4}{(sweep.Parameter is null || double.IsNaN(sweep.ExpertsHypervolume) ? "" : $" (experts alone {sweep.ExpertsHypervolume:G4})")} · {sweep.Front.Count} of {sweep.Points.Count} soups non-dominated");
        bool rates = values.All(v => v >= 0 && v <= 1);
        return Layouts.Apply(CSharpChart.Combine(charts), title, x + " reward", y + " reward", yRange: rates, xRate: rates, height: 560);
    }

    /// <summary>Colour of the soups' points.</summary>
    internal const string SoupColor = "#9ecae1";

    /// <summary>Colour of the rewarded-soup front line.</summary>
    internal const string FrontColor = "#1f77b4";

    /// <summary>Colour of the experts' stars.</summary>
    internal const string ExpertColor = "#d62728";

    /// <summary>Colour of the MORL points and front.</summary>
    internal const string MorlColor = "#ff7f0e";

    /// <summary>Colour of the start policy's square.</summary>
    internal const string StartColor = "#9467bd";

    /// <summary>Each objective's reward against λ (the weight of the first expert), for a two-expert sweep.</summary>
    public static GenericChart Lambda(SoupSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var points = sweep.Points.OrderBy(p => p.Lambda[0]).ToList();
        var charts = sweep.Objectives.Select((o, k) => CSharpChart.Line<double, double, string>(
            points.Select(p => p.Lambda[0]), points.Select(p => p.Rewards[k]), Name: o, ShowMarkers: true)).ToList();
        return Layouts.Apply(CSharpChart.Combine(charts), $"Rewards along the interpolation (λ = weight of {sweep.Experts[0]})", "λ (weight of " + sweep.Experts[0] + ")", "reward", xRate: true);
    }

    // lambdaLabel: the weight's symbol before each point's λ (μ for MORL), or null for the point's own SoupPoint.Label.
    static GenericChart Points(IReadOnlyList<SoupPoint> points, string name, string color, StyleParam.MarkerSymbol symbol, string? lambdaLabel, int size) =>
        Layouts.MarkerSize(CSharpChart.Point<double, double, string>(points.Select(p => p.Rewards[0]), points.Select(p => p.Rewards[1]), Name: name,
            MultiText: points.Select(p => lambdaLabel is null ? p.Label : lambdaLabel + p.LambdaText).ToArray(), MarkerColor: Color.fromString(color), MarkerSymbol: symbol), size);
}
