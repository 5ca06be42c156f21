using System.Collections.Immutable;

namespace Blend;

/// <summary>
/// An immutable description of a CGPO run: the policy, the reference, the tasks and the loop's settings. Every call returns a
/// new value; <see cref="Train"/> validates, runs and returns a <see cref="CgpoResult"/>.
/// </summary>
public sealed record CgpoRun
{
    internal CgpoRun(Policy policy, Policy reference, int seed)
    {
        Policy = policy;
        Reference = reference;
        Seed = seed;
    }

    /// <summary>The starting policy π_w0 (left unchanged; training works on a copy).</summary>
    public Policy Policy { get; }

    /// <summary>The frozen reference policy π_ref.</summary>
    public Policy Reference { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    internal ImmutableList<CgpoTask> TaskList { get; init; } = [];
    internal int StepCount { get; init; } = 60;
    internal double Lr { get; init; } = 1e-4;
    internal LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant();
    internal double ClipNorm { get; init; } = 1.0;
    internal double Decay { get; init; }
    internal int NewTokens { get; init; } = 32;
    internal double SamplingTemperature { get; init; } = 1.0;
    internal int EvalResponses { get; init; } = 2;
    internal string? CheckpointDirectory { get; init; }
    internal int CheckpointInterval { get; init; }
    internal string? ResumeDirectory { get; init; }
    internal TimeSpan JudgeDeadline { get; init; } = Deadline.DefaultPerBatch;
    internal TimeSpan RewardDeadline { get; init; } = Deadline.DefaultPerBatch;
    internal CancellationToken Stop { get; init; }
    internal LoraOptions? LoraSettings { get; init; }

    /// <summary>The task names declared so far, in order.</summary>
    public IReadOnlyList<string> Tasks => TaskList.Select(t => t.Name).ToList();

    /// <summary>
    /// Adds a task, or refines the task of that name when it already exists: <paramref name="configure"/> receives the task as
    /// configured so far (the same rule as <see cref="JudgeMixture.Task"/> and <see cref="RewardMixture.Task"/>).
    /// </summary>
    /// <param name="name">The task name.</param>
    /// <param name="configure">Sets the task's prompts, judges, reward, optimizer and weight.</param>
    public CgpoRun Task(string name, Func<CgpoTask, CgpoTask> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        int index = TaskList.FindIndex(t => t.Name == name);
        var task = configure(index >= 0 ? TaskList[index] : new CgpoTask(name))
            ?? throw new ArgumentException($"Task '{name}': the configure function returned null.", nameof(configure));
        if (task.Name != name) throw new ArgumentException($"Task '{name}': the configure function renamed the task to '{task.Name}'.", nameof(configure));
        return this with { TaskList = index >= 0 ? TaskList.SetItem(index, task) : TaskList.Add(task) };
    }

    /// <summary>T, the number of training steps (one combined update each). Default 60.</summary>
    public CgpoRun Steps(int steps) => this with { StepCount = steps };

    /// <summary>α, the AdamW learning rate (default 1e-4), and its schedule over the steps (default constant; null keeps the current one).</summary>
    /// <example><code>run.LearningRate(1e-4, LearningRateSchedule.Cosine(warmupSteps: 5, minLearningRate: 1e-5))</code></example>
    public CgpoRun LearningRate(double learningRate, LearningRateSchedule? schedule = null) => this with { Lr = learningRate, Schedule = schedule ?? Schedule };

    /// <summary>The gradient-norm clip applied to the combined update Σ_l ρ_l g̃_l. Default 1.</summary>
    public CgpoRun MaxGradNorm(double maxNorm) => this with { ClipNorm = maxNorm };

    /// <summary>AdamW's decoupled weight decay. Default 0.</summary>
    public CgpoRun WeightDecay(double weightDecay) => this with { Decay = weightDecay };

    /// <summary>Generation settings for training rollouts: maximum new tokens (default 32) and temperature (default 1).</summary>
    public CgpoRun Sampling(int maxNewTokens = 32, double temperature = 1.0) => this with { NewTokens = maxNewTokens, SamplingTemperature = temperature };

    /// <summary>Responses sampled per held-out prompt in evaluation, for the policy and the reference alike. Default 2.</summary>
    public CgpoRun EvalSamplesPerPrompt(int responsesPerPrompt) => this with { EvalResponses = responsesPerPrompt };

    /// <summary>Saves policy, optimizer state, RNG position and metrics atomically to <paramref name="directory"/> every <paramref name="every"/> steps and at the end.</summary>
    public CgpoRun Checkpoints(string directory, int every)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return this with { CheckpointDirectory = directory, CheckpointInterval = every };
    }

    /// <summary>
    /// Per-batch deadlines for judge and reward calls (default 10 minutes each; <see cref="Timeout.InfiniteTimeSpan"/> for none;
    /// a null argument keeps the current value). A judge past its deadline gives Error verdicts for the batch (violations,
    /// counted apart in <see cref="StepMetrics.JudgeErrors"/>) and the run goes on; a reward past its deadline stops the run with a
    /// <see cref="DeadlineExceededException"/> naming the task and the reward, before any update of that step. .NET cannot abort a blocked
    /// call: it runs on a worker thread that is abandoned at the deadline and keeps running until the call returns by itself.
    /// </summary>
    public CgpoRun Timeouts(TimeSpan? judge = null, TimeSpan? reward = null) => this with
    {
        JudgeDeadline = judge is { } j ? Deadline.Check(j, "judge") : JudgeDeadline,
        RewardDeadline = reward is { } r ? Deadline.Check(r, "reward") : RewardDeadline,
    };

    /// <summary>Continues from the checkpoint in <paramref name="directory"/> (written by <see cref="Checkpoints"/>); the numbers match an uninterrupted run on CPU.</summary>
    public CgpoRun ResumeFrom(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return this with { ResumeDirectory = directory };
    }

    /// <summary>
    /// Stops the run cleanly when <paramref name="token"/> is cancelled (e.g. on Ctrl-C): the step in progress finishes, a
    /// checkpoint of it is saved when <see cref="Checkpoints"/> is set, and <see cref="Train"/> throws
    /// <see cref="OperationCanceledException"/>; <see cref="ResumeFrom"/> then continues exactly.
    /// </summary>
    public CgpoRun Cancellation(CancellationToken token) => this with { Stop = token };

    /// <summary>
    /// Trains a LoRA adapter (<see cref="LoraAdapter"/>) on the run's copy of the policy instead of every weight: the base stays
    /// frozen, every optimizer updates only A and B (and a value head). The result's policy carries the adapter
    /// (<c>LoraAdapter.Of(result.Policy)</c>: save it, or merge it). A policy that already carries an adapter trains that one.
    /// <see cref="Checkpoints"/> then hold the adapter in PEFT's layout, a value head in <c>heads.safetensors</c>, the adapter's
    /// optimizer state and the base model's fingerprint (<c>base_model_sha256</c>); <see cref="ResumeFrom"/> needs the same
    /// base policy and adapter options.
    /// </summary>
    public CgpoRun Lora(LoraOptions options) => this with { LoraSettings = (options ?? throw new ArgumentNullException(nameof(options))).Validate() };

    /// <summary>Validates the run and trains; every step's per-task metrics are reported to <paramref name="progress"/> as they happen.</summary>
    /// <exception cref="InvalidOperationException">A part is missing (no task, no prompts, no reward, no optimizer…); the message names it.</exception>
    /// <exception cref="ArgumentException">A setting is out of range; the message names the task and field.</exception>
    public CgpoResult Train(IProgress<StepMetrics>? progress = null)
    {
        Validate();
        return new CgpoTrainer(this).Train(progress);
    }

    /// <summary>Evaluates <paramref name="policy"/> (default: the run's starting policy) against the reference on every task's held-out prompts.</summary>
    public CgpoEvaluation Evaluate(Policy? policy = null)
    {
        Validate();
        return new CgpoTrainer(this).Evaluate(policy ?? Policy);
    }

    internal void Validate()
    {
        if (TaskList.IsEmpty) throw new InvalidOperationException("CGPO run: no task; add .Task(\"math\", t => t.Prompts(…).Judges(…).Reward(…).Optimizer(…)).");
        foreach (var task in TaskList) task.Validate();
        if (StepCount < 0) throw new ArgumentException($"CGPO run: Steps must be ≥ 0; got {StepCount}.");
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new ArgumentException($"CGPO run: LearningRate must be a finite number > 0; got {Lr}.");
        if (!(ClipNorm > 0)) throw new ArgumentException($"CGPO run: MaxGradNorm must be > 0; got {ClipNorm}.");
        if (!(Decay >= 0)) throw new ArgumentException($"CGPO run: WeightDecay must be ≥ 0; got {Decay}.");
        if (NewTokens < 1) throw new ArgumentException($"CGPO run: Sampling maxNewTokens must be ≥ 1; got {NewTokens}.");
        if (!(SamplingTemperature > 0)) throw new ArgumentException($"CGPO run: Sampling temperature must be > 0; got {SamplingTemperature}.");
        if (EvalResponses < 1) throw new ArgumentException($"CGPO run: EvalSamplesPerPrompt must be ≥ 1; got {EvalResponses}.");
        if (CheckpointDirectory is not null && CheckpointInterval < 1) throw new ArgumentException($"CGPO run: Checkpoints every must be ≥ 1; got {CheckpointInterval}.");
    }

    /// <summary>A one-line description: seed, steps, learning rate and each task's optimizer, K, ρ and batch.</summary>
    public override string ToString()
    {
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        var tasks = TaskList.Select(t => string.Format(ic, "{0}[{1} K={2} ρ={3} B={4}, {5} judges]", t.Name, t.Options?.Name ?? "no optimizer",
            t.Options?.SamplesPerPrompt, t.Rho, t.PromptCount, t.JudgeList.Length));
        return string.Format(ic, "CgpoRun(seed {0}, {1} steps, lr {2} {3}; {4})", Seed, StepCount, Lr, Schedule.Name, string.Join(", ", tasks.DefaultIfEmpty("no task")));
    }
}
