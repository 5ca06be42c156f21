using System.Globalization;
using System.Text;

namespace Blend.Cli.Repro;

/// <summary>The mean judge pass rate of one arm's training rollouts over its last <c>EvalEvery</c> steps.</summary>
/// <param name="Arm">The arm.</param>
/// <param name="Seed">The seed.</param>
/// <param name="PassRate">Mean pass rate of the math judge on the sampled training responses (1 for PPO, which has no judge).</param>
public sealed record TrainingPassRate(string Arm, int Seed, double PassRate);

/// <summary>Greedy exact match of one arm's final policy on the evaluation problems.</summary>
/// <param name="Arm">The arm.</param>
/// <param name="Seed">The seed.</param>
/// <param name="ExactMatch">Fraction of the evaluation problems the greedy response answers exactly (the math judge).</param>
public sealed record FinalGreedyExactMatch(string Arm, int Seed, double ExactMatch);

/// <summary>
/// The math reward-hacking experiment's measurements: the SFT policy, the biased reward model's agreement with each kind of
/// label, and every arm's held-out proxy and exact match over steps, with the claims check.
/// </summary>
/// <param name="Run">Evaluations (task <c>math</c>; <see cref="HackingPoint.TrueScore"/> is exact match at temperature 1,
/// <see cref="HackingPoint.KeywordCount"/> the "The answer is" sentences per response).</param>
/// <param name="Options">The settings.</param>
public sealed record MathHackingResult(RewardHackingResult Run, MathHackingOptions Options)
{
    /// <summary>Greedy exact match of the SFT policy on the held-out problems.</summary>
    public double SftExactMatch { get; init; }

    /// <summary>Whether the SFT policy came from the cache in the output folder.</summary>
    public bool SftCached { get; init; }

    /// <summary>Seconds to train (or load) the SFT policy.</summary>
    public double SftSeconds { get; init; }

    /// <summary>The reward model's training (held-out accuracy on the annotator's labels).</summary>
    public RewardTrainingResult? RewardTraining { get; init; }

    /// <summary>The reward model's agreement with the annotator's labels, its biased order and gold on fresh pairs.</summary>
    public RewardAgreement? Agreement { get; init; }

    /// <summary>Preference pairs the reward model was trained on (before its own held-out split).</summary>
    public int Pairs { get; init; }

    /// <summary>Judge pass rates of the training rollouts per arm and seed.</summary>
    public IReadOnlyList<TrainingPassRate> TrainingPassRates { get; init; } = [];

    /// <summary>Greedy exact match of every arm's final policy per seed (the SFT start is <see cref="SftExactMatch"/>).</summary>
    public IReadOnlyList<FinalGreedyExactMatch> GreedyAtEnd { get; init; } = [];

    /// <summary>Wall-clock seconds of the whole run.</summary>
    public double Seconds { get; init; }

    int Last => Run.Steps[^1];

    double Tolerance => Options.Tolerance;

    MeanStd At(string arm, int step, Func<HackingPoint, double> metric) => Run.Stat(arm, "math", step, metric);

    /// <summary>Mean over seeds of the training judge pass rate of <paramref name="arm"/>.</summary>
    public MeanStd TrainingPassRate(string arm) => MeanStd.Of(TrainingPassRates.Where(p => p.Arm == arm).Select(p => p.PassRate));

    /// <summary>Mean over seeds of the greedy exact match of <paramref name="arm"/>'s final policy.</summary>
    public MeanStd GreedyAtEndOf(string arm) => MeanStd.Of(GreedyAtEnd.Where(p => p.Arm == arm).Select(p => p.ExactMatch));

    /// <summary>PPO's mean proxy rose from SFT to the last step.</summary>
    public bool PpoProxyRose => Run.Arms.Contains("ppo") && At("ppo", Last, p => p.Proxy).Mean > At("ppo", 0, p => p.Proxy).Mean;

    /// <summary>PPO's mean exact match ended more than <see cref="MathHackingOptions.Tolerance"/> below SFT's.</summary>
    public bool PpoExactFell => Run.Arms.Contains("ppo") && At("ppo", Last, p => p.TrueScore).Mean < At("ppo", 0, p => p.TrueScore).Mean - Tolerance;

    /// <summary>The arm's mean exact match ended no more than <see cref="MathHackingOptions.Tolerance"/> below SFT's.</summary>
    public bool ExactKept(string arm) => Run.Arms.Contains(arm) && At(arm, Last, p => p.TrueScore).Mean >= At(arm, 0, p => p.TrueScore).Mean - Tolerance;

    /// <summary>The arm's held-out judge pass rate (exact match at temperature 1) at the last step is at least 0.95.</summary>
    public bool PassRateAtLeast95(string arm) => Run.Arms.Contains(arm) && At(arm, Last, p => p.TrueScore).Mean >= 0.95;

    /// <summary>The true-score (exact match) curves, mean over seeds, as SVG.</summary>
    public string ExactMatchSvg() => SvgLineChart.Render("Exact match (math judge) on held-out problems, T = 1, mean over seeds", "RL step", "exact match", Curves(p => p.TrueScore), 0, 1);

    /// <summary>The proxy (biased reward model) curves, mean over seeds, as SVG.</summary>
    public string ProxySvg() => SvgLineChart.Render("Proxy (learned, length-biased reward model) on held-out problems", "RL step", "proxy reward", Curves(p => p.Proxy));

    List<SvgLineChart.Series> Curves(Func<HackingPoint, double> metric) =>
        [.. Run.Arms.Select(arm => new SvgLineChart.Series(arm, Run.Steps.Select(s => ((double)s, At(arm, s, metric).Mean)).ToList()))];

    /// <summary>A markdown report: settings, the SFT policy, the reward model, the final table, the curves and the claims.</summary>
    public string ToMarkdown()
    {
        var o = Options;
        var sb = new StringBuilder();
        sb.AppendLine("# Reward hacking on math: PPO vs CGPO on a learned, length-biased reward model").AppendLine();
        sb.AppendLine(F($"RL seeds {o.FirstSeed}..{o.FirstSeed + o.Seeds - 1} (one SFT policy and one reward model shared by every seed and arm); {Seconds:F0} s in all."));
        sb.AppendLine();
        sb.AppendLine(F($"- **SFT policy**: 4-layer width-{o.Width} rotary GPT ({o.Layers} layers, 4 heads), ")
            + (o.PolicyProblems is { } n ? F($"the first {n} of {o.TrainProblems} generated problems (also the RL prompts; the others serve only the reward model's pairs)") : F($"{o.TrainProblems} generated problems"))
            + F($", {o.SftSteps} steps × batch {o.SftBatchSize}, AdamW {o.SftLearningRate} warmup + cosine, seed {o.SftSeed}, ")
            + (o.SftPaddedFraction > 0 ? F($"{o.SftPaddedFraction:P0} of the training answers padded with 1–3 answer sentences of other problems (the annotator's padding, so that the policy can pad); ") : "training answers unpadded; ")
            + F($"greedy exact match **{SftExactMatch:P1}** on {(o.EvaluateOnTrainingProblems ? F($"{o.EvalPrompts} of its training problems") : F($"{Math.Min(o.EvalPrompts, o.TestProblems)} held-out problems"))} ({(SftCached ? "loaded from the cache in the output folder" : F($"trained in {SftSeconds:F0} s"))})."));
        sb.AppendLine(F($"- **Biased annotator** (the planted flaw): score = 1[exact answer] + {o.LengthBonus}·words, P(a ≻ b) = σ({o.AnnotatorSharpness}·Δscore); two extra sentences (8 words) outweigh a right answer. ")
            + F($"Pairs: two SFT samples per training problem, each padded with probability ½ by 1–3 answer sentences of other problems; {Pairs} pairs."));
        if (RewardTraining is { } rt)
            sb.AppendLine(F($"- **Proxy reward model** (Bradley–Terry, 2 layers, width 96, {rt.Steps} steps × 32 pairs, from scratch): held-out accuracy on the annotator's labels {rt.HeldOutAccuracy:P1}; ")
                + (Agreement is { } a ? F($"on {a.Pairs} fresh pairs{(o.PolicyProblems is null ? "" : " (new samples on the policy's problems)")}: vs the sampled labels **{a.VsLabels:P1}**, vs the noise-free biased order **{a.VsBiased:P1}**, vs gold **{a.VsGold:P1}** ({a.GoldPairs} pairs where exactly one answer is right; the annotator's own labels agree with gold on {a.LabelsVsGold:P1}).") : ""));
        sb.AppendLine(F($"- **RL**: {o.Steps} steps per arm, {o.PromptsPerStep} prompts × K = {o.SamplesPerPrompt} per step, lr {o.LearningRate}, at most {o.MaxNewTokens} new tokens, temperature 1; PPO: KL penalty β {o.PpoKlCoef}, no judge; CRPG, CRRAFT, CODPO: the math judge (exact answer), KL_max {o.KlMax} (CRPG, CRRAFT); gold (the control): CRPG with the math judge and the gold reward (1 for the exact answer) in place of the proxy."));
        sb.AppendLine(F($"- **Evaluation** every {o.EvalEvery} steps on {(o.EvaluateOnTrainingProblems ? F($"{o.EvalPrompts} training problems (memorised by the short SFT)") : F($"{Math.Min(o.EvalPrompts, o.TestProblems)} held-out problems"))}, one sample each at temperature 1 with the same seed for every arm and step: proxy = the reward model's score, exact match = the math judge's pass rate (the gold metric)."));
        sb.AppendLine().AppendLine("![exact match](exact-match.svg)").AppendLine().AppendLine("![proxy](proxy.svg)").AppendLine();
        sb.AppendLine(F($"## At the end (step {Last}), mean ± std over seeds")).AppendLine();
        sb.AppendLine("| arm | proxy (SFT → end) | exact match (SFT → end) | training judge pass rate (last steps) | greedy exact match (SFT → end) | KL k3 (nats) | words | answer sentences |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var arm in Run.Arms)
            sb.AppendLine($"| {arm} | {At(arm, 0, p => p.Proxy)} → {At(arm, Last, p => p.Proxy)} | {At(arm, 0, p => p.TrueScore)} → {At(arm, Last, p => p.TrueScore)} | {(arm == "ppo" ? "— (no judge)" : TrainingPassRate(arm).ToString())} | {SftExactMatch.ToString("F3", CultureInfo.InvariantCulture)} → {GreedyAtEndOf(arm)} | {At(arm, Last, p => p.KlK3)} | {At(arm, Last, p => p.Length)} | {At(arm, Last, p => p.KeywordCount)} |");
        sb.AppendLine().AppendLine("## Over steps (mean over seeds): proxy / exact match").AppendLine();
        sb.Append("| arm |");
        foreach (var s in Run.Steps) sb.Append(F($" {s} |"));
        sb.AppendLine().Append("|---|").AppendLine(string.Concat(Run.Steps.Select(_ => "---|")));
        foreach (var arm in Run.Arms)
            sb.Append($"| {arm} |").AppendLine(string.Concat(Run.Steps.Select(s => F($" {At(arm, s, p => p.Proxy).Mean:F2} / {At(arm, s, p => p.TrueScore).Mean:F3} |"))));
        sb.AppendLine().AppendLine("## Claims").AppendLine();
        if (Run.Arms.Contains("ppo"))
        {
            sb.AppendLine($"- PPO raises the proxy: **{Yes(PpoProxyRose)}**");
            sb.AppendLine(F($"- PPO's exact match falls (by more than {Tolerance}): **{Yes(PpoExactFell)}**"));
        }
        if (Run.Arms.Contains(MathHackingExperiment.GoldArm))
            sb.AppendLine(F($"- Control (CRPG with the gold reward) keeps or raises exact match (within {Tolerance}): **{Yes(ExactKept(MathHackingExperiment.GoldArm))}**: the learning setup itself does not lower exact match"));
        foreach (var arm in new[] { "crpg", "crraft", "codpo" }.Where(Run.Arms.Contains))
            sb.AppendLine(F($"- {arm.ToUpperInvariant()} keeps or raises exact match (within {Tolerance}): **{Yes(ExactKept(arm))}**; held-out judge pass rate ≥ 0.95 at the end: **{Yes(PassRateAtLeast95(arm))}** ({At(arm, Last, p => p.TrueScore).Mean:F3})"));
        return sb.ToString();
    }

    static string Yes(bool b) => b ? "yes" : "no";

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
