using System.Globalization;
using System.Text;

namespace Blend.Cli.Repro;

/// <summary>One evaluation of one arm, seed, step and task in the reward-hacking experiment.</summary>
/// <param name="Arm">The arm (<c>ppo</c>, <c>crpg</c>, …).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Step">The RL step (0 = the SFT policy).</param>
/// <param name="Task">The task.</param>
public sealed record HackingPoint(string Arm, int Seed, int Step, string Task)
{
    /// <summary>Mean proxy reward on held-out prompts.</summary>
    public double Proxy { get; init; }

    /// <summary>What the task really wants: the judge's pass rate on held-out prompts (exact match, IFEval).</summary>
    public double TrueScore { get; init; }

    /// <summary>Mean sequence log-ratio log π(a|s) − log π_sft(a|s) of the sampled responses (k1 KL estimate, nats).</summary>
    public double Kl { get; init; }

    /// <summary>Mean k3 estimate of KL(π ‖ π_sft) on the same responses (never negative; <see cref="KlEstimate.K3"/>), nats.</summary>
    public double KlK3 { get; init; }

    /// <summary>Mean response length in words.</summary>
    public double Length { get; init; }

    /// <summary>Mean occurrences of the proxy's keyword per response.</summary>
    public double KeywordCount { get; init; }
}

/// <summary>A mean and standard deviation over seeds.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Std">The population standard deviation (0 for one seed).</param>
public readonly record struct MeanStd(double Mean, double Std)
{
    /// <summary>Mean and std of values.</summary>
    public static MeanStd Of(IEnumerable<double> values)
    {
        var v = values.ToList();
        if (v.Count == 0) return new MeanStd(double.NaN, double.NaN);
        double m = v.Average();
        return new MeanStd(m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Count));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:F3} ± {Std:F3}");
}

/// <summary>Whether the paper's claims showed up, with the numbers behind each verdict.</summary>
/// <param name="PpoProxyRose">PPO's mean proxy (over tasks and seeds) rose from SFT to the end.</param>
/// <param name="PpoTrueFell">PPO's true score fell below SFT's on at least one task (hacking).</param>
/// <param name="CgpoProxyRose">CRPG's mean proxy rose.</param>
/// <param name="CgpoTrueHeld">CRPG's true score did not fall below SFT's on any task by more than 0.05.</param>
/// <param name="CgpoBeatsPpo">CRPG's final mean true score is above PPO's.</param>
/// <param name="Details">The numbers, one line per check.</param>
public sealed record HackingClaims(bool PpoProxyRose, bool PpoTrueFell, bool CgpoProxyRose, bool CgpoTrueHeld, bool CgpoBeatsPpo, IReadOnlyList<string> Details)
{
    /// <summary>True when every claim holds.</summary>
    public bool AllHold => PpoProxyRose && PpoTrueFell && CgpoProxyRose && CgpoTrueHeld && CgpoBeatsPpo;
}

/// <summary>The reward-hacking experiment's measurements, with summaries over seeds and the claims check.</summary>
/// <param name="Points">Every evaluation.</param>
/// <param name="Options">The settings the run used.</param>
public sealed record RewardHackingResult(IReadOnlyList<HackingPoint> Points, RewardHackingOptions Options)
{
    /// <summary>Wall-clock seconds of the whole run.</summary>
    public double Seconds { get; init; }

    /// <summary>The arms, in run order.</summary>
    public IReadOnlyList<string> Arms => Points.Select(p => p.Arm).Distinct().ToList();

    /// <summary>The tasks, in run order.</summary>
    public IReadOnlyList<string> Tasks => Points.Select(p => p.Task).Distinct().ToList();

    /// <summary>The evaluated steps.</summary>
    public IReadOnlyList<int> Steps => Points.Select(p => p.Step).Distinct().Order().ToList();

    /// <summary>The points of one arm, task and step across seeds.</summary>
    public IReadOnlyList<HackingPoint> At(string arm, string task, int step) =>
        Points.Where(p => p.Arm == arm && p.Task == task && p.Step == step).ToList();

    /// <summary>Mean ± std over seeds of a metric for one arm, task and step.</summary>
    public MeanStd Stat(string arm, string task, int step, Func<HackingPoint, double> metric) => MeanStd.Of(At(arm, task, step).Select(metric));

    /// <summary>Checks the direction of CGPO's claims (PPO hacks, CGPO does not and ends higher).</summary>
    public HackingClaims Claims()
    {
        int last = Steps[^1];
        var details = new List<string>();
        double Mean(string arm, int step, Func<HackingPoint, double> f) => Tasks.Average(t => Stat(arm, t, step, f).Mean);
        bool Has(string arm) => Arms.Contains(arm);

        bool ppoProxy = false, ppoTrueFell = false, cgpoProxy = false, cgpoHeld = false, beats = false;
        if (Has("ppo"))
        {
            double p0 = Mean("ppo", 0, p => p.Proxy), p1 = Mean("ppo", last, p => p.Proxy);
            ppoProxy = p1 > p0;
            details.Add(F($"PPO proxy {p0:F3} → {p1:F3}"));
            foreach (var t in Tasks)
            {
                double s0 = Stat("ppo", t, 0, p => p.TrueScore).Mean, s1 = Stat("ppo", t, last, p => p.TrueScore).Mean;
                details.Add(F($"PPO true score on {t}: {s0:F3} → {s1:F3}"));
                ppoTrueFell |= s1 < s0;
            }
        }
        if (Has("crpg"))
        {
            double p0 = Mean("crpg", 0, p => p.Proxy), p1 = Mean("crpg", last, p => p.Proxy);
            cgpoProxy = p1 > p0;
            details.Add(F($"CRPG proxy {p0:F3} → {p1:F3}"));
            cgpoHeld = true;
            foreach (var t in Tasks)
            {
                double s0 = Stat("crpg", t, 0, p => p.TrueScore).Mean, s1 = Stat("crpg", t, last, p => p.TrueScore).Mean;
                details.Add(F($"CRPG true score on {t}: {s0:F3} → {s1:F3}"));
                cgpoHeld &= s1 >= s0 - 0.05;
            }
        }
        if (Has("ppo") && Has("crpg"))
        {
            double ppo = Mean("ppo", last, p => p.TrueScore), crpg = Mean("crpg", last, p => p.TrueScore);
            beats = crpg > ppo;
            details.Add(F($"final mean true score: CRPG {crpg:F3} vs PPO {ppo:F3}"));
        }
        return new HackingClaims(ppoProxy, ppoTrueFell, cgpoProxy, cgpoHeld, beats, details);
    }

    /// <summary>A markdown report: settings, final table (mean ± std over seeds), trajectories and the claims check.</summary>
    public string ToMarkdown()
    {
        var o = Options;
        var sb = new StringBuilder();
        sb.AppendLine("# Reward hacking: PPO vs CGPO on a proxy reward with planted flaws").AppendLine();
        sb.AppendLine(F($"Seeds {o.FirstSeed}..{o.FirstSeed + o.Seeds - 1}; SFT {o.SftSteps} steps; RL {o.Steps} steps per arm, {o.PromptsPerStep} prompts/task/step, K = {o.SamplesPerPrompt}, lr {o.LearningRate}; "))
          .AppendLine(F($"proxy = 1[judge passes] + {o.LengthBonus}·words + {o.KeywordBonus}·count('{o.Keyword}'); KL_max {o.KlMax} (CGPO), β {o.PpoKlCoef} (PPO); {o.EvalPrompts} held-out prompts per task; {Seconds:F0} s."))
          .AppendLine();
        int last = Steps[^1];
        sb.AppendLine(F($"## At the end (step {last}), mean ± std over seeds")).AppendLine();
        sb.AppendLine("| arm | task | proxy (SFT → end) | true score (SFT → end) | KL | length (words) | keyword/response |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var arm in Arms)
            foreach (var t in Tasks)
                sb.AppendLine($"| {arm} | {t} | {Stat(arm, t, 0, p => p.Proxy)} → {Stat(arm, t, last, p => p.Proxy)} | {Stat(arm, t, 0, p => p.TrueScore)} → {Stat(arm, t, last, p => p.TrueScore)} | {Stat(arm, t, last, p => p.Kl)} | {Stat(arm, t, last, p => p.Length)} | {Stat(arm, t, last, p => p.KeywordCount)} |");
        sb.AppendLine().AppendLine("## Over steps (mean over seeds): proxy / true score").AppendLine();
        sb.Append("| arm | task |");
        foreach (var s in Steps) sb.Append(F($" {s} |"));
        sb.AppendLine().Append("|---|---|").AppendLine(string.Concat(Steps.Select(_ => "---|")));
        foreach (var arm in Arms)
            foreach (var t in Tasks)
            {
                sb.Append($"| {arm} | {t} |");
                foreach (var s in Steps) sb.Append(F($" {Stat(arm, t, s, p => p.Proxy).Mean:F2} / {Stat(arm, t, s, p => p.TrueScore).Mean:F2} |"));
                sb.AppendLine();
            }
        var claims = Claims();
        sb.AppendLine().AppendLine("## Claims").AppendLine();
        sb.AppendLine($"- PPO raises the proxy: **{Yes(claims.PpoProxyRose)}**");
        sb.AppendLine($"- PPO's true score falls on some task (hacking): **{Yes(claims.PpoTrueFell)}**");
        sb.AppendLine($"- CGPO (CRPG) raises the proxy: **{Yes(claims.CgpoProxyRose)}**");
        sb.AppendLine($"- CGPO's true score does not fall (tolerance 0.05): **{Yes(claims.CgpoTrueHeld)}**");
        sb.AppendLine($"- CGPO ends with a higher true score than PPO: **{Yes(claims.CgpoBeatsPpo)}**");
        sb.AppendLine();
        foreach (var d in claims.Details) sb.AppendLine("    " + d);
        return sb.ToString();
    }

    /// <summary>All points as CSV (one row per arm, seed, step and task).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("arm,seed,step,task,proxy,true_score,kl,length,keyword_count,kl_k3\n");
        foreach (var p in Points)
            sb.AppendLine(F($"{p.Arm},{p.Seed},{p.Step},{p.Task},{p.Proxy:G6},{p.TrueScore:G6},{p.Kl:G6},{p.Length:G6},{p.KeywordCount:G6},{p.KlK3:G6}"));
        return sb.ToString();
    }

    static string Yes(bool b) => b ? "yes" : "no";

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="RewardHackingExperiment.RunArms"/> returns: the evaluations and each arm's final policy (owned by the caller).</summary>
/// <param name="Result">Evaluations of every arm at every evaluated step.</param>
/// <param name="Policies">The trained policy of each arm at its last step, by arm; dispose them.</param>
public sealed record HackingArms(RewardHackingResult Result, IReadOnlyDictionary<string, Policy> Policies) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in Policies.Values) p.Dispose();
    }
}
