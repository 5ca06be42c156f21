using Blend.Cli.Recipes;

namespace Blend.Cli.Serve;

/// <summary>
/// Scores samples with a recipe's judges and rewards, in process: the server's engine, and the reference its answers are
/// compared with. Mixture mode returns the reward mixture's total; constrained mode returns CGPO's calibrated reward
/// σ(r(s,a) − r(s,ā)) of the sample's task (ā its gold response), or the task's penalty when any judge fails.
/// </summary>
/// <remarks>A judge that throws on a batch is retried sample by sample, so only the samples it throws on get an error
/// verdict; a reward that throws or returns a non-finite value gives that sample an error and the task's penalty.</remarks>
internal sealed class RewardScorer
{
    readonly JudgeMixture _judges;
    readonly RewardMixture _rewards;
    readonly Func<string, CalibratedReward>? _calibrated;
    readonly Func<string, double> _penalty;
    readonly Dictionary<string, CalibratedReward> _calibratedByTask = new(StringComparer.Ordinal);
    readonly Dictionary<string, PromptItem> _prompts = new(StringComparer.Ordinal);
    readonly HashSet<string> _tasks;
    readonly object _gate = new();

    /// <summary>A scorer from library objects.</summary>
    /// <param name="judges">The mixture of judges (routed by task).</param>
    /// <param name="rewards">The reward mixture (routed by task).</param>
    /// <param name="tasks">The task names samples may carry.</param>
    /// <param name="penalty">The reward of a violating (or unscorable) sample of a task.</param>
    /// <param name="calibrated">Constrained mode: each task's calibrated reward; null for mixture mode.</param>
    /// <param name="prompts">Known prompts: a sample with one of these prompts gets its task, reference and metadata.</param>
    /// <param name="defaultTask">The task of samples that name none and whose prompt is unknown.</param>
    public RewardScorer(JudgeMixture judges, RewardMixture rewards, IEnumerable<string> tasks, Func<string, double> penalty,
        Func<string, CalibratedReward>? calibrated = null, IEnumerable<PromptItem>? prompts = null, string? defaultTask = null)
    {
        _judges = judges;
        _rewards = rewards;
        _penalty = penalty;
        _calibrated = calibrated;
        _tasks = [.. tasks];
        if (defaultTask is not null && !_tasks.Contains(defaultTask))
            throw new UsageException($"--task: the recipe has no task '{defaultTask}'{DidYouMean.Hint(defaultTask, _tasks)} (tasks: {string.Join(", ", _tasks)})");
        DefaultTask = defaultTask ?? (_tasks.Count == 1 ? _tasks.First() : null);
        foreach (var item in prompts ?? []) _prompts.TryAdd(item.Text, item);
    }

    /// <summary>The scorer of a recipe: its judges, rewards, penalties and prompt files.</summary>
    /// <param name="builder">The recipe's builder.</param>
    /// <param name="constrained">Constrained mode (calibrated reward, penalty on violation) instead of the mixture total.</param>
    /// <param name="defaultTask">The task of samples that name none and whose prompt is not in the recipe's prompt files.</param>
    public static RewardScorer FromRecipe(RecipeBuilder builder, bool constrained, string? defaultTask = null)
    {
        var prompts = builder.TaskNames.SelectMany(t => (builder.Prompts(t) ?? new PromptSet([])).Concat(builder.EvalPrompts(t) ?? new PromptSet([])));
        return new RewardScorer(builder.Judges(), builder.Rewards(), builder.TaskNames, builder.Penalty,
            constrained ? builder.CalibratedReward : null, prompts, defaultTask);
    }

    /// <summary>True in constrained mode.</summary>
    public bool Constrained => _calibrated is not null;

    /// <summary>The task used when a sample names none and its prompt is unknown (null: such samples are errors).</summary>
    public string? DefaultTask { get; }

    /// <summary>The recipe's task names.</summary>
    public IReadOnlyCollection<string> Tasks => _tasks;

    /// <summary>The judge names of every task, in order.</summary>
    public IReadOnlyList<string> JudgeNames => [.. _judges.Tasks.SelectMany(t => t.Judges.Select(j => j.Judge.Name)).Distinct()];

    /// <summary>
    /// A sample for <paramref name="prompt"/> and <paramref name="response"/>: the task, reference and metadata come from the
    /// recipe's prompt files when the prompt is there; an explicit <paramref name="task"/> or <paramref name="reference"/> wins.
    /// </summary>
    public Sample Resolve(string? task, string prompt, string response, string? reference = null, System.Text.Json.Nodes.JsonObject? metadata = null)
    {
        _prompts.TryGetValue(prompt, out var known);
        var name = task ?? known?.Task ?? DefaultTask ?? "";
        return new Sample(name, prompt, response)
        {
            Reference = reference ?? known?.Reference,
            Metadata = metadata ?? (known?.Metadata?.DeepClone().AsObject()),
            Id = known?.Id,
        };
    }

    /// <summary>The result of a sample that could not be scored: an error verdict, the task's penalty as reward.</summary>
    public ScoredSample Failed(Sample sample, string error) =>
        new(sample, [Verdict.Error("scoring", error)], false, new Dictionary<string, double>(), null, _tasks.Contains(sample.Task) ? _penalty(sample.Task) : 0, error);

    /// <summary>Scores a batch; never throws for a sample's sake (errors are per sample).</summary>
    public IReadOnlyList<ScoredSample> Score(IReadOnlyList<Sample> samples)
    {
        var results = new ScoredSample?[samples.Count];
        var known = new List<int>();
        for (int i = 0; i < samples.Count; i++)
        {
            if (_tasks.Contains(samples[i].Task)) known.Add(i);
            else results[i] = new ScoredSample(samples[i], [], false, new Dictionary<string, double>(), null, 0,
                samples[i].Task.Length == 0
                    ? $"no task: the prompt is not in the recipe's prompt files and the recipe has {_tasks.Count} tasks; give a task (or start the server with --task)"
                    : $"unknown task '{samples[i].Task}'{DidYouMean.Hint(samples[i].Task, _tasks)} (tasks: {string.Join(", ", _tasks)})");
        }
        if (known.Count > 0)
        {
            var batch = known.Select(i => samples[i]).ToArray();
            var verdicts = Judge(batch);
            var scored = Rewards(batch, verdicts);
            for (int k = 0; k < known.Count; k++) results[known[k]] = scored[k];
        }
        return results!;
    }

    IReadOnlyList<Verdict>[] Judge(Sample[] batch)
    {
        var report = _judges.Evaluate(batch);
        var verdicts = report.Verdicts.ToArray();
        if (batch.Length == 1) return verdicts;
        // A judge that throws turns the whole batch into errors: find the samples it really throws on.
        for (int i = 0; i < batch.Length; i++)
            if (verdicts[i].Any(Threw))
                verdicts[i] = _judges.Evaluate([batch[i]]).Verdicts[0];
        return verdicts;
    }

    static bool Threw(Verdict v) => v.Outcome == VerdictOutcome.Error && v.Reason.StartsWith("judge threw", StringComparison.Ordinal);

    ScoredSample[] Rewards(Sample[] batch, IReadOnlyList<Verdict>[] verdicts)
    {
        try
        {
            return Combine(batch, verdicts, Breakdown(batch), Calibrated(batch));
        }
        catch (Exception) when (batch.Length > 1)
        {
            return [.. batch.Select((s, i) => Rewards([s], [verdicts[i]])[0])];
        }
        catch (Exception e)
        {
            var s = batch[0];
            return [new ScoredSample(s, verdicts[0], verdicts[0].All(v => v.Passed), new Dictionary<string, double>(), null, _penalty(s.Task),
                $"reward failed: {e.GetType().Name}: {e.Message}")];
        }
    }

    RewardBreakdown? Breakdown(Sample[] batch)
    {
        var withRewards = batch.Where(s => _rewards.Tasks.Contains(s.Task)).ToArray();
        if (withRewards.Length == 0) return null;
        lock (_gate) return _rewards.Evaluate(batch.Length == withRewards.Length ? batch : withRewards);
    }

    double[]? Calibrated(Sample[] batch)
    {
        if (!Constrained) return null;
        var values = new double[batch.Length];
        foreach (var group in Enumerable.Range(0, batch.Length).GroupBy(i => batch[i].Task))
        {
            var idx = group.ToArray();
            IReadOnlyList<double> scores;
            lock (_gate)
            {
                if (!_calibratedByTask.TryGetValue(group.Key, out var reward)) _calibratedByTask[group.Key] = reward = _calibrated!(group.Key);
                scores = reward.Score([.. idx.Select(i => batch[i])]);
            }
            for (int k = 0; k < idx.Length; k++) values[idx[k]] = scores[k];
        }
        return values;
    }

    ScoredSample[] Combine(Sample[] batch, IReadOnlyList<Verdict>[] verdicts, RewardBreakdown? breakdown, double[]? calibrated)
    {
        var result = new ScoredSample[batch.Length];
        int row = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            var s = batch[i];
            bool passed = verdicts[i].All(v => v.Passed);
            var components = new Dictionary<string, double>(StringComparer.Ordinal);
            double? total = null;
            if (breakdown is not null && _rewards.Tasks.Contains(s.Task))
            {
                foreach (var c in breakdown.Components)
                    if (c.Weighted[row] is double w) components[c.Name] = w;
                total = breakdown.Total[row];
                row++;
            }
            double reward = Constrained ? (passed ? calibrated![i] : _penalty(s.Task)) : total ?? 0;
            result[i] = new ScoredSample(s, verdicts[i], passed, components, total, reward, total is null && !Constrained && _rewards.Components.Count > 0 ? "the task has no rewards" : null);
        }
        return result;
    }
}
