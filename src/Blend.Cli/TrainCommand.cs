using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;
using Spectre.Console;

namespace Blend.Cli;

/// <summary>
/// <c>blend train --recipe R [--resume]</c>: the recipe's optional SFT stage, then its CGPO run with checkpoints in
/// output/checkpoint. Ctrl-C finishes the step in progress, saves a checkpoint and exits with code 130; <c>--resume</c>
/// continues exactly (same numbers as an uninterrupted run on CPU). Results (policy/, metrics.json) are written atomically.
/// </summary>
internal static class TrainCommand
{
    static readonly JsonSerializerOptions Indented = CommandLog.Indented;
    static readonly JsonSerializerOptions Line = CommandLog.Compact;

    /// <summary>Metrics may be NaN (a clip fraction without a clipped ratio, k3 for offline pairs): written as "NaN", as the checkpoint does.</summary>
    static readonly JsonSerializerOptions Numbers = new(CommandLog.Compact) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "The recipe to train.", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in the output folder." };
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: the recipe's output)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (each step's metrics, then the result) instead of progress bars." };
        var report = ReportFile.Option();
        var cmd = new Command("train", "Train a recipe: SFT (optional), then CGPO with its judges, rewards and per-task optimizers; Ctrl-C saves a checkpoint, --resume continues it.")
        {
            recipe, resume, outDir, json, report,
        };
        cmd.SetAction((r, cancel) => Task.FromResult(Run(r.GetValue(recipe)!, r.GetValue(resume), r.GetValue(outDir), r.GetValue(json), r.InvocationConfiguration.Output, cancel, report: r.GetValue(report))));
        return cmd;
    }

    /// <summary>Trains; returns the exit code. Throws <see cref="RecipeException"/>/<see cref="UsageException"/> for bad input before any work.</summary>
    internal static int Run(string recipePath, bool resume, string? outDir, bool json, TextWriter output, CancellationToken cancel, IProgress<StepMetrics>? observer = null, string? report = null)
    {
        var recipe = RecipeReader.Read(recipePath);
        if (outDir is not null) recipe = recipe with { Root = recipe.Root with { Object = WithOutput(recipe.Root.Object, OutputFolder.Check(outDir)) } };
        var reportPath = ReportFile.Resolve(report, recipe.Output);
        using var builder = new RecipeBuilder(recipe);
        var checkpoint = builder.CheckpointFolder;
        var parent = Path.GetDirectoryName(checkpoint)!;
        bool hasCheckpoint = Directory.Exists(checkpoint) || Directory.Exists(parent) && Directory.GetDirectories(parent, "checkpoint.old-*").Length > 0;
        if (resume && !hasCheckpoint) throw new UsageException($"--resume: there is no checkpoint in '{checkpoint}' (run without --resume first)");
        if (!resume && hasCheckpoint) throw new UsageException($"'{checkpoint}' already holds a checkpoint; pass --resume to continue it, or --out to train into another folder");
        builder.UseDevice();
        var log = new Log(output, json);

        var sftFolder = Path.Combine(recipe.Output, "sft");
        Policy policy;
        if (resume && File.Exists(Path.Combine(sftFolder, "config.json"))) policy = Policy.Load(sftFolder);
        else
        {
            policy = builder.LoadPolicy();
            if (builder.Sft() is var (options, train, eval))
            {
                log.Phase($"SFT: {options.Steps} steps on {train.Count} examples");
                var sft = Sft.Train(policy, train, eval, options with { Cancellation = cancel }, new SyncProgress<SftStep>(s => log.Sft(s, options.Steps)));
                if (LoraAdapter.Of(policy) is { } sftAdapter)
                {
                    sftAdapter.Save(Path.Combine(recipe.Output, "sft-adapter"));
                    var merged = sftAdapter.Merge();
                    policy.Dispose();
                    policy = merged;
                }
                policy.Save(sftFolder);
                log.Phase(string.Create(CultureInfo.InvariantCulture, $"SFT done: loss {sft.FinalLoss:0.000}, held-out {sft.FinalEvalLoss:0.000}"));
            }
        }
        using var reference = recipe.Root.String("reference") is { } r ? Policy.Load(recipe.Resolve(r)) : null;
        var run = builder.Run(policy, reference ?? policy).Cancellation(cancel);
        if (resume) run = run.ResumeFrom(checkpoint);
        int steps = recipe.Budget.Int("steps") ?? 60;
        log.Phase($"CGPO: {steps} steps, tasks {string.Join(", ", builder.TaskNames)}{(resume ? " (resuming)" : "")}");
        CgpoResult result;
        try
        {
            result = log.Training(steps, builder.TaskNames.Count, progress => run.Train(Combine(progress, observer)));
        }
        catch (OperationCanceledException e)
        {
            return CommandProgress.Interrupted(output, e, $"Continue with: blend train --recipe {recipePath} --resume{(outDir is null ? "" : " --out " + outDir)}");
        }
        if (LoraAdapter.Of(result.Policy) is { } adapter)
        {
            adapter.Save(Path.Combine(recipe.Output, "adapter"));
            using var merged = adapter.Merge();
            merged.Save(Path.Combine(recipe.Output, "policy"));
        }
        else result.Policy.Save(Path.Combine(recipe.Output, "policy"));
        var metrics = new JsonObject
        {
            ["recipe"] = recipe.Name,
            ["seed"] = recipe.Seed,
            ["steps"] = result.Steps,
            ["seconds"] = Math.Round(result.Seconds, 2),
            ["metrics"] = JsonSerializer.SerializeToNode(result.Metrics, Numbers),
            ["evaluation"] = result.Evaluation is null ? null : JsonSerializer.SerializeToNode(result.Evaluation.Tasks, Numbers),
        };
        AtomicFile.WriteAllText(Path.Combine(recipe.Output, "metrics.json"), metrics.ToJsonString(Indented));
        ReportFile.Write(reportPath!, Report(recipe, result));
        if (json) output.WriteLine(new JsonObject { ["done"] = true, ["output"] = recipe.Output, ["steps"] = result.Steps, ["report"] = reportPath }.ToJsonString(Line));
        else
        {
            foreach (var task in builder.TaskNames)
                if (result.ForTask(task) is { Count: > 0 } rows)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{task,-14} reward {rows[^1].Reward,8:0.000}  calibrated {rows[^1].CalibratedReward:0.000}  pass {rows[^1].PassRate:0.00}  KL {rows[^1].Kl:0.000}"));
            output.WriteLine($"wrote {Path.Combine(recipe.Output, "policy")}, metrics.json and {reportPath}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The run's offline page: the training curves and evaluation per task (Blend.Interactive's CGPO renderer), and the judge pass rates.</summary>
    static Blend.Interactive.HtmlReport Report(Recipe recipe, CgpoResult result)
    {
        var last = result.Tasks.Select(t => result.ForTask(t) is { Count: > 0 } rows
            ? string.Create(CultureInfo.InvariantCulture, $"{t}: reward {rows[^1].Reward:0.000}, pass rate {rows[^1].PassRate:0.00}, KL {rows[^1].Kl:0.000}") : $"{t}: no steps");
        var lead = $"Measured {result.Steps} CGPO steps of recipe '{recipe.Name}' (seed {recipe.Seed}); at the last step {string.Join("; ", last)}.";
        var page = new Blend.Interactive.HtmlReport($"blend train: {recipe.Name}").Add("CGPO run", Blend.Interactive.TrainingHtml.Cgpo(result), lead);
        if (result.Metrics.Count > 0) page.Add("Judge pass rates", Blend.Interactive.ChartHtml.Fragment(Blend.Interactive.TrainingCharts.PassRates(result.Metrics)));
        return page;
    }

    static JsonObject WithOutput(JsonObject root, string output)
    {
        var copy = root.DeepClone().AsObject();
        copy["output"] = output;
        return copy;
    }

    static IProgress<StepMetrics> Combine(IProgress<StepMetrics> a, IProgress<StepMetrics>? b) => b is null ? a : new SyncProgress<StepMetrics>(m => { a.Report(m); b.Report(m); });

    /// <summary>Human output (Spectre.Console progress on a terminal, plain lines otherwise) or JSON lines.</summary>
    sealed class Log(TextWriter output, bool json)
    {
        public void Phase(string text)
        {
            if (json) output.WriteLine(new JsonObject { ["phase"] = text }.ToJsonString(Line));
            else output.WriteLine("== " + text);
        }

        public void Sft(SftStep s, int steps)
        {
            if (json) output.WriteLine(new JsonObject { ["sft_step"] = s.Step, ["loss"] = s.Loss, ["eval_loss"] = s.EvalLoss }.ToJsonString(Line));
            else if (s.EvalLoss is double e || s.Step == steps) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   sft step {s.Step}/{steps}: loss {s.Loss:0.000}{(s.EvalLoss is double v ? $", held-out {v:0.000}" : "")}"));
        }

        public CgpoResult Training(int steps, int tasks, Func<IProgress<StepMetrics>, CgpoResult> train) =>
            CommandProgress.Run(output, json, "CGPO steps", steps * Math.Max(1, tasks), train,
                m => m.Step * Math.Max(1, tasks),
                m => string.Create(CultureInfo.InvariantCulture, $"step {m.Step}/{steps} {m.Task}: reward {m.Reward:0.000}, pass {m.PassRate:0.00}"),
                m => json ? JsonSerializer.SerializeToNode(m, Numbers)!.ToJsonString(Numbers)
                    : string.Create(CultureInfo.InvariantCulture, $"   step {m.Step}/{steps} {m.Task,-12} reward {m.Reward:0.000}  calibrated {m.CalibratedReward:0.000}  pass {m.PassRate:0.00}  KL {m.Kl:0.000}"));
    }
}
