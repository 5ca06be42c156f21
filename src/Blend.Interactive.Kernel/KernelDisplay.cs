using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Blend.Interactive.Kernel;

/// <summary>
/// Shows a value as one kernel output and replaces it in place: publishes <see cref="DisplayedValueProduced"/> and then
/// <see cref="DisplayedValueUpdated"/> events carrying one display id (Jupyter's <c>display_data</c> and
/// <c>update_display_data</c> with that <c>display_id</c>). The kernel's own <c>display(…)</c> handle is not used: in
/// the 1.0.0-beta.26120.1 kernel its id differs from the published one, so its updates reach no output.
/// </summary>
internal static class KernelDisplay
{
    /// <summary>Displays <paramref name="value"/> in the running cell; the returned action replaces that output.</summary>
    public static Action<object> Show(object value)
    {
        var context = KernelInvocationContext.Current
                      ?? throw new InvalidOperationException("Live display needs a running notebook cell (no kernel invocation context).");
        var command = context.Command;
        string id = Guid.NewGuid().ToString("N");
        var first = Format(value, plotlyInline: false);
        // The first chart of a notebook carries plotly.js; a replacement must too, or the saved output loses it.
        bool carriesPlotly = first.Any(f => f.MimeType == BlendFormatters.HtmlMime && f.Value.StartsWith("<script>", StringComparison.Ordinal));
        context.Publish(new DisplayedValueProduced(value, command, first, id));
        return next =>
        {
            ArgumentNullException.ThrowIfNull(next);
            context.Publish(new DisplayedValueUpdated(next, id, command, Format(next, carriesPlotly)));
        };
    }

    static FormattedValue[] Format(object value, bool plotlyInline)
    {
        string html = value.ToDisplayString(BlendFormatters.HtmlMime);
        if (plotlyInline && !html.StartsWith("<script>", StringComparison.Ordinal)) html = "<script>" + PlotlyEmbed.Script + "</script>\n" + html;
        return [new FormattedValue(BlendFormatters.HtmlMime, html), new FormattedValue(BlendFormatters.TextMime, value.ToDisplayString(BlendFormatters.TextMime))];
    }
}
