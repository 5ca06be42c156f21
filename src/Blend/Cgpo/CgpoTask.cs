using System.Collections.Immutable;

namespace Blend;

/// <summary>
/// One task of a CGPO run (CGPO §4.3; docs/cgpo.md#multi-task): its prompts, judges, reward, optimizer and weight ρ. An immutable builder:
/// every call returns a new value.
/// </summary>
/// <param name="Name">The task name (<c>math</c>, <c>instructions</c>, <c>chat</c>, <c>safety</c>, …).</param>
/// <example><code>t => t.Prompts(math).Judges(Judge.MathAnswer()).Reward(rm).Optimizer(new CrpgOptions { KlMax = 8 }).Weight(1.0)</code></example>
public sealed record CgpoTask(string Name)
{
    internal PromptSet? TrainPrompts { get; init; }
    internal PromptSet? HeldOutPrompts { get; init; }
    internal ImmutableArray<IJudge> JudgeList { get; init; } = [];
    internal IRewardModel? RewardModel { get; init; }
    internal OptimizerOptions? Options { get; init; }
    internal double Rho { get; init; } = 1.0;
    internal int PromptCount { get; init; } = 4;
    internal BaselineSource BaselineKind { get; init; } = BaselineSource.Reference;
    internal Func<Sample, string?>? GivenBaseline { get; init; }
    internal bool EveryPrompt { get; init; }
    internal ImmutableArray<PreferencePair> PairList { get; init; } = [];

    /// <summary>The training prompts D_l (only this task's items are used when the set holds several tasks).</summary>
    public CgpoTask Prompts(PromptSet prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return this with { TrainPrompts = prompts };
    }

    /// <summary>Held-out prompts for evaluation (reward, judge pass rates, win rate against the reference).</summary>
    public CgpoTask EvalPrompts(PromptSet prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return this with { HeldOutPrompts = prompts };
    }

    /// <summary>The task's mixture of judges; a response is positive only when every judge passes (errors count as violations).</summary>
    public CgpoTask Judges(params IJudge[] judges)
    {
        ArgumentNullException.ThrowIfNull(judges);
        if (judges.Any(j => j is null)) throw new ArgumentException($"Task '{Name}': a judge is null.", nameof(judges));
        return this with { JudgeList = [.. judges] };
    }

    /// <summary>The task's mixture of judges, from any sequence.</summary>
    public CgpoTask Judges(IEnumerable<IJudge> judges) => Judges(judges?.ToArray() ?? throw new ArgumentNullException(nameof(judges)));

    /// <summary>
    /// The judges a <see cref="JudgeMixture"/> routes to this task (its own, then those of <c>"*"</c>). CGPO labels a response
    /// positive only when every one of them passes, whatever aggregation the mixture reports with.
    /// </summary>
    /// <exception cref="ArgumentException">The mixture requires judges (<see cref="JudgeMixture.RequireJudges"/>) and has none for this task.</exception>
    public CgpoTask Judges(JudgeMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var judges = mixture.JudgesFor(Name);
        if (mixture.RequiresJudges && judges.Count == 0)
            throw new ArgumentException($"Task '{Name}': the mixture requires judges for every task and has none for '{Name}'.", nameof(mixture));
        return Judges(judges.Select(w => w.Judge));
    }

    /// <summary>The task's reward model r (raw scores; the trainer calibrates them against each prompt's baseline ā).</summary>
    /// <remarks>
    /// A <see cref="CalibratedReward"/> gives both parts: its inner model is r and its baseline responses are ā (in place of
    /// <see cref="Baseline"/>'s source), so R_calib is computed the same way, in one place, for every task.
    /// </remarks>
    public CgpoTask Reward(IRewardModel reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return reward is CalibratedReward calibrated
            ? this with { RewardModel = calibrated.Reward, GivenBaseline = calibrated.BaselineOf }
            : this with { RewardModel = reward, GivenBaseline = null };
    }

    /// <summary>The task's optimizer and its hyperparameters (<see cref="CrpgOptions"/>, <see cref="PpoOptions"/>, …).</summary>
    public CgpoTask Optimizer(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return this with { Options = options };
    }

    /// <summary>ρ_l, the fixed weight of this task's gradient in the combined update (Algorithm 2). Default 1.</summary>
    public CgpoTask Weight(double rho) => this with { Rho = rho };

    /// <summary>B_l, the number of prompts this task samples per step (each gets K responses). Default 4.</summary>
    public CgpoTask PromptsPerStep(int prompts) => this with { PromptCount = prompts };

    /// <summary>Where the baseline response ā of the calibrated reward comes from. Default <see cref="BaselineSource.Reference"/>.</summary>
    public CgpoTask Baseline(BaselineSource source) => this with { BaselineKind = source };

    /// <summary>Preference pairs for offline DPO (<see cref="DpoOptions"/>); the task then generates nothing during training.</summary>
    public CgpoTask Pairs(IEnumerable<PreferencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return this with { PairList = [.. pairs] };
    }

    /// <summary>Trains on every prompt of the set, whatever its task (a one-task run on a mixed set, as expert training is).</summary>
    internal CgpoTask AllPrompts() => this with { EveryPrompt = true };

    /// <summary>Checks the task; the message names the task and the missing or bad part.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("A CGPO task needs a name.");
        var options = Options ?? throw new InvalidOperationException($"Task '{Name}': no optimizer; add .Optimizer(new CrpgOptions {{ … }}) (or CrraftOptions, CodpoOptions, PpoOptions, GrpoOptions, …).");
        options.Validate(Name);
        if (!(Rho >= 0) || double.IsInfinity(Rho)) throw new ArgumentException($"Task '{Name}': Weight (ρ) must be a finite number ≥ 0; got {Rho}.");
        if (PromptCount < 1) throw new ArgumentException($"Task '{Name}': PromptsPerStep must be ≥ 1; got {PromptCount}.");
        int groups = options.Online ? PromptCount : options.OfflinePairs;
        if (options.MiniBatches > groups)
            throw new ArgumentException($"Task '{Name}': MiniBatches ({options.MiniBatches}) must not exceed the {(options.Online ? "prompts per step" : "pairs per step")} ({groups}): a minibatch holds whole prompts.");
        if (!options.Online)
        {
            if (PairList.IsEmpty) throw new InvalidOperationException($"Task '{Name}': offline DPO needs preference pairs; add .Pairs(pairs).");
            return;
        }
        if (TrainPrompts is null) throw new InvalidOperationException($"Task '{Name}': no prompts; add .Prompts(promptSet).");
        if (TaskPrompts().Count == 0)
            throw new InvalidOperationException($"Task '{Name}': the prompt set has no prompt for this task (its tasks: {string.Join(", ", TrainPrompts.Tasks.DefaultIfEmpty("none"))}).");
        if (RewardModel is null) throw new InvalidOperationException($"Task '{Name}': no reward model; add .Reward(rewardModel).");
    }

    /// <summary>The training prompts of this task: items whose task matches, or every item when none carries this task's name.</summary>
    internal PromptSet TaskPrompts() => Filter(TrainPrompts!);

    /// <summary>The held-out prompts of this task (empty when none were given).</summary>
    internal PromptSet TaskEvalPrompts() => HeldOutPrompts is null ? new PromptSet([]) : Filter(HeldOutPrompts);

    PromptSet Filter(PromptSet set)
    {
        if (EveryPrompt) return set;
        var own = set.ForTask(Name);
        return own.Count > 0 || set.Tasks.Count > 1 ? own : set;
    }
}
