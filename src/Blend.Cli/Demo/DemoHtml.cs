using System.Globalization;
using System.Net;

namespace Blend.Cli.Demo;

/// <summary>Small formatting helpers for the demo's report sections.</summary>
internal static class DemoHtml
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Percent(double fraction) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string Num(double value, string format = "0.000") => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";
}
