using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// Supervised fine-tuning of the shared start policy (the 2-layer, width-64 GPT of the reproductions) on all four shipped
/// tasks, at most 400 examples per task; hands the frozen policy (<c>"policy"</c>) and the task sets (<c>"tasks.train"</c>,
/// <c>"tasks.test"</c>) to later stages and saves it under <c>checkpoints/sft</c>.
/// </summary>
internal sealed class SftStage : IDemoStage
{
    public string Key => "sft";
    public string Title => "Supervised fine-tuning (the shared start policy)";

    const int PerTask = 400;

    public DemoResult Run(DemoContext context)
    {
        var b = context.Budget;
        var tasksDir = Path.Combine(context.DataDir, "tasks");
        var allTrain = SyntheticTasks.LoadShipped(tasksDir, "train");
        var test = SyntheticTasks.LoadShipped(tasksDir, "test");
        var train = SyntheticTasks.Tasks.Select(t => allTrain.ForTask(t).Take(PerTask)).Aggregate((x, y) => x.Concat(y));
        var corpus = allTrain.Select(i => i.Text).Concat(allTrain.Responses.OfType<string>())
            .Concat(test.Select(i => i.Text)).Concat(test.Responses.OfType<string>());
        var codec = TextCodec.Cl100k().Compact(corpus);
        var policy = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), context.Seed);
        var options = new SftOptions
        {
            Steps = b.SftSteps, BatchSize = b.SftBatch, LearningRate = 3e-3, MinLearningRate = 3e-4, WarmupSteps = Math.Max(1, b.SftSteps / 20),
            EvalEvery = Math.Max(1, b.SftSteps / 5), EvalExamples = 128, Seed = context.Seed,
        };
        var progress = context.Progress("SFT", b.SftSteps);
        var result = Sft.Train(policy, train, Mixed(test, options.EvalExamples), options,
            progress.Counting<SftStep>(s => string.Create(CultureInfo.InvariantCulture, $"loss {s.Loss:0.00}")));
        policy.Freeze();
        context.Shared["policy"] = policy;
        context.Shared["tasks.train"] = allTrain;
        context.Shared["tasks.test"] = test;
        var checkpoint = context.SaveCheckpoint("sft", policy);
        var csv = new StringBuilder("step,loss,eval_loss,learning_rate,grad_norm,tokens,seconds\n");
        foreach (var s in result.Steps)
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{s.Step},{s.Loss:G6},{s.EvalLoss?.ToString("G6", CultureInfo.InvariantCulture)},{s.LearningRate:G6},{s.GradNorm:G6},{s.Tokens},{s.Seconds:G6}"));
        context.Export("sft-steps.csv", csv.ToString());

        double first = result.InitialEvalLoss ?? double.NaN, last = result.FinalEvalLoss ?? double.NaN;
        context.Flag(SanityChecks.NllBlewUp(Key, "the SFT policy (held-out loss)", first, last));

        // A few held-out prompts per task, greedy.
        var shown = SyntheticTasks.Tasks.SelectMany(t => test.ForTask(t).Take(2)).ToList();
        var gens = policy.Generate(shown.Select(i => i.Text).ToList(), new GenerationOptions { Greedy = true, MaxNewTokens = 40 });
        var gold = GoldLookup.Of(test);
        var html = new StringBuilder();
        html.Append(PolicyHtml.Summary(policy));
        html.Append("<h3>Loss</h3>").Append(ChartHtml.Fragment(TrainingCharts.Loss(result)));
        html.Append("<h3>Samples (held-out prompts, greedy)</h3>");
        html.Append("<div class=\"blend\"><table><tr><th>task</th><th>prompt</th><th>response</th><th>gold</th></tr>");
        for (int i = 0; i < shown.Count; i++)
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(shown[i].Task)).Append("</td><td>").Append(WebUtility.HtmlEncode(shown[i].Text))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(gens[i].Text)).Append("</td><td class=\"muted\">")
                .Append(WebUtility.HtmlEncode(gold.Get(shown[i].Text) ?? "")).Append("</td></tr>");
        html.Append("</table>").Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Saved to <code>{WebUtility.HtmlEncode(checkpoint)}</code>.</p></div>");
        var metrics = new JsonObject
        {
            ["parameters"] = policy.Model.ParameterCount,
            ["vocab"] = codec.VocabSize,
            ["train_examples"] = train.Count,
            ["steps"] = result.Steps.Count,
            ["seconds_training"] = Math.Round(result.Seconds, 2),
            ["train_loss_first"] = result.Steps[0].Loss,
            ["train_loss_last"] = result.FinalLoss,
            ["eval_loss_initial"] = first,
            ["eval_loss_final"] = last,
            ["checkpoint"] = checkpoint,
        };
        bool fell = last < first;
        var headline = string.Create(CultureInfo.InvariantCulture,
            $"Measured the held-out loss of the start policy over {result.Steps.Count} SFT steps: {first:0.00} → {last:0.00} nats/token, ")
            + (fell ? "falling as supervised training should." : "NOT falling: the start policy did not learn.");
        return new DemoResult(headline, html.ToString(), metrics,
            string.Create(CultureInfo.InvariantCulture, $"SFT {result.Steps.Count} steps: held-out loss {first:0.00} -> {last:0.00} ({result.Seconds:0.0}s)"));
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
}

/// <summary>The gold response of each prompt of a prompt set (the first, when a prompt repeats).</summary>
internal sealed class GoldLookup
{
    readonly Dictionary<string, string> _gold = new(StringComparer.Ordinal);

    GoldLookup() { }

    public static GoldLookup Of(params PromptSet[] sets)
    {
        var g = new GoldLookup();
        foreach (var set in sets)
            for (int i = 0; i < set.Count; i++)
                if (set.Responses[i] is { } r) g._gold.TryAdd(set[i].Text, r);
        return g;
    }

    public string? Get(string prompt) => _gold.GetValueOrDefault(prompt);
}
