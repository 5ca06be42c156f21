using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.LayoutObjects;
using FChart = Plotly.NET.Chart;

namespace Blend.Interactive;

/// <summary>
/// Shared layout for Blend's charts: title, axis titles, readable ticks (integer steps, rates in [0, 1]), a horizontal
/// legend below, size. Every chart of Blend.Interactive goes through <see cref="Apply"/>.
/// </summary>
internal static class Layouts
{
    /// <summary>Applies the shared layout.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xTitle">The x-axis title.</param>
    /// <param name="yTitle">The y-axis title.</param>
    /// <param name="yRange">True for a rate: the y axis spans [0, 1] with ticks every 0.2.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="integerX">When the x axis counts steps: the largest x value, so ticks fall on whole numbers only.</param>
    /// <param name="xRate">True when the x axis is a rate or reward in [0, 1] (Pareto fronts).</param>
    public static GenericChart Apply(GenericChart chart, string title, string xTitle, string yTitle, bool yRange = false, int height = 420,
        int? integerX = null, bool xRate = false)
    {
        chart = FChart.withTitle(title, TitleFont: null).Invoke(chart);
        var x = Axis(xTitle);
        if (integerX is int max) Integer(x, max);
        if (xRate) Rate(x, 0.1);
        var y = Axis(yTitle);
        if (yRange) Rate(y, 0.2);
        chart = FChart.withXAxis(x, null).Invoke(chart);
        chart = FChart.withYAxis(y, null).Invoke(chart);
        chart = chart.WithLegendStyle(Orientation: StyleParam.Orientation.Horizontal, Y: -0.25);
        return chart.WithSize(Width: 860, Height: height);
    }

    /// <summary>Sets the marker size of every trace of <paramref name="chart"/> (pixels).</summary>
    internal static GenericChart MarkerSize(GenericChart chart, int size)
    {
        var marker = new Plotly.NET.TraceObjects.Marker();
        marker.SetProperty("size", size);
        return FChart.withMarker(marker).Invoke(chart);
    }

    /// <summary>An axis with a title and automargin (long tick labels never clip the title).</summary>
    internal static LinearAxis Axis(string title)
    {
        var axis = new LinearAxis();
        var t = new Title();
        t.SetProperty("text", title);
        axis.SetProperty("title", t);
        axis.SetProperty("automargin", true);
        axis.SetProperty("zeroline", false);
        return axis;
    }

    /// <summary>Ticks on whole numbers only, about eight of them up to <paramref name="max"/>.</summary>
    internal static void Integer(LinearAxis axis, int max)
    {
        axis.SetProperty("tickmode", "linear");
        axis.SetProperty("tick0", 0);
        axis.SetProperty("dtick", NiceStep(max));
        axis.SetProperty("tickformat", "d");
    }

    /// <summary>A rate axis: [0, 1] (a little headroom so markers at 1 stay visible), ticks every <paramref name="every"/>.</summary>
    internal static void Rate(LinearAxis axis, double every)
    {
        axis.SetProperty("range", new[] { -0.02, 1.02 });
        axis.SetProperty("tickmode", "linear");
        axis.SetProperty("tick0", 0);
        axis.SetProperty("dtick", every);
    }

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50, … that gives at most eight intervals up to <paramref name="max"/>.</summary>
    internal static int NiceStep(int max)
    {
        for (int scale = 1; ; scale *= 10)
            foreach (int m in new[] { 1, 2, 5 })
                if (m * scale * 8 >= max) return m * scale;
    }
}
