using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Repro;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// CGPO's reward-hacking claim at toy scale: PPO and CRPG (with judges) trained from the shared SFT policy for the same
/// budget against a proxy reward with planted flaws (a bonus per word and per "!") on the chat and safety tasks, evaluated
/// on held-out prompts every few steps by the judges of what each task wants (the reduced setup of <c>blend repro cgpo</c>;
/// here chat must also state the gold answer). Saves both trained policies under <c>checkpoints/</c>.
/// </summary>
internal sealed class CgpoStage : IDemoStage
{
    public string Key => "cgpo";
    public string Title => "CGPO vs PPO: reward hacking on a flawed proxy";

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public DemoResult Run(DemoContext context)
    {
        var b = context.Budget;
        var sft = context.Shared.TryGetValue("policy", out var p) && p is Policy shared
            ? shared : throw new InvalidOperationException("The CGPO stage needs the SFT stage's policy (run the stages in order).");
        var train = (PromptSet)context.Shared["tasks.train"];
        var test = (PromptSet)context.Shared["tasks.test"];
        var gold = GoldLookup.Of(train, test);
        var defaults = RewardHackingExperiment.DefaultJudges();
        var judges = new Dictionary<string, IJudge>
        {
            ["chat"] = Judge.AllOf("concise-calm-correct", defaults["chat"], Judge.GoldAnswer(s => gold.Get(s.Prompt))),
            ["safety"] = defaults["safety"],
        };
        var options = new RewardHackingOptions
        {
            Seeds = 1, FirstSeed = context.Seed, Steps = b.CgpoSteps, EvalEvery = b.CgpoEvalEvery, PromptsPerStep = b.CgpoPromptsPerStep,
            SamplesPerPrompt = b.SamplesPerPrompt, EvalPrompts = b.CgpoEvalPrompts, LearningRate = b.CgpoLearningRate, MaxNewTokens = b.MaxNewTokens,
            KlMax = b.CgpoKlMax, Arms = ["ppo", "crpg"],
        };
        var progress = context.Progress("CGPO stage (PPO then CRPG)", options.Arms.Count * options.Steps);
        var steps = new List<(string Arm, StepMetrics Step)>();
        var relay = new SyncProgress<(string Arm, StepMetrics Step)>(x =>
        {
            steps.Add(x);
            if (x.Step.Task == "chat")
                progress.Report(options.Arms.ToList().IndexOf(x.Arm) * options.Steps + x.Step.Step, x.Arm + string.Create(Inv, $" reward {x.Step.Reward:0.00}"));
        });
        using var arms = RewardHackingExperiment.RunArms(sft, train, test, options, context.Seed, judges, steps: relay);
        var result = arms.Result;
        var files = arms.Policies.Select(kv => context.SaveCheckpoint(kv.Key, kv.Value)).ToList();
        context.Export("cgpo-eval.csv", result.ToCsv());
        context.Export("cgpo-steps.jsonl", string.Concat(steps.Select(s => StepJson(s.Arm, s.Step) + "\n")));
        context.Export("cgpo-steps.csv", StepsCsv(steps));

        int last = result.Steps[^1];
        foreach (var task in result.Tasks)
        {
            context.Flag(SanityChecks.KlOverBudget(Key, "CRPG", task, result.Stat("crpg", task, last, x => x.KlK3).Mean, options.KlMax));
            context.Flag(SanityChecks.JudgesDegenerate(Key, $"task {task} at step 0", result.Stat("crpg", task, 0, x => x.TrueScore).Mean, options.EvalPrompts));
        }

        double Mean(string arm, int step, Func<HackingPoint, double> f) => result.Tasks.Average(t => result.Stat(arm, t, step, f).Mean);
        double ppoProxy0 = Mean("ppo", 0, x => x.Proxy), ppoProxy1 = Mean("ppo", last, x => x.Proxy);
        double ppoTrue0 = Mean("ppo", 0, x => x.TrueScore), ppoTrue1 = Mean("ppo", last, x => x.TrueScore);
        double crpgProxy1 = Mean("crpg", last, x => x.Proxy), crpgTrue1 = Mean("crpg", last, x => x.TrueScore);
        var claims = result.Claims();
        bool predicted = claims.PpoProxyRose && claims.PpoTrueFell && claims.CgpoTrueHeld && claims.CgpoBeatsPpo;
        var headline = string.Create(Inv,
            $"Measured proxy reward and judged score on held-out prompts over {last} RL steps: PPO's proxy went {ppoProxy0:0.00} → {ppoProxy1:0.00} while its judged score went {ppoTrue0:0.00} → {ppoTrue1:0.00}; CRPG with judges ended at judged {crpgTrue1:0.00} (proxy {crpgProxy1:0.00}) — ")
            + (predicted ? "PPO hacked the proxy and CRPG held, as CGPO predicts."
                : "NOT as CGPO predicts (" + string.Join(", ", new[] { (claims.PpoProxyRose, "PPO's proxy did not rise"), (claims.PpoTrueFell, "PPO's judged score did not fall"), (claims.CgpoTrueHeld, "CRPG's judged score fell"), (claims.CgpoBeatsPpo, "CRPG did not end above PPO") }.Where(c => !c.Item1).Select(c => c.Item2)) + ").");

        var html = new StringBuilder("<div class=\"blend\">");
        html.Append(Inv, $"<p>Proxy = 1[the task's judges pass] + {options.LengthBonus} per word + {options.KeywordBonus} per \"{options.Keyword}\": a reward model with planted flaws. ");
        html.Append("Judges (what each task wants): chat — at most 12 words, no \"!\", and the gold answer's words (Judge.GoldAnswer); safety — refuse exactly the harmful prompts, in at most 16 words. ");
        html.Append(Inv, $"PPO optimises the proxy with a per-token KL penalty β = {options.PpoKlCoef}; CRPG optimises the calibrated proxy only on responses the judges pass, inside KL_max = {options.KlMax} nats. Same start, prompts, seed ({context.Seed}), K = {options.SamplesPerPrompt}, {options.PromptsPerStep} prompts per task and step, lr {options.LearningRate:G3}, {options.Steps} steps; {options.EvalPrompts} held-out prompts per task, sampled at temperature 1 with the same seed at every evaluation.</p>");
        html.Append(ChartHtml.Fragment(HackingCharts.Proxy(result)));
        html.Append(ChartHtml.Fragment(HackingCharts.JudgedScore(result)));
        html.Append(ChartHtml.Fragment(HackingCharts.Kl(result)));
        html.Append("<table><tr><th>arm</th><th>task</th><th>proxy (SFT → end)</th><th>judged score (SFT → end)</th><th>KL k3 (nats)</th><th>log-ratio k1</th><th>length (words)</th></tr>");
        foreach (var arm in result.Arms)
            foreach (var task in result.Tasks)
            {
                HackingPoint s0 = result.At(arm, task, 0)[0], s1 = result.At(arm, task, last)[0];
                html.Append(Inv, $"<tr><td>{(arm == "ppo" ? "PPO" : "CRPG + judges")}</td><td>{task}</td><td class=\"num\">{s0.Proxy:0.000} → {s1.Proxy:0.000}</td><td class=\"num\">{s0.TrueScore:0.000} → {s1.TrueScore:0.000}</td>");
                html.Append(Inv, $"<td class=\"num\">{s1.KlK3:0.00}</td><td class=\"num\">{s1.Kl:0.00}</td><td class=\"num\">{s0.Length:0.0} → {s1.Length:0.0}</td></tr>");
            }
        html.Append("</table>");
        html.Append("<p class=\"muted\">KL: k3 = Σ_t (e^{−d_t} − 1 + d_t) with d_t the per-token log-ratio, an estimate that cannot be negative; the raw log-ratio k1 = Σ_t d_t is unbiased too but a finite batch can make it negative. ");
        html.Append("Per-step training metrics: <code>cgpo-steps.csv</code>, <code>cgpo-steps.jsonl</code>; evaluations: <code>cgpo-eval.csv</code>; policies: ")
            .Append(string.Join(", ", files.Select(f => "<code>" + DemoHtml.Encode(f) + "</code>"))).Append(".</p></div>");

        var runs = new JsonObject();
        foreach (var arm in result.Arms)
        {
            var tasks = new JsonObject();
            foreach (var task in result.Tasks)
            {
                var curve = result.Steps.Select(s => result.At(arm, task, s)[0]).ToList();
                tasks[task] = new JsonObject
                {
                    ["steps"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.Step)]),
                    ["proxy"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.Proxy)]),
                    ["judged"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.TrueScore)]),
                    ["kl_k3"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.KlK3)]),
                    ["kl_k1"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.Kl)]),
                    ["length_words"] = new JsonArray([.. curve.Select(x => (JsonNode?)x.Length)]),
                };
            }
            runs[arm] = tasks;
        }
        var metrics = new JsonObject
        {
            ["arms"] = runs,
            ["as_predicted"] = predicted,
            ["claims"] = new JsonObject
            {
                ["ppo_proxy_rose"] = claims.PpoProxyRose, ["ppo_judged_fell"] = claims.PpoTrueFell, ["crpg_proxy_rose"] = claims.CgpoProxyRose,
                ["crpg_judged_held"] = claims.CgpoTrueHeld, ["crpg_beats_ppo"] = claims.CgpoBeatsPpo, ["details"] = new JsonArray([.. claims.Details.Select(d => (JsonNode?)d)]),
            },
            ["checkpoints"] = new JsonArray([.. files.Select(f => (JsonNode?)f)]),
        };
        var summary = string.Create(Inv, $"PPO proxy {ppoProxy0:0.00} -> {ppoProxy1:0.00}, judged {ppoTrue0:0.00} -> {ppoTrue1:0.00}; CRPG judged {Mean("crpg", 0, x => x.TrueScore):0.00} -> {crpgTrue1:0.00}") + (predicted ? " (as predicted)" : " (NOT as predicted)");
        return new DemoResult(headline, html.ToString(), metrics, summary);
    }

    static string StepJson(string arm, StepMetrics m)
    {
        var node = JsonSerializer.SerializeToNode(m, Json)!.AsObject();
        node.Remove("judges");
        node["arm"] = arm;
        node["judges"] = new JsonObject(m.Judges.Select(j => KeyValuePair.Create(j.Judge, (JsonNode?)j.PassRate)));
        return node.ToJsonString(Json);
    }

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    static string StepsCsv(List<(string Arm, StepMetrics Step)> steps)
    {
        var sb = new StringBuilder("arm,step,task,optimizer,reward,calibrated_reward,pass_rate,kl_k1,kl_k3,length_tokens,entropy,loss,grad_norm,seconds\n");
        foreach (var (arm, m) in steps)
            sb.AppendLine(string.Create(Inv, $"{arm},{m.Step},{m.Task},{m.Optimizer},{m.Reward:G6},{m.CalibratedReward:G6},{m.PassRate:G6},{m.Kl:G6},{m.KlK3:G6},{m.Length:G6},{m.Entropy:G6},{m.Loss:G6},{m.GradNorm:G6},{m.GenerateSeconds + m.JudgeSeconds + m.ScoreSeconds + m.UpdateSeconds:G6}"));
        return sb.ToString();
    }
}
