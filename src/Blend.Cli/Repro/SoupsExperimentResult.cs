using System.Globalization;
using System.Text;

namespace Blend.Cli.Repro;

/// <summary>One seed of the rewarded-soups experiment.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Path">The soup's interpolation path (its sweep holds the soup front).</param>
/// <param name="Morl">The MORL baseline from the same init.</param>
/// <param name="Control">The path between experts fine-tuned from different SFT seeds, when run.</param>
public sealed record SoupsSeedResult(int Seed, InterpolationPath Path, MorlBaseline Morl, InterpolationPath? Control)
{
    /// <summary>
    /// The smallest gap, over interior λ, between the averaged reward (mean over objectives) of the soup and the straight
    /// line between the endpoints' averaged rewards (≥ 0: no barrier).
    /// </summary>
    public static double MinAveragedGap(InterpolationPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var interior = Enumerable.Range(0, path.Lambda.Count).Where(i => path.Lambda[i] > 0 && path.Lambda[i] < 1).ToList();
        if (interior.Count == 0) return 0;
        // RewardGaps is objective-major: [objective][point].
        return interior.Min(i => path.RewardGaps.Average(g => g[i]));
    }
}

/// <summary>The rewarded-soups experiment's measurements and the claims check.</summary>
/// <param name="Seeds">Per-seed results.</param>
/// <param name="Options">The settings the run used.</param>
/// <param name="Reference">The hypervolume reference point (the same for soup and MORL).</param>
public sealed record SoupsExperimentResult(IReadOnlyList<SoupsSeedResult> Seeds, SoupsExperimentOptions Options, IReadOnlyList<double> Reference)
{
    /// <summary>Wall-clock seconds of the whole run.</summary>
    public double Seconds { get; init; }

    /// <summary>HV(soup front) / HV(MORL front) per seed.</summary>
    public IReadOnlyList<double> HypervolumeRatios => Seeds.Select(s => s.Path.Sweep.Hypervolume / s.Morl.Hypervolume(Reference)).ToList();

    /// <summary>Minimal averaged-reward gap along the soup path per seed (≥ 0: no barrier).</summary>
    public IReadOnlyList<double> SoupGaps => Seeds.Select(s => SoupsSeedResult.MinAveragedGap(s.Path)).ToList();

    /// <summary>Minimal averaged-reward gap along the different-init control path per seed.</summary>
    public IReadOnlyList<double> ControlGaps => Seeds.Where(s => s.Control is not null).Select(s => SoupsSeedResult.MinAveragedGap(s.Control!)).ToList();

    /// <summary>Largest NLL barrier along the soup path per seed.</summary>
    public IReadOnlyList<double> SoupLossBarriers => Seeds.Select(s => s.Path.LossBarrier ?? double.NaN).ToList();

    /// <summary>Largest NLL barrier along the control path per seed.</summary>
    public IReadOnlyList<double> ControlLossBarriers => Seeds.Where(s => s.Control is not null).Select(s => s.Control!.LossBarrier ?? double.NaN).ToList();

    /// <summary>The soup front is close to MORL's: mean HV ratio ≥ 0.9.</summary>
    public bool FrontCloseToMorl => HypervolumeRatios.Average() >= 0.9;

    /// <summary>No barrier on the soup path: the averaged reward never falls more than 0.02 below the straight line.</summary>
    public bool NoBarrier => SoupGaps.All(g => g >= -0.02);

    /// <summary>The control shows a clear barrier: its NLL barrier exceeds the soup's and its averaged-reward gap is below the soup's.</summary>
    public bool ControlHasBarrier => ControlGaps.Count > 0
        && ControlLossBarriers.Average() > SoupLossBarriers.Average() + 0.1
        && ControlGaps.Average() < SoupGaps.Average();

    /// <summary>A markdown report: settings, per-seed table, claims.</summary>
    public string ToMarkdown()
    {
        var o = Options;
        var t = o.Training;
        var sb = new StringBuilder();
        sb.AppendLine("# Rewarded soups: soup front vs MORL on brevity vs detail").AppendLine();
        sb.AppendLine(F($"Seeds {o.FirstSeed}..{o.FirstSeed + o.Seeds - 1}; SFT {o.SftSteps} steps; experts and MORL: RLOO + KL β {t.Beta}, {t.Steps} steps, {t.PromptsPerStep} prompts × K {t.SamplesPerPrompt}, lr {t.LearningRate}; "))
          .AppendLine(F($"soup λ grid {o.SoupLambdas} points, MORL μ grid {o.MorlPreferences} points; {o.EvalPrompts} held-out chat prompts × {o.SamplesPerPrompt} samples; HV reference ({string.Join(", ", Reference)}); {Seconds:F0} s.")).AppendLine();
        sb.AppendLine("| seed | soup HV (2 trainings) | MORL HV (trainings) | ratio | soup min gap | soup NLL barrier | control min gap | control NLL barrier |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in Seeds)
        {
            double hvMorl = s.Morl.Hypervolume(Reference);
            sb.AppendLine(F($"| {s.Seed} | {s.Path.Sweep.Hypervolume:F4} | {hvMorl:F4} ({s.Morl.TrainingRuns}) | {s.Path.Sweep.Hypervolume / hvMorl:F3} | {SoupsSeedResult.MinAveragedGap(s.Path):F4} | {s.Path.LossBarrier ?? double.NaN:F4} | {(s.Control is null ? double.NaN : SoupsSeedResult.MinAveragedGap(s.Control)):F4} | {s.Control?.LossBarrier ?? double.NaN:F4} |"));
        }
        sb.AppendLine().AppendLine("## Soup path (first seed): rewards along λ").AppendLine();
        var first = Seeds[0];
        sb.AppendLine("| λ (weight of the detail expert) | " + string.Join(" | ", first.Path.Sweep.Objectives) + " | NLL |");
        sb.AppendLine("|---|" + string.Concat(first.Path.Sweep.Objectives.Select(_ => "---|")) + "---|");
        foreach (var p in first.Path.Sweep.Points)
            sb.AppendLine(F($"| {p.Lambda[1]:0.##} | ") + string.Join(" | ", p.Rewards.Select(r => r.ToString("F3", CultureInfo.InvariantCulture))) + F($" | {p.Nll ?? double.NaN:F3} |"));
        sb.AppendLine().AppendLine("## Claims").AppendLine();
        sb.AppendLine(F($"- Soup front close to MORL (mean HV ratio ≥ 0.9, with 2 trainings instead of {first.Morl.TrainingRuns}): **{(FrontCloseToMorl ? "yes" : "no")}** (ratios {Join(HypervolumeRatios)})"));
        sb.AppendLine(F($"- No barrier along the soup path (averaged-reward gap ≥ −0.02): **{(NoBarrier ? "yes" : "no")}** (min gaps {Join(SoupGaps)})"));
        sb.AppendLine(F($"- The different-init control shows a barrier: **{(ControlHasBarrier ? "yes" : "no")}** (control min gaps {Join(ControlGaps)}, NLL barriers {Join(ControlLossBarriers)} vs soup {Join(SoupLossBarriers)})"));
        return sb.ToString();
    }

    static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
