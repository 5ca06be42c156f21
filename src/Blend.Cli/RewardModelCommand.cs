using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;
using Blend.Interactive;

namespace Blend.Cli;

/// <summary>
/// <c>blend rm train --pairs FILE.jsonl [--model DIR | --recipe R] [--out DIR]</c>: trains a Bradley–Terry reward model
/// on preference pairs (a held-out part split off by prompt), then writes the checkpoint (<c>OUT/reward-model</c>, the
/// folder a recipe's <c>reward_model</c> reward names), <c>metrics.json</c> and the HTML report, each atomically, and
/// prints the held-out accuracy. Every input is checked before training.
/// </summary>
internal static class RewardModelCommand
{
    /// <summary>The checkpoint folder inside the output folder.</summary>
    public const string CheckpointName = "reward-model";

    /// <summary>What <c>blend rm train</c> was asked to do (flags as given; null: not given).</summary>
    internal sealed record Request(string Pairs)
    {
        public string? Model { get; init; }
        public string? Recipe { get; init; }
        public string? Out { get; init; }
        public int? Steps { get; init; }
        public double? Epochs { get; init; }
        public int? BatchSize { get; init; }
        public double? LearningRate { get; init; }
        public int? Seed { get; init; }
        public double? HeldOut { get; init; }
        public int? EvalEvery { get; init; }
        public string? Name { get; init; }
        public bool Json { get; init; }
        public string? Report { get; init; }
        public bool Force { get; init; }
    }

    public static Command Create()
    {
        var pairs = new Option<string>("--pairs") { Description = "Preference pairs: a JSONL file (task, prompt, chosen, rejected, optional margin) or a folder of them.", Required = true };
        var model = new Option<string?>("--model") { Description = "Start from this policy (a Blend checkpoint or a Hugging Face folder) with a new reward head, as CGPO does." };
        var recipe = new Option<string?>("--recipe") { Description = "Take the model (checkpoint, hf or tiny), seed and output folder from a recipe." };
        var outDir = new Option<string?>("--out") { Description = "Output folder: reward-model/, metrics.json, report.html (default out/rm, or the recipe's output/rm)." };
        var steps = new Option<int?>("--steps") { Description = "Optimizer steps (default 300)." };
        var epochs = new Option<double?>("--epochs") { Description = "Passes over the training pairs instead of --steps (steps = ⌈epochs × pairs / batch⌉)." };
        var batch = new Option<int?>("--batch-size") { Description = "Pairs per step (default 16)." };
        var lr = new Option<double?>("--lr") { Description = "Peak AdamW learning rate (default 1e-3)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the split, initialisation and batch order (default 0, or the recipe's seed)." };
        var heldOut = new Option<double?>("--held-out") { Description = "Fraction of prompts held out for accuracy (default 0.15)." };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Log and evaluate every N steps (default 50)." };
        var name = new Option<string?>("--name") { Description = "The reward model's name (default: reward)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (each logged step, then the result) instead of text." };
        var report = ReportFile.Option();
        var force = new Option<bool>("--force") { Description = "Replace a reward model already in the output folder." };
        var train = new Command("train", "Train a Bradley–Terry reward model on preference pairs; prints held-out accuracy; writes the checkpoint, metrics.json and an HTML report.")
        {
            pairs, model, recipe, outDir, steps, epochs, batch, lr, seed, heldOut, evalEvery, name, json, report, force,
        };
        train.SetAction((r, cancel) => Task.FromResult(Run(new Request(r.GetValue(pairs)!)
        {
            Model = r.GetValue(model), Recipe = r.GetValue(recipe), Out = r.GetValue(outDir), Steps = r.GetValue(steps), Epochs = r.GetValue(epochs),
            BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed), HeldOut = r.GetValue(heldOut),
            EvalEvery = r.GetValue(evalEvery), Name = r.GetValue(name), Json = r.GetValue(json), Report = r.GetValue(report), Force = r.GetValue(force),
        }, r.InvocationConfiguration.Output, cancel)));
        return new Command("rm", "Reward models: blend rm train.") { train };
    }

    /// <summary>Checks every input, trains, writes; returns the exit code. Bad input throws <see cref="UsageException"/> before any work.</summary>
    internal static int Run(Request request, TextWriter output, CancellationToken cancel)
    {
        // 1. Flags and paths.
        if (request.Model is not null && request.Recipe is not null) throw new UsageException("give --model DIR or --recipe R, not both");
        if (request.Steps is not null && request.Epochs is not null) throw new UsageException("give --steps or --epochs, not both");
        if (request.Epochs is double e && !(e > 0 && double.IsFinite(e))) throw new UsageException($"--epochs must be a positive number (is {e.ToString(CultureInfo.InvariantCulture)})");
        if (request.Model is not null && !Directory.Exists(request.Model)) throw new UsageException($"--model: folder '{request.Model}' does not exist");
        var recipe = request.Recipe is null ? null : RecipeReader.Read(request.Recipe);
        var outDir = OutputFolder.Check(request.Out ?? (recipe is null ? Path.Combine("out", "rm") : Path.Combine(recipe.Output, "rm")));
        var checkpoint = Path.Combine(outDir, CheckpointName);
        if (Directory.Exists(checkpoint) && !request.Force) throw new UsageException($"'{checkpoint}' already holds a reward model; pass --force to replace it, or --out to train into another folder");
        var reportPath = ReportFile.Resolve(request.Report, outDir);
        int seed = request.Seed ?? recipe?.Seed ?? 0;
        var options = new RewardTrainingOptions { Seed = seed };
        if (request.BatchSize is int b) options = options with { BatchSize = b };
        if (request.LearningRate is double l) options = options with { LearningRate = l };
        if (request.HeldOut is double h) options = options with { HeldOutFraction = h };
        if (request.EvalEvery is int ev) options = options with { EvalEvery = ev };
        if (request.Steps is int s) options = options with { Steps = s };
        if (request.Name is not null) options = options with { Name = request.Name };
        Validate(options);

        // 2. The pairs (every line, with file, line and field on error) and the split.
        if (!File.Exists(request.Pairs) && !Directory.Exists(request.Pairs)) throw new UsageException($"--pairs: '{request.Pairs}' does not exist");
        var pairs = PreferencePairs.Load(request.Pairs);
        if (pairs.Count == 0) throw new UsageException($"--pairs: '{request.Pairs}' has no preference pairs");
        var split = PreferencePairs.Split(pairs, options.HeldOutFraction, seed);
        if (split.Train.Count == 0) throw new UsageException($"--held-out {options.HeldOutFraction.ToString(CultureInfo.InvariantCulture)} leaves no training pairs of {pairs.Count}; lower it");
        if (request.Epochs is double epochs)
            options = Validate(options with { Steps = Math.Max(1, (int)Math.Ceiling(epochs * split.Train.Count / Math.Min(options.BatchSize, split.Train.Count))) });

        // 3. The starting model (loaded before training: a broken folder is bad input).
        if (recipe is not null && recipe.Device != "auto") BlendRuntime.UseDevice(recipe.Device);
        var log = new CommandLog(output, request.Json);
        var startFolder = request.Model ?? StartFolder(recipe);
        RewardModel? start = null;
        if (startFolder is not null)
        {
            using var policy = LoadStart(startFolder);
            start = RewardModel.FromPolicy(policy, options.Name, seed);
        }
        else if (recipe?.Root.Child("model")?.Child("tiny") is { } tiny)
            options = options with { Config = RecipeBuilder.TinyConfig(tiny) };

        // 4. Train (Ctrl-C stops at the next logged step; nothing is written then).
        log.Phase(string.Create(CultureInfo.InvariantCulture,
            $"reward model '{options.Name}': {options.Steps} steps on {split.Train.Count} pairs, {split.HeldOut.Count} held out{(startFolder is null ? "" : $", from {startFolder}")}"));
        var progress = new SyncProgress<RewardTrainingMetrics>(m =>
        {
            cancel.ThrowIfCancellationRequested();
            log.Write(StepJson(m), "   " + m);
        });
        RewardTrainingResult result;
        try
        {
            result = start is null ? RewardModel.Train(pairs, options, progress) : RewardModel.Train(start, pairs, options, progress);
        }
        catch (OperationCanceledException)
        {
            start?.Dispose();
            log.Phase("interrupted: nothing was written");
            return ExitCodes.Interrupted;
        }
        using var model = result.Model;

        // 5. Write: checkpoint, metrics, report (each atomic).
        model.Save(checkpoint);
        var metrics = Metrics(result, request, seed, checkpoint);
        AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), metrics.ToJsonString(CommandLog.Indented));
        if (reportPath is not null) ReportFile.Write(reportPath, Report(result, request.Pairs));
        log.Write(new JsonObject { ["done"] = true, ["heldout_accuracy"] = Finite(result.HeldOutAccuracy), ["heldout_pairs"] = result.HeldOutPairs, ["train_accuracy"] = result.Train.Accuracy, ["steps"] = result.Steps, ["checkpoint"] = checkpoint, ["report"] = reportPath },
            result.HeldOutPairs > 0
                ? string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {result.HeldOutAccuracy:P1} on {result.HeldOutPairs} pairs (mean margin {result.HeldOutMeanMargin:0.000}); training pairs {result.Train.Accuracy:P1}")
                : string.Create(CultureInfo.InvariantCulture, $"no held-out pairs (--held-out 0); training pairs {result.Train.Accuracy:P1}"));
        log.Text($"wrote {checkpoint}, {Path.Combine(outDir, "metrics.json")}{(reportPath is null ? "" : ", " + reportPath)}");
        return ExitCodes.Ok;
    }

    static string? StartFolder(Recipe? recipe)
    {
        var model = recipe?.Root.Child("model");
        if (model is null) return null;
        return model.String("checkpoint") is { } c ? recipe!.Resolve(c) : model.String("hf") is { } hf ? recipe!.Resolve(hf) : null;
    }

    static Policy LoadStart(string dir)
    {
        try { return Policy.Load(dir); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { throw new UsageException($"--model: {e.Message}"); }
    }

    static readonly (string Property, string Flag)[] Flags =
    [
        ("Steps", "--steps"), ("BatchSize", "--batch-size"), ("LearningRate", "--lr"), ("HeldOutFraction", "--held-out"), ("EvalEvery", "--eval-every"), ("Name", "--name"),
    ];

    /// <summary>The options, or a <see cref="UsageException"/> naming the flag (not the property) that is out of range.</summary>
    static RewardTrainingOptions Validate(RewardTrainingOptions options)
    {
        try { return options.Validate(); }
        catch (ArgumentException e)
        {
            var message = e.Message;
            foreach (var (property, flag) in Flags)
                if (message.StartsWith($"RewardTrainingOptions.{property} ", StringComparison.Ordinal)) return Throw(flag + message[$"RewardTrainingOptions.{property}".Length..]);
            return Throw(message);
        }

        static RewardTrainingOptions Throw(string message) => throw new UsageException(message);
    }

    static double? Finite(double x) => double.IsFinite(x) ? x : null;

    static JsonObject Metrics(RewardTrainingResult result, Request request, int seed, string checkpoint) => new()
    {
        ["name"] = result.Model.Name,
        ["pairs"] = Path.GetFullPath(request.Pairs),
        ["start"] = request.Model is null ? null : Path.GetFullPath(request.Model),
        ["seed"] = seed,
        ["steps"] = result.Steps,
        ["seconds"] = Math.Round(result.Seconds, 2),
        ["train_pairs"] = result.TrainPairs,
        ["heldout_pairs"] = result.HeldOutPairs,
        ["heldout_accuracy"] = Finite(result.HeldOutAccuracy),
        ["heldout_mean_margin"] = Finite(result.HeldOutMeanMargin),
        ["train_accuracy"] = Finite(result.Train.Accuracy),
        ["options"] = new JsonObject
        {
            ["steps"] = result.Options.Steps, ["batch_size"] = result.Options.BatchSize, ["learning_rate"] = result.Options.LearningRate,
            ["held_out_fraction"] = result.Options.HeldOutFraction, ["eval_every"] = result.Options.EvalEvery,
        },
        ["history"] = new JsonArray([.. result.History.Select(m => (JsonNode)StepJson(m))]),
        ["checkpoint"] = checkpoint,
    };

    static JsonObject StepJson(RewardTrainingMetrics m) => new()
    {
        ["step"] = m.Step, ["loss"] = m.Loss, ["train_accuracy"] = m.TrainAccuracy, ["heldout_accuracy"] = m.HeldOutAccuracy,
        ["heldout_margin"] = m.HeldOutMeanMargin, ["lr"] = m.LearningRate, ["seconds"] = Math.Round(m.Seconds, 3),
    };

    static HtmlReport Report(RewardTrainingResult result, string pairs)
    {
        var lead = result.HeldOutPairs > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Measured the reward model's accuracy on {result.HeldOutPairs} held-out pairs (prompts never trained on): {result.HeldOutAccuracy:P1}, mean margin {result.HeldOutMeanMargin:0.000}.")
            : "Nothing was held out (--held-out 0): the accuracy shown is on the training pairs.";
        return new HtmlReport($"blend rm train: {result.Model.Name}")
            .Add("Reward model", RewardModelHtml.TrainingResult(result), lead)
            .AddText("Settings", $"pairs: {Path.GetFullPath(pairs)}\n{result.Options}");
    }
}
