using System.Globalization;
using System.Text;

namespace Blend.Interactive;

/// <summary>HTML and text for the policy stack: a model summary, generated samples and an SFT loss curve.</summary>
public static class PolicyHtml
{
    static string F(double x, string format = "0.###") => x.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A policy as a table: architecture, parameter count, tokenizer and device.</summary>
    public static string Summary(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var c = policy.Config;
        var g = c as GptConfig;
        (string, string)[] rows =
        [
            ("model", g is null ? $"{c.Architecture}, {c.Layers} layers × width {c.Width}, context {c.ContextLength}, {policy.Model.DType}" : $"GPT, {c.Layers} layers × width {c.Width}, {g.Heads} heads, context {c.ContextLength}"),
            ("parameters", policy.Model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)),
            ("positions", g is null ? "-" : g.Positions.ToString().ToLowerInvariant() + (g.TieEmbeddings ? ", tied embeddings" : "")),
            ("heads", "LM" + (c.ValueHead ? " + value" : "") + (c.RewardHead ? " + reward" : "")),
            ("dropout", g is null ? "-" : F(g.Dropout)),
            ("tokenizer", policy.Codec.ToString()),
            ("device", policy.Device.ToString() + (policy.IsFrozen ? " (frozen)" : "")),
        ];
        var sb = new StringBuilder("<table>");
        foreach (var (k, v) in rows) sb.Append("<tr><th>").Append(HtmlText.Encode(k)).Append("</th><td>").Append(HtmlText.Encode(v)).Append("</td></tr>");
        return HtmlText.Block(sb.Append("</table>").ToString());
    }

    /// <summary>Plain-text summary of a policy.</summary>
    public static string SummaryText(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.ToString();
    }

    /// <summary>Generated samples as a table: prompt, response, tokens, finished (EOS) and log-probability; at most <paramref name="maxRows"/> rows (default 20).</summary>
    public static string Generations(IEnumerable<Generation> generations, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(generations);
        var rows = generations.Select(g => (IReadOnlyList<string>)[
            HtmlText.Clip(g.Prompt), HtmlText.Clip(g.Text, 600), HtmlText.NumCell(g.Tokens.Count, "0"),
            g.Finished ? "<td class=\"pass\">eos</td>" : "<td class=\"fail\">limit</td>", HtmlText.NumCell(g.SequenceLogProb, "0.00")]);
        return HtmlText.Block(HtmlText.Table(["prompt", "response", "tokens", "stop", "log p"], rows, maxRows));
    }

    /// <summary>Plain-text rendering of generated samples.</summary>
    public static string GenerationsText(IEnumerable<Generation> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        return string.Join("\n", generations.Take(20).Select(g => $"{g.Prompt} => {g.Text}{(g.Finished ? "" : " …")}"));
    }

    /// <summary>An SFT run's loss curve as inline SVG: training loss per step (line) and held-out loss (dots), with the before/after numbers.</summary>
    public static string LossCurve(SftResult result, int width = 560, int height = 220)
    {
        ArgumentNullException.ThrowIfNull(result);
        var steps = result.Steps;
        if (steps.Count == 0) return HtmlText.Block("<p class=\"muted\">no steps</p>");
        var evals = steps.Where(s => s.EvalLoss is not null).Select(s => (s.Step, Loss: s.EvalLoss!.Value)).ToList();
        if (result.InitialEvalLoss is double init) evals.Insert(0, (0, init));
        double max = Math.Max(steps.Max(s => s.Loss), evals.Count > 0 ? evals.Max(e => e.Loss) : 0);
        double min = Math.Min(0, steps.Min(s => s.Loss));
        int pad = 36;
        double X(int step) => pad + (width - pad - 8) * step / (double)Math.Max(1, steps[^1].Step);
        double Y(double loss) => 8 + (height - pad - 8) * (1 - (loss - min) / Math.Max(1e-9, max - min));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"SFT loss curve\">");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - 8}\" y2=\"{height - pad}\" stroke=\"#999\"/><line x1=\"{pad}\" y1=\"8\" x2=\"{pad}\" y2=\"{height - pad}\" stroke=\"#999\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"14\" font-size=\"10\">{F(max, "0.0")}</text><text x=\"2\" y=\"{height - pad}\" font-size=\"10\">{F(min, "0.0")}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height - 8}\" font-size=\"11\" text-anchor=\"middle\">step (1–{steps[^1].Step})</text>");
        sb.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"")
          .Append(string.Join(" ", steps.Select(s => F(X(s.Step), "0.0") + "," + F(Y(double.IsFinite(s.Loss) ? s.Loss : max), "0.0"))))
          .Append("\"><title>training loss</title></polyline>");
        foreach (var (step, loss) in evals)
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(step), "0.0")}\" cy=\"{F(Y(loss), "0.0")}\" r=\"3.5\" fill=\"#d62728\"><title>held-out loss {F(loss, "0.000")} at step {step}</title></circle>");
        sb.Append("</svg>");
        var caption = $"<p>training loss (line) {F(steps[0].Loss, "0.000")} → {F(result.FinalLoss, "0.000")}"
            + (result.InitialEvalLoss is double a && result.FinalEvalLoss is double b ? $"; held-out loss (dots) {F(a, "0.000")} → {F(b, "0.000")}" : "")
            + $"; {steps.Count} steps in {F(result.Seconds, "0.0")} s{(result.StoppedEarly ? " (stopped early)" : "")}</p>";
        return HtmlText.Block(sb + caption);
    }

    /// <summary>Plain-text summary of an SFT run.</summary>
    public static string LossCurveText(SftResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"SFT: {result.Steps.Count} steps, loss {(result.Steps.Count > 0 ? F(result.Steps[0].Loss) : "-")} -> {F(result.FinalLoss)}"
            + (result.FinalEvalLoss is double e ? $", held-out {F(result.InitialEvalLoss ?? double.NaN)} -> {F(e)}" : "") + $", {F(result.Seconds, "0.0")} s";
    }

    /// <summary>A model configuration as a table.</summary>
    public static string Config(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return HtmlText.Block(ConfigTable(config));
    }

    static string ConfigTable(GptConfig c) => HtmlText.Table(["vocab", "context", "layers", "heads", "width", "positions", "dropout", "tied", "value head", "reward head"],
        [[HtmlText.NumCell(c.VocabSize, "0"), HtmlText.NumCell(c.ContextLength, "0"), HtmlText.NumCell(c.Layers, "0"), HtmlText.NumCell(c.Heads, "0"),
          HtmlText.NumCell(c.Width, "0"), HtmlText.Encode(c.Positions.ToString()), HtmlText.NumCell(c.Dropout), c.TieEmbeddings ? "yes" : "no",
          c.ValueHead ? "yes" : "no", c.RewardHead ? "yes" : "no"]]);
}
