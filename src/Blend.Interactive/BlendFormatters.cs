using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive.Formatting;
using Deedle;
using Plotly.NET;

namespace Blend.Interactive;

/// <summary>
/// Registers Blend's HTML and plain-text formatters with .NET Interactive (idempotent). The package's
/// <c>extension.dib</c> calls <see cref="Register"/> when a notebook loads it; a module initializer calls it the
/// first time any Blend.Interactive type is used, so hosts without extension loading (F# Interactive, scripts) work too;
/// it also runs <see cref="TorchNative.Prepare"/>, so torch loads in those hosts on Debian 12.
/// </summary>
public static class BlendFormatters
{
    static readonly object Gate = new();

    /// <summary>The MIME type of HTML output.</summary>
    public const string HtmlMime = "text/html";

    /// <summary>The MIME type of plain-text output.</summary>
    public const string TextMime = "text/plain";

    /// <summary>Registers every Blend formatter; does nothing when they are already active (also after a reset it re-registers).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (IsActive()) return;
            Add<GenericChart>(c => ChartHtml.Fragment(c), c => "Plotly chart (" + GenericChart.countTrace(c) + " traces)");
            Add<Sample>(CoreHtml.Sample, s => $"[{s.Task}] {s.Prompt} => {s.Response}");
            Add<Verdict>(CoreHtml.Verdict, v => $"{v.Judge}: {v.Outcome}" + (v.Reason.Length > 0 ? " (" + v.Reason + ")" : ""));
            Add<IEnumerable<Verdict>>(v => CoreHtml.Verdicts(v), CoreHtml.VerdictsText);
            Add<IEnumerable<Sample>>(s => CoreHtml.Samples(s), s => string.Join("\n", s.Take(20).Select(x => $"[{x.Task}] {x.Prompt} => {x.Response}")));
            Add<JudgeMixture>(JudgeHtml.Mixture, m => m.ToString());
            Add<JudgeReport>(r => JudgeHtml.Report(r), JudgeHtml.ReportText);
            Add<JudgeStats>(s => HtmlText.Block(JudgeHtml.Stats("name", [s])), s => s.ToString());
            Add<IEnumerable<JudgeQualityReport>>(JudgeHtml.Quality, JudgeQualityReport.Table);
            Add<JudgeQualityReport>(q => JudgeHtml.Quality([q]), q => q.ToString());
            Add<RewardMixture>(RewardHtml.Mixture, m => m.ToString());
            Add<RewardBreakdown>(b => RewardHtml.Breakdown(b), b => b.ToString());
            Add<RewardTrainingResult>(RewardModelHtml.TrainingResult, r => r.ToString());
            Add<RewardEvaluation>(RewardModelHtml.Evaluation, e => e.ToString());
            Add<CgpoResult>(TrainingHtml.Cgpo, TrainingHtml.CgpoText);
            Add<IEnumerable<StepMetrics>>(m => TrainingHtml.Steps(m.ToList()), m => string.Join("\n", TrainingHtml.LastPerTask(m.ToList()).Select(x => x.ToString())));
            Add<StepMetrics>(TrainingHtml.Step, m => m.ToString());
            Add<CgpoEvaluation>(e => TrainingHtml.Evaluation(e), e => string.Join("\n", e.Tasks.Select(t => t.ToString())));
            Add<SftResult>(TrainingHtml.Sft, PolicyHtml.LossCurveText);
            Add<ExpertRun>(TrainingHtml.Expert, r => r.ToString());
            Add<SoupSweep>(s => SoupHtml.Sweep(s), SoupHtml.SweepText);
            Add<MorlBaseline>(SoupHtml.Morl, m => m.ToString());
            Add<ParetoFront>(SoupHtml.Front, f => f.ToString() ?? "ParetoFront");
            Add<GptConfig>(PolicyHtml.Config, c => c.ToString());
            Add<Policy>(PolicyHtml.Summary, PolicyHtml.SummaryText);
            Add<IEnumerable<Generation>>(g => PolicyHtml.Generations(g), PolicyHtml.GenerationsText);
            // Every Frame<R,C> (Deedle's own extension is not loaded here): an HTML table with capped rows.
            // A short text/plain beside it: the kernel's default is a recursive dump of the frame (megabytes per output).
            Formatter.Register(typeof(Frame<,>), (frame, writer) => writer.Write(FrameHtml.Any(frame)), HtmlMime);
            Formatter.Register(typeof(Frame<,>), (frame, writer) => writer.Write(FrameHtml.AnyText(frame)), TextMime);
            Formatter.SetPreferredMimeTypesFor(typeof(Frame<,>), HtmlMime, TextMime);
        }
    }

    /// <summary>The HTML Blend (or the formatter registered for its type) renders for <paramref name="value"/>.</summary>
    public static string ToHtml(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Register();
        return value.ToDisplayString(HtmlMime);
    }

    /// <summary>The plain text Blend renders for <paramref name="value"/> (what F# Interactive and consoles print).</summary>
    public static string ToText(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Register();
        return value.ToDisplayString(TextMime);
    }

    /// <summary>Registers an HTML and a plain-text formatter for <typeparamref name="T"/> (and its subtypes).</summary>
    internal static void Add<T>(Func<T, string> html, Func<T, string> text)
    {
        Formatter.Register<T>((value, writer) => writer.Write(WithPlotly(html(value))), HtmlMime);
        Formatter.Register<T>((value, writer) => writer.Write(text(value)), TextMime);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlMime, TextMime);
    }

    /// <summary>Output holding a chart gets plotly.js in front of it the first time in this process (outputs share one page).</summary>
    static string WithPlotly(string html) => html.Contains(PlotlyEmbed.Marker, StringComparison.Ordinal) ? PlotlyEmbed.ScriptOnce() + html : html;

    /// <summary>Active when a probe verdict renders through Blend's HTML (a <c>Formatter.ResetToDefault</c> removes it).</summary>
    static bool IsActive() => Verdict.Pass("blend-probe").ToDisplayString(HtmlMime).Contains("class=\"blend\"", StringComparison.Ordinal);

#pragma warning disable CA2255 // A library module initializer is the point: formatting works in hosts that run no extension script.
    [ModuleInitializer]
    internal static void OnLoad()
    {
        FSharpCoreBinding.Install(); // first: Register() below touches Plotly.NET and Deedle
        TorchNative.Prepare(); // notebooks and F# Interactive load TorchSharp from the NuGet cache: see TorchNative
        try { Register(); }
#pragma warning disable CA1031 // a host without the Formatting assembly can still use charts and HTML helpers; Register() then reports it
        catch (Exception) { }
#pragma warning restore CA1031
    }
#pragma warning restore CA2255
}
