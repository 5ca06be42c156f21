using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// Rewarded soups: two experts fine-tuned from the shared SFT policy on two conflicting rewards (brevity vs detail, on the
/// chat prompts), a λ sweep of their weight interpolation with its Pareto front, and MORL policies trained on weighted
/// rewards for comparison at their training cost; the SFT start, the experts and the MORL points are scored on the same
/// held-out prompts. Saves both experts under <c>checkpoints/</c>.
/// </summary>
internal sealed class SoupStage : IDemoStage
{
    public string Key => "soups";
    public string Title => "Rewarded soups: experts, interpolation and the Pareto front";

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public DemoResult Run(DemoContext context)
    {
        var b = context.Budget;
        var init = context.Shared.TryGetValue("policy", out var o) && o is Policy shared
            ? shared : throw new InvalidOperationException("The soups stage needs the SFT stage's policy (run the stages in order).");
        var tasks = (PromptSet)context.Shared["tasks.train"];
        var train = tasks.ForTask("chat");
        var test = ((PromptSet)context.Shared["tasks.test"]).ForTask("chat").Take(b.SoupEvalPrompts);

        var brevity = Reward.Brevity(maxWords: 24);
        var detail = Reward.Detail(targetDistinctWords: 12);
        var options = new ExpertTrainingOptions
        {
            Steps = b.ExpertSteps, PromptsPerStep = b.ExpertPromptsPerStep, SamplesPerPrompt = b.SamplesPerPrompt, MaxNewTokens = b.MaxNewTokens,
            LearningRate = b.ExpertLearningRate, Beta = 0.05, Seed = context.Seed,
        };
        var morlWeights = b.MorlWeights.Select(m => new[] { m, 1 - m }).ToArray();
        var progress = context.Progress("soup experts and MORL", (2 + morlWeights.Length) * options.Steps);
        var counting = progress.Counting<ExpertStep>(s => string.Create(Inv, $"reward {s.Reward:0.00}"));
        using var a = ExpertTraining.FineTune(init, brevity, train, options, counting);
        using var c = ExpertTraining.FineTune(init, detail, train, options, counting);

        var soup = Soup.Of(a.Policy, c.Policy).Named("brevity expert", "detail expert")
            .Method(Merge.Linear())
            .Lambdas(Lambda.Grid(steps: b.SoupLambdas))
            .Objective(brevity)
            .Objective(detail)
            .Generation(new GenerationOptions { MaxNewTokens = options.MaxNewTokens })
            .SamplesPerPrompt(b.SoupSamples)
            .WithSeed(context.Seed)
            .HypervolumePoint(0, 0)
            .Loss(test);
        var start = soup.Score(init, test);
        var morl = soup.Morl(init, Lambda.Of(morlWeights), train, test, options, counting);
        context.Log.WriteLine(string.Create(Inv, $"   scoring {b.SoupLambdas} soups on {test.Count} prompts × {b.SoupSamples} …"));
        var path = soup.Path(test);
        var sweep = path.Sweep;
        var files = new[] { context.SaveCheckpoint("brevity-expert", a.Policy), context.SaveCheckpoint("detail-expert", c.Policy) };

        // The experts are the sweep's vertices: λ = (1, 0) is the brevity expert, (0, 1) the detail expert.
        var atBrevity = sweep.Points.First(p => p.Lambda[0] > 0.999);
        var atDetail = sweep.Points.First(p => p.Lambda[1] > 0.999);
        double startNll = Sft.Loss(init, test), brevityNll = Sft.Loss(a.Policy, test), detailNll = Sft.Loss(c.Policy, test);
        context.Flag(
            SanityChecks.ExpertWorseThanStart(Key, "the brevity expert", "brevity", start[0], atBrevity.Rewards[0]),
            SanityChecks.ExpertWorseThanStart(Key, "the detail expert", "detail", start[1], atDetail.Rewards[1]),
            SanityChecks.NllBlewUp(Key, "the brevity expert (NLL of the gold chat responses)", startNll, brevityNll),
            SanityChecks.NllBlewUp(Key, "the detail expert (NLL of the gold chat responses)", startNll, detailNll));

        var morlPoints = morl.Points.Select(p => p.Rewards).Append(atBrevity.Rewards).Append(atDetail.Rewards).ToList();
        double morlHv = Hypervolume.Of(morlPoints, sweep.HypervolumeReference);
        double startHv = Hypervolume.Of([start], sweep.HypervolumeReference);
        int morlRuns = morl.TrainingRuns + 2;
        context.Export("soup-points.csv", PointsCsv(sweep, morl, start));
        context.Export("expert-steps.csv", ExpertCsv(a, c));

        bool bothBeat = atBrevity.Rewards[0] > start[0] && atDetail.Rewards[1] > start[1];
        bool close = sweep.Hypervolume >= 0.9 * morlHv;
        var headline = string.Create(Inv,
            $"Measured brevity and detail on {test.Count} held-out chat prompts: the brevity expert scores {atBrevity.Rewards[0]:0.000} on brevity and the detail expert {atDetail.Rewards[1]:0.000} on detail, against the SFT start's {start[0]:0.000} and {start[1]:0.000}; "
            + $"the soup front's hypervolume is {sweep.Hypervolume:0.000} from 2 trainings against MORL's {morlHv:0.000} from {morlRuns} — ")
            + (bothBeat && close ? "both experts specialize and the soups match MORL at a fraction of its cost, as rewarded soups predict."
                : "NOT as rewarded soups predict (" + string.Join(", ", new[] { (bothBeat, "an expert does not beat the start on its own reward"), (close, "the soup front's hypervolume is below 0.9 × MORL's") }.Where(x => !x.Item1).Select(x => x.Item2)) + ").");

        var html = new StringBuilder("<div class=\"blend\">");
        html.Append(Inv, $"<p>Rewards: brevity = 1 − min(words, 24)/24, detail = min(1, distinct words of ≥ 4 letters / 12). Experts fine-tuned from the SFT start with RLOO (K = {options.SamplesPerPrompt}, β = {options.Beta}, lr {options.LearningRate:G3}, {options.Steps} steps × {options.PromptsPerStep} prompts each); ");
        html.Append(Inv, $"training reward first → last 3 steps: brevity {a.RewardCurve[0]:0.00} → {a.RewardCurve.TakeLast(3).Average():0.00}, detail {c.RewardCurve[0]:0.00} → {c.RewardCurve.TakeLast(3).Average():0.00}. ");
        html.Append(Inv, $"Soups θ(λ) = λ θ_brevity + (1 − λ) θ_detail on a {b.SoupLambdas}-point grid; MORL: one more fine-tune per μ on μ·brevity + (1 − μ)·detail. Everything scored on the same {test.Count} held-out prompts × {b.SoupSamples} samples.</p>");
        html.Append(ChartHtml.Fragment(ParetoCharts.Front(sweep, morl, start)));
        html.Append(Inv, $"<p>Hypervolume (reference (0, 0), both rewards in [0, 1]): soups <b>{sweep.Hypervolume:0.0000}</b> from <b>2</b> training runs; MORL (with the two experts as its μ = 1 and μ = 0 runs) <b>{morlHv:0.0000}</b> from <b>{morlRuns}</b>; the SFT start alone {startHv:0.0000}. ");
        html.Append(Inv, $"{sweep.Front.Count} of {sweep.Points.Count} soups are non-dominated. Smallest reward gap to the straight line between the experts: brevity {path.MinRewardGap[0]:+0.000;-0.000}, detail {path.MinRewardGap[1]:+0.000;-0.000}; NLL barrier {path.LossBarrier ?? double.NaN:+0.000;-0.000} nats/token.</p>");
        html.Append(ChartHtml.Fragment(ParetoCharts.Lambda(sweep)));
        html.Append("<table><tr><th>policy</th><th>brevity</th><th>detail</th><th>NLL (nats/token)</th><th>front</th></tr>");
        html.Append(Inv, $"<tr><td>SFT start</td><td class=\"num\">{start[0]:0.000}</td><td class=\"num\">{start[1]:0.000}</td><td class=\"num\">{startNll:0.000}</td><td></td></tr>");
        var front = sweep.Front.Indices.ToHashSet();
        foreach (var p in sweep.Points)
        {
            string name = p.Lambda[0] > 0.999 ? "brevity expert" : p.Lambda[1] > 0.999 ? "detail expert" : "soup λ = " + p.Lambda[0].ToString("0.##", Inv);
            html.Append(Inv, $"<tr><td>{name}</td><td class=\"num\">{p.Rewards[0]:0.000}</td><td class=\"num\">{p.Rewards[1]:0.000}</td><td class=\"num\">{p.Nll ?? double.NaN:0.000}</td><td>{(front.Contains(p.Index) ? "<span class=\"badge pass\">non-dominated</span>" : "")}</td></tr>");
        }
        foreach (var p in morl.Points)
            html.Append(Inv, $"<tr><td>MORL μ = {p.Lambda[0]:0.##}</td><td class=\"num\">{p.Rewards[0]:0.000}</td><td class=\"num\">{p.Rewards[1]:0.000}</td><td></td><td class=\"muted\">1 extra run</td></tr>");
        html.Append("</table><p class=\"muted\">Per-step expert metrics: <code>expert-steps.csv</code>; every scored point: <code>soup-points.csv</code>; experts: ")
            .Append(string.Join(", ", files.Select(f => "<code>" + DemoHtml.Encode(f) + "</code>"))).Append(".</p></div>");

        var metrics = new JsonObject
        {
            ["start_rewards"] = new JsonArray(start[0], start[1]),
            ["start_nll"] = startNll,
            ["brevity_expert_rewards"] = new JsonArray(atBrevity.Rewards[0], atBrevity.Rewards[1]),
            ["detail_expert_rewards"] = new JsonArray(atDetail.Rewards[0], atDetail.Rewards[1]),
            ["brevity_expert_nll"] = brevityNll,
            ["detail_expert_nll"] = detailNll,
            ["experts_beat_start"] = bothBeat,
            ["expert_training_reward"] = new JsonObject
            {
                ["brevity"] = new JsonArray(a.RewardCurve[0], a.RewardCurve.TakeLast(3).Average()),
                ["detail"] = new JsonArray(c.RewardCurve[0], c.RewardCurve.TakeLast(3).Average()),
            },
            ["soups"] = sweep.Points.Count,
            ["front_points"] = sweep.Front.Count,
            ["hypervolume_soup"] = sweep.Hypervolume,
            ["hypervolume_morl"] = morlHv,
            ["hypervolume_start"] = startHv,
            ["training_runs_soup"] = 2,
            ["training_runs_morl"] = morlRuns,
            ["reference"] = new JsonArray(sweep.HypervolumeReference[0], sweep.HypervolumeReference[1]),
            ["lmc_min_gap"] = new JsonArray(path.MinRewardGap[0], path.MinRewardGap[1]),
            ["nll_barrier"] = path.LossBarrier,
            ["as_predicted"] = bothBeat && close,
            ["checkpoints"] = new JsonArray([.. files.Select(f => (JsonNode?)f)]),
        };
        return new DemoResult(headline, html.ToString(), metrics,
            string.Create(Inv, $"experts vs start: brevity {atBrevity.Rewards[0]:0.000} vs {start[0]:0.000}, detail {atDetail.Rewards[1]:0.000} vs {start[1]:0.000}; HV soup {sweep.Hypervolume:0.000} (2 runs) vs MORL {morlHv:0.000} ({morlRuns} runs)"));
    }

    static string PointsCsv(SoupSweep sweep, MorlBaseline morl, IReadOnlyList<double> start)
    {
        var sb = new StringBuilder("kind,lambda_brevity,brevity,detail,nll,non_dominated\n");
        sb.AppendLine(string.Create(Inv, $"start,,{start[0]:G6},{start[1]:G6},,"));
        var front = sweep.Front.Indices.ToHashSet();
        foreach (var p in sweep.Points)
            sb.AppendLine(string.Create(Inv, $"soup,{p.Lambda[0]:G6},{p.Rewards[0]:G6},{p.Rewards[1]:G6},{p.Nll?.ToString("G6", Inv)},{(front.Contains(p.Index) ? 1 : 0)}"));
        foreach (var p in morl.Points)
            sb.AppendLine(string.Create(Inv, $"morl,{p.Lambda[0]:G6},{p.Rewards[0]:G6},{p.Rewards[1]:G6},,"));
        return sb.ToString();
    }

    static string ExpertCsv(params ExpertRun[] runs)
    {
        var sb = new StringBuilder("expert,step,reward,kl_k1\n");
        foreach (var r in runs)
            for (int i = 0; i < r.RewardCurve.Count; i++)
                sb.AppendLine(string.Create(Inv, $"{r.Reward},{i + 1},{r.RewardCurve[i]:G6},{r.KlCurve[i]:G6}"));
        return sb.ToString();
    }
}
