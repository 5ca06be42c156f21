using System.Globalization;
using System.Text.Json.Nodes;

namespace Blend.Cli.Demo;

/// <summary>
/// An automatic warning that a demo run is degenerate (an expert worse than its start, an NLL blow-up, a KL over budget, a
/// task whose judges pass everything or nothing): shown at the top of the report and listed in metrics.json.
/// </summary>
/// <param name="Stage">The stage key (<c>sft</c>, <c>cgpo</c>, …).</param>
/// <param name="Check">The check's id (<c>expert-worse-than-start</c>, <c>nll-blow-up</c>, <c>kl-over-budget</c>, <c>judges-pass-all</c>, <c>judges-pass-none</c>).</param>
/// <param name="Message">What was measured, with the numbers.</param>
internal sealed record SanityFlag(string Stage, string Check, string Message)
{
    /// <summary>The flag as a JSON object for metrics.json.</summary>
    public JsonObject ToJson() => new() { ["stage"] = Stage, ["check"] = Check, ["message"] = Message };
}

/// <summary>The checks behind <see cref="SanityFlag"/>: pure functions of measured numbers, each returning a flag or null.</summary>
internal static class SanityChecks
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>An NLL (nats/token) counts as blown up when it is not finite or rose by more than this over its start.</summary>
    public const double NllBlowUp = 1.0;

    /// <summary>Flags a fine-tuned model that ends no better than its start on its own reward.</summary>
    public static SanityFlag? ExpertWorseThanStart(string stage, string expert, string reward, double start, double end) =>
        !double.IsFinite(end) || end <= start
            ? new(stage, "expert-worse-than-start", string.Create(Inv, $"{expert} scores {end:0.000} on {reward}, not above the SFT start's {start:0.000}."))
            : null;

    /// <summary>Flags a negative log-likelihood that is not finite or rose more than <see cref="NllBlowUp"/> nats/token over its start.</summary>
    public static SanityFlag? NllBlewUp(string stage, string model, double start, double end) =>
        !double.IsFinite(end) || end > start + NllBlowUp
            ? new(stage, "nll-blow-up", string.Create(Inv, $"{model}: NLL {end:0.00} nats/token against {start:0.00} at its start (limit +{NllBlowUp:0.0})."))
            : null;

    /// <summary>Flags a KL (k3, nats per response) above the budget the optimizer was given.</summary>
    public static SanityFlag? KlOverBudget(string stage, string arm, string task, double kl, double budget) =>
        !double.IsFinite(kl) || kl > budget
            ? new(stage, "kl-over-budget", string.Create(Inv, $"{arm} on {task}: KL (k3) {kl:0.00} nats over its budget KL_max = {budget:0.##}."))
            : null;

    /// <summary>Flags a task whose judges passed every sample or none (with at least <paramref name="minSamples"/> judged).</summary>
    public static SanityFlag? JudgesDegenerate(string stage, string what, double passRate, int samples, int minSamples = 8)
    {
        if (samples < minSamples || double.IsNaN(passRate)) return null;
        if (passRate >= 1) return new(stage, "judges-pass-all", string.Create(Inv, $"{what}: the judges passed all {samples} samples (they may check nothing)."));
        if (passRate <= 0) return new(stage, "judges-pass-none", string.Create(Inv, $"{what}: the judges passed none of {samples} samples (the policy or the judges are broken)."));
        return null;
    }
}
