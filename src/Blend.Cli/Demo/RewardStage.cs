using System.Globalization;
using System.Text.Json.Nodes;
using Blend.Interactive;

namespace Blend.Cli.Demo;

/// <summary>
/// Trains a reward model on the shipped preference pairs, shows held-out accuracy and the margin histogram, and hands
/// rewards to later stages: <c>reward</c> (the learned model), <c>reward.result</c>, <c>reward.biased</c> (learned + length and
/// "!" bonus, for reward hacking), <c>reward.brevity</c> and <c>reward.detail</c> (the soups' conflicting pair).
/// </summary>
internal sealed class RewardStage : IDemoStage
{
    public string Key => "rewards";
    public string Title => "Reward models";

    public DemoResult Run(DemoContext context)
    {
        var pairs = PreferencePairs.Load(Path.Combine(context.DataDir, "preferences"));
        int steps = context.Budget.RewardSteps;
        var options = new RewardTrainingOptions { Steps = steps, EvalEvery = Math.Max(1, steps / 3), Seed = context.Seed };
        var progress = context.Progress("reward model", steps);
        var result = RewardModel.Train(pairs, options, progress.At<RewardTrainingMetrics>(m => m.Step, m => m.HeldOutAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {a:P0}") : null));
        var rm = result.Model;

        var biased = Reward.Biased(rm, lengthBonus: 0.05, keywordBonus: 0.3, keyword: "!");
        context.Shared["reward"] = rm;
        context.Shared["reward.result"] = result;
        context.Shared["reward.biased"] = biased;
        context.Shared["reward.brevity"] = Reward.Brevity();
        context.Shared["reward.detail"] = Reward.Detail();

        // A mixture on a few held-out chat pairs: the learned reward plus a length rule, each component kept.
        var chat = pairs.Where(p => p.Task == "chat").Take(3).SelectMany(p => new[] { p.ChosenSample(), p.RejectedSample() }).ToList();
        var mixture = RewardMixture.Create("demo")
            .Add("learned", rm, weight: 1.0)
            .Add("brevity", Reward.Brevity(), weight: 0.5)
            .Task("chat", t => t.Add("calibrated", rm.Calibrated(s => pairs.First(p => p.Prompt == s.Prompt).Chosen), weight: 1.0));
        var breakdown = mixture.Evaluate(chat);

        var html = RewardModelHtml.TrainingResult(result) + RewardHtml.Breakdown(breakdown, maxRows: 6);
        var metrics = new JsonObject
        {
            ["pairs"] = pairs.Count,
            ["train_pairs"] = result.TrainPairs,
            ["heldout_pairs"] = result.HeldOutPairs,
            ["heldout_accuracy"] = result.HeldOutAccuracy,
            ["heldout_mean_margin"] = result.HeldOutMeanMargin,
            ["steps"] = result.Steps,
            ["seconds"] = result.Seconds,
            ["by_task"] = new JsonObject(result.HeldOut.ByTask.Select(t => KeyValuePair.Create(t.Group, (JsonNode?)t.Accuracy))),
        };
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"reward model: held-out accuracy {result.HeldOutAccuracy:P1} on {result.HeldOutPairs} pairs, mean margin {result.HeldOutMeanMargin:F2} ({result.Steps} steps, {result.Seconds:F1}s)");
        var headline = string.Create(CultureInfo.InvariantCulture,
            $"Measured a Bradley–Terry reward model on {result.HeldOutPairs} held-out preference pairs: accuracy {result.HeldOutAccuracy:P0} ")
            + (result.HeldOutAccuracy > 0.5 ? "(above the 50 % of chance, as a reward model should be)." : "(NOT above chance).");
        return new DemoResult(headline, html, metrics, summary);
    }
}
