using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// Supervised fine-tuning of the tiny policy on the shipped synthetic tasks; hands the trained policy (<c>"policy"</c>), its
/// codec (<c>"codec"</c>) and the task sets (<c>"tasks.train"</c>, <c>"tasks.test"</c>) to later stages.
/// </summary>
internal sealed partial class SftStage : IDemoStage
{
    public string Key => "sft";
    public string Title => "Supervised fine-tuning (policy)";

    public DemoResult Run(DemoContext context)
    {
        var tasksDir = Path.Combine(context.DataDir, "tasks");
        var train = SyntheticTasks.LoadShipped(tasksDir, "train");
        var test = SyntheticTasks.LoadShipped(tasksDir, "test");
        var corpus = train.Select(i => i.Text).Concat(train.Responses.Select(r => r ?? ""))
            .Concat(test.Select(i => i.Text)).Concat(test.Responses.Select(r => r ?? ""));
        var codec = TextCodec.Cl100k().Compact(corpus);
        // Full mode: the 4-layer, width-128 rotary recipe of the math benchmark (more steps per second than width 256 buy
        // more than its capacity). A fixed step count, not a time limit, so the same seed gives the same policy.
        var config = context.Quick
            ? GptConfig.Tiny(codec.VocabSize)
            : GptConfig.Small(codec.VocabSize) with { Width = 128, ContextLength = 128, Positions = GptPositions.Rotary };
        var policy = Policy.Create(codec, config, context.Seed);
        var options = context.Quick
            ? new SftOptions { Steps = 60, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 6, EvalEvery = 20, EvalExamples = 96, Seed = context.Seed }
            : new SftOptions { Steps = 600, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 30, EvalEvery = 100, EvalExamples = 256, Seed = context.Seed };
        var result = Sft.Train(policy, train, Mixed(test, options.EvalExamples), options);
        context.Shared["policy"] = policy;
        context.Shared["codec"] = codec;
        context.Shared["tasks.train"] = train;
        context.Shared["tasks.test"] = test;

        // A few held-out prompts per task, greedy.
        var shown = SyntheticTasks.Tasks.SelectMany(t => test.ForTask(t).Take(2)).ToList();
        var gens = policy.Generate(shown.Select(i => i.Text).ToList(), new GenerationOptions { Greedy = true, MaxNewTokens = 40 });
        var math = test.ForTask("math").Take(context.Quick ? 20 : 100).ToList();
        var mathGens = policy.Generate(math.Select(i => i.Text).ToList(), new GenerationOptions { Greedy = true, MaxNewTokens = 10 });
        int correct = math.Zip(mathGens).Count(p => Answer().Match(p.Second.Text) is { Success: true } m && m.Groups[1].Value == p.First.Reference);
        double exact = math.Count == 0 ? 0 : correct / (double)math.Count;

        var html = new StringBuilder();
        html.Append(PolicyHtml.Summary(policy));
        html.Append("<h3>Loss</h3>").Append(PolicyHtml.LossCurve(result));
        html.Append("<h3>Samples (held-out prompts, greedy)</h3>");
        html.Append("<div class=\"blend\"><table><tr><th>task</th><th>prompt</th><th>response</th><th>gold</th></tr>");
        for (int i = 0; i < shown.Count; i++)
        {
            int k = test.ToList().IndexOf(shown[i]);
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(shown[i].Task)).Append("</td><td>").Append(WebUtility.HtmlEncode(shown[i].Text))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(gens[i].Text)).Append("</td><td class=\"muted\">")
                .Append(WebUtility.HtmlEncode(k >= 0 ? test.Responses[k] ?? "" : "")).Append("</td></tr>");
        }
        html.Append("</table>").Append(CultureInfo.InvariantCulture, $"<p>math exact match (greedy, {math.Count} held-out prompts): <span class=\"num\">{100 * exact:0.#}%</span></p></div>");
        var metrics = new JsonObject
        {
            ["parameters"] = policy.Model.ParameterCount,
            ["vocab"] = codec.VocabSize,
            ["steps"] = result.Steps.Count,
            ["seconds"] = Math.Round(result.Seconds, 2),
            ["train_loss_first"] = result.Steps[0].Loss,
            ["train_loss_last"] = result.FinalLoss,
            ["eval_loss_initial"] = result.InitialEvalLoss,
            ["eval_loss_final"] = result.FinalEvalLoss,
            ["math_exact_match"] = exact,
        };
        return new DemoResult(html.ToString(), metrics,
            $"SFT {result.Steps.Count} steps: held-out loss {result.InitialEvalLoss:0.00} -> {result.FinalEvalLoss:0.00}, math exact {100 * exact:0}% ({result.Seconds:0.0}s)");
    }

    static PromptSet Mixed(PromptSet test, int count)
    {
        // Round-robin over tasks so the held-out loss covers all of them.
        var perTask = SyntheticTasks.Tasks.Select(t => test.ForTask(t)).ToList();
        var items = new List<PromptItem>();
        var responses = new List<string?>();
        for (int i = 0; items.Count < count && perTask.Any(p => i < p.Count); i++)
            foreach (var p in perTask)
                if (i < p.Count && items.Count < count) { items.Add(p[i]); responses.Add(p.Responses[i]); }
        return new PromptSet(items, responses);
    }

    [GeneratedRegex(@"^The answer is (-?\d+)\.$")]
    private static partial Regex Answer();
}
