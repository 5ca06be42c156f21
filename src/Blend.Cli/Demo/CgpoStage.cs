using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Cli.Demo;

/// <summary>
/// CGPO (CRPG with a mixture of judges) and PPO on the same tasks, data, seed and budget, from the SFT policy of an earlier
/// stage (<c>context.Shared["policy"]</c>; an untrained tiny policy when there is none), shown side by side.
/// </summary>
internal sealed class CgpoStage : IDemoStage
{
    public string Key => "cgpo";
    public string Title => "CGPO vs PPO";

    static readonly string[] TaskNames = ["math", "safety"];

    public DemoResult Run(DemoContext context)
    {
        var (policy, source) = context.Shared.TryGetValue("policy", out var shared) && shared is Policy p
            ? (p, "the SFT policy of the policy stage")
            : (UntrainedPolicy(context), "an untrained tiny policy (no SFT policy was shared by an earlier stage)");
        int steps = context.Quick ? 3 : 30, batch = context.Quick ? 2 : 4, k = context.Quick ? 2 : 4, evalPrompts = context.Quick ? 8 : 24;
        var runs = new JsonObject();
        var rows = new List<(string Arm, string Task, StepMetrics Last, TaskEvaluation? Eval, double Seconds)>();
        foreach (var (arm, make) in new (string, Func<string, OptimizerOptions>)[]
        {
            ("CGPO (CRPG + judges)", task => new CrpgOptions { NumGenerations = k, KlMax = task == "math" ? 8 : 4 }),
            ("PPO (reward only)", _ => new PpoOptions { NumGenerations = k }),
        })
        {
            var run = Cgpo.Create(policy, seed: context.Seed).Steps(steps).Sampling(maxNewTokens: context.Quick ? 16 : 32).LearningRate(context.Quick ? 1e-3 : 1e-4).EvalSamples(context.Quick ? 1 : 2);
            foreach (var task in TaskNames)
            {
                var train = PromptSet.Load(Path.Combine(context.DataDir, "tasks", $"{task}.train.jsonl"));
                var test = PromptSet.Load(Path.Combine(context.DataDir, "tasks", $"{task}.test.jsonl")).Take(evalPrompts);
                run = run.Task(task, t => t.Prompts(train).EvalPrompts(test).Judges(JudgesFor(task)).Reward(GoldOverlap(train.Concat(test)))
                    .Optimizer(make(task)).Batch(batch));
            }
            var result = run.Train();
            var arms = new JsonObject();
            foreach (var task in TaskNames)
            {
                var last = result.ForTask(task)[^1];
                var eval = result.Evaluation?.Tasks.FirstOrDefault(e => e.Task == task);
                rows.Add((arm, task, last, eval, result.Seconds));
                arms[task] = new JsonObject
                {
                    ["reward"] = last.Reward, ["calibrated_reward"] = last.CalibratedReward, ["pass_rate"] = last.PassRate, ["kl"] = last.Kl,
                    ["eval_calibrated_reward"] = eval?.CalibratedReward, ["eval_pass_rate"] = eval?.PassRate, ["eval_win_rate"] = eval?.WinRate,
                    ["sft_eval_calibrated_reward"] = eval?.ReferenceCalibratedReward, ["sft_eval_pass_rate"] = eval?.ReferencePassRate,
                };
            }
            arms["seconds"] = Math.Round(result.Seconds, 2);
            runs[result.Metrics[0].Optimizer] = arms;
        }
        var metrics = new JsonObject { ["steps"] = steps, ["prompts_per_task"] = batch, ["k"] = k, ["policy"] = source, ["runs"] = runs };
        var cgpo = rows.Where(r => r.Arm.StartsWith("CGPO", StringComparison.Ordinal)).Select(r => r.Eval?.PassRate ?? double.NaN).DefaultIfEmpty(double.NaN).Average();
        var ppo = rows.Where(r => r.Arm.StartsWith("PPO", StringComparison.Ordinal)).Select(r => r.Eval?.PassRate ?? double.NaN).DefaultIfEmpty(double.NaN).Average();
        return new DemoResult(Html(rows, steps, batch, k, source), metrics,
            string.Create(CultureInfo.InvariantCulture, $"CGPO vs PPO, {steps} steps × {TaskNames.Length} tasks: held-out pass rate {cgpo:F2} vs {ppo:F2}"));
    }

    static string Html(List<(string Arm, string Task, StepMetrics Last, TaskEvaluation? Eval, double Seconds)> rows, int steps, int batch, int k, string source)
    {
        static string F(double? x) => x is double v && double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
        var sb = new StringBuilder("<div class=\"blend\">");
        sb.Append(CultureInfo.InvariantCulture, $"<p>Same tasks, data, seed and budget ({steps} steps, {batch} prompts × K = {k} per task and step), from {WebUtility.HtmlEncode(source)}. ");
        sb.Append("Reward: word-overlap F1 with the gold response; judges: math answer format (Judge.Regex), refusal matches the should_refuse label (Judge.Refusal). Held-out columns compare with the SFT policy on the same prompts and seeds.</p>");
        sb.Append("<table><tr><th>optimizer</th><th>task</th><th>reward (last step)</th><th>calibrated</th><th>pass rate</th><th>KL</th><th>held-out calibrated (SFT → run)</th><th>held-out pass rate (SFT → run)</th><th>win rate vs SFT</th></tr>");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(r.Arm)}</td><td>{r.Task}</td><td class=\"num\">{F(r.Last.Reward)}</td><td class=\"num\">{F(r.Last.CalibratedReward)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{F(r.Last.PassRate)}</td><td class=\"num\">{F(r.Last.Kl)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{F(r.Eval?.ReferenceCalibratedReward)} → {F(r.Eval?.CalibratedReward)}</td><td class=\"num\">{F(r.Eval?.ReferencePassRate)} → {F(r.Eval?.PassRate)}</td><td class=\"num\">{F(r.Eval?.WinRate)}</td></tr>");
        }
        sb.Append("</table></div>");
        return sb.ToString();
    }

    static Policy UntrainedPolicy(DemoContext context)
    {
        var corpus = TaskNames.SelectMany(t => PromptSet.Load(Path.Combine(context.DataDir, "tasks", $"{t}.train.jsonl")).Select(i => i.Text)).Take(200);
        var codec = TextCodec.Cl100k().Compact(corpus);
        return Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 96 }, context.Seed);
    }

    static IJudge[] JudgesFor(string task) => task == "math"
        ? [Judge.Regex(@"^The answer is -?\d+\.$", name: "answer-format")]
        : [Judge.Refusal()];

    /// <summary>Word-overlap F1 between a response and its prompt's gold response.</summary>
    static IRewardModel GoldOverlap(PromptSet prompts)
    {
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < prompts.Count; i++) gold.TryAdd(prompts[i].Text, prompts.Responses[i] ?? prompts[i].Reference ?? "");
        return Reward.GoldOverlap(s => gold.GetValueOrDefault(s.Prompt, ""));
    }
}
