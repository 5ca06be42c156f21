using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The CGPO loop (CGPO Algorithms 1–2; docs/cgpo.md#the-loop, docs/cgpo.md#multi-task, docs/cgpo.md#multi-epoch-updates), top to
/// bottom: for each step, each task samples prompts → generates K responses → judges → rewards and calibrates → scores them
/// under π_old (no gradient) and π_ref, and its optimizer computes what it needs from the whole rollout; then U = max over tasks
/// of E·M updates, each summing, over the tasks that still have updates left, the loss × ρ_l of one minibatch re-scored with
/// gradient under the current weights → one clipped AdamW step. E = M = 1 is Algorithm 2's one combined update per step.
/// </summary>
/// <remarks>
/// Determinism: prompt sampling and generation are seeded from (seed, task, step), so a run resumed at step t draws exactly what
/// the uninterrupted run drew; AdamW's state travels in the checkpoint. Baseline responses ā (for R_calib and the CRRAFT
/// fallback) are computed once per prompt, when the prompt is first drawn.
/// </remarks>
internal sealed class CgpoTrainer
{
    readonly CgpoRun _run;
    readonly Dictionary<string, TaskState> _tasks = [];

    public CgpoTrainer(CgpoRun run)
    {
        _run = run;
        foreach (var task in run.TaskList) _tasks[task.Name] = new TaskState(task);
    }

    public CgpoResult Train(IProgress<StepMetrics>? progress)
    {
        var clock = Stopwatch.StartNew();
        BlendRuntime.Seed(_run.Seed);
        var metrics = new List<StepMetrics>();
        int start = 0;
        string? resume = _run.ResumeDirectory is null ? null : CgpoCheckpoint.Locate(_run.ResumeDirectory);
        if (resume is not null)
        {
            var restored = CgpoCheckpoint.ReadState(resume, _run);
            start = restored.Step;
            metrics.AddRange(restored.Metrics);
            foreach (var (task, baselines) in CgpoCheckpoint.RestoreRewardState(resume, _run))
                foreach (var (index, baseline) in baselines) _tasks[task].Baselines[index] = baseline;
        }
        // A LoRA run rebuilds its start (base, value head, adapter) and restores the adapter; a full run loads the whole policy.
        bool lora = _run.LoraSettings is not null || LoraAdapter.Of(_run.Policy) is not null;
        var policy = resume is null || lora ? _run.Policy.Clone() : CgpoCheckpoint.LoadPolicy(resume);
        if (NeedsValueHead && !policy.Config.ValueHead) policy = ValueHead.Add(policy, _run.Seed);
        if (_run.LoraSettings is { } settings && LoraAdapter.Of(policy) is null) LoraAdapter.Attach(policy, settings);
        string? loraBase = lora && (resume is not null || _run.CheckpointDirectory is not null) ? LoraCheckpoint.BaseFingerprint(policy) : null;
        if (resume is not null && loraBase is not null) CgpoCheckpoint.RestoreAdapter(resume, policy, loraBase);
        var parameters = policy.Model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = torch.optim.AdamW(parameters, lr: _run.Lr, weight_decay: _run.Decay);
        if (resume is not null) CgpoCheckpoint.RestoreOptimizer(resume, optimizer, policy);

        for (int step = start + 1; step <= _run.StepCount; step++)
        {
            StopIfCancelled(policy, optimizer, start, step, metrics, loraBase);
            double lr = _run.Schedule.At(_run.Lr, step, _run.StepCount);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            using var scope = torch.NewDisposeScope();
            var tasks = _run.TaskList.Select(task => Rollout(policy, _tasks[task.Name], step)).ToList();

            var norms = new List<double>();
            int planned = tasks.Max(t => t.Planned);
            for (int u = 0; u < planned; u++)
            {
                optimizer.zero_grad();
                int contributed = tasks.Count(t => t.Backward(u, policy));
                if (contributed == 0) break;
                var update = Stopwatch.StartNew();
                double gradNorm = torch.nn.utils.clip_grad_norm_(parameters, _run.ClipNorm);
                if (!double.IsFinite(gradNorm))
                    throw new InvalidOperationException($"CGPO step {step}, update {u + 1}: the combined gradient norm is {gradNorm}; no update was applied (tasks: {string.Join(", ", tasks.Select(t => $"{t.State.Task.Name} loss {t.LastLoss:G4}"))}).");
                optimizer.step();
                double share = update.Elapsed.TotalSeconds / contributed;
                foreach (var t in tasks.Where(t => t.ContributedTo == u)) t.Seconds += share;
                norms.Add(gradNorm);
            }
            foreach (var t in tasks)
            {
                var done = t.Metrics() with { GradNorm = norms.Count == 0 ? double.NaN : norms.Average(), LearningRate = lr };
                metrics.Add(done);
                progress?.Report(done);
            }
            if (_run.CheckpointDirectory is not null && (step % _run.CheckpointInterval == 0 || step == _run.StepCount))
                CgpoCheckpoint.Save(_run.CheckpointDirectory, policy, optimizer, _run, step, metrics, Baselines(), loraBase);
        }

        var evaluation = _run.TaskList.Any(t => t.TaskEvalPrompts().Count > 0) ? Evaluate(policy) : null;
        return new CgpoResult(policy, metrics)
        {
            Seed = _run.Seed, Steps = Math.Max(start, _run.StepCount), Tasks = _run.Tasks, Evaluation = evaluation,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    IReadOnlyDictionary<string, Dictionary<int, BaselineResponse>> Baselines() => _tasks.ToDictionary(t => t.Key, t => t.Value.Baselines);

    /// <summary>On cancellation: saves the last finished step (when checkpoints are on and it is not saved yet) and throws.</summary>
    void StopIfCancelled(Policy policy, TorchSharp.Modules.OptimizerHelper optimizer, int start, int step, List<StepMetrics> metrics, string? loraBase)
    {
        if (!_run.Stop.IsCancellationRequested) return;
        int done = step - 1;
        bool saved = _run.CheckpointDirectory is not null && done > start && done % _run.CheckpointInterval != 0;
        if (saved) CgpoCheckpoint.Save(_run.CheckpointDirectory!, policy, optimizer, _run, done, metrics, Baselines(), loraBase);
        var where = _run.CheckpointDirectory is null ? "no checkpoint folder was set" : done > 0
            ? $"the checkpoint in '{_run.CheckpointDirectory}' holds step {done}"
            : "no step had finished, so nothing was saved";
        throw new OperationCanceledException($"CGPO run stopped after step {done} of {_run.StepCount}; {where}.", _run.Stop);
    }

    /// <summary>One task's rollout for a step (Algorithm 1 up to the loss) and its optimizer's objective over it.</summary>
    TaskUpdate Rollout(Policy policy, TaskState state, int step)
    {
        var options = state.Task.Options!;
        var batch = options.Online ? Generated(policy, state, step) : Pairs(policy, state, step);
        var clock = Stopwatch.StartNew();
        Func<RolloutBatch, PolicyLoss> objective;
        using (torch.no_grad()) objective = options.Objective(batch);
        return new TaskUpdate(state, batch, objective, step, _run.Seed) { Seconds = batch.Timing.Score + clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// An online task's rollout: B_l prompts (seeded by run, task and step) × K responses of the current policy, judged,
    /// rewarded, calibrated against each prompt's baseline ā (computed when the prompt is first drawn), scored under π_old
    /// (the sampling weights, without gradient) and π_ref.
    /// </summary>
    RolloutBatch Generated(Policy policy, TaskState state, int step)
    {
        var task = state.Task;
        var prompts = SamplePrompts(state, step);
        EnsureBaselines(state, prompts.Select(p => p.Index));
        var generation = new GenerationOptions
        {
            MaxNewTokens = _run.NewTokens, Temperature = _run.SamplingTemperature, Seed = BlendRuntime.DeriveSeed(_run.Seed, $"cgpo/generate/{task.Name}/{step}"),
        };
        return RolloutOf(policy, task, $"Task '{task.Name}', step {step}", OldScoring(task), reference: true)
            .Generate(prompts.Select(p => p.Item).ToList(), task.Options!.SamplesPerPrompt, generation, prompts.Select(p => state.Baselines[p.Index]).ToList());
    }

    /// <summary>An offline task's rollout: preference pairs drawn with a stream seeded by (seed, task, step), K = 2 rows per pair (chosen, rejected), not judged or rewarded.</summary>
    RolloutBatch Pairs(Policy policy, TaskState state, int step)
    {
        var task = state.Task;
        var random = BlendRuntime.Random(_run.Seed, $"cgpo/pairs/{task.Name}/{step}");
        var pairs = Enumerable.Range(0, Math.Min(task.Options!.OfflinePairs, task.PairList.Length))
            .Select(_ => task.PairList[random.Next(task.PairList.Length)]).ToList();
        var responses = pairs.SelectMany(p =>
        {
            IReadOnlyList<int> prompt = policy.Codec.EncodeChat(p.Prompt).PromptIds;
            return new (string, IReadOnlyList<int>, IReadOnlyList<int>)[] { (p.Chosen, prompt, policy.Codec.EncodeResponse(p.Chosen)), (p.Rejected, prompt, policy.Codec.EncodeResponse(p.Rejected)) };
        }).ToList();
        var rollout = Blend.Rollout.Of(policy).Reference(_run.Reference).Scoring(OldScoring(task)).Named($"Task '{task.Name}', step {step}");
        return rollout.Given(pairs.Select((p, i) => new PromptItem($"{task.Name}-pair-{i}", task.Name, p.Prompt)).ToList(), 2, responses, judge: false);
    }

    /// <summary>
    /// How a training rollout scores π_old: without gradient when the task makes several updates (each minibatch is
    /// re-scored); with gradient when it makes one, whose minibatch is then the rollout itself (the same numbers, one forward
    /// pass fewer).
    /// </summary>
    static PolicyScoring OldScoring(CgpoTask task) => task.Options!.Updates == 1 ? PolicyScoring.Gradient : PolicyScoring.Sampling;

    /// <summary>The task's rollout settings: its judges and reward, the run's deadlines.</summary>
    Rollout RolloutOf(Policy generator, CgpoTask task, string label, PolicyScoring scoring, bool reference)
    {
        var rollout = Blend.Rollout.Of(generator).Judges(task.JudgeList).Timeouts(_run.JudgeDeadline, _run.RewardDeadline).Scoring(scoring).Named(label);
        if (task.RewardModel is not null) rollout = rollout.Reward(task.RewardModel);
        return reference ? rollout.Reference(_run.Reference) : rollout;
    }

    /// <summary>A task step's metrics from its rollout (rewards, pass rates, KL, length, entropy), scored under π_old.</summary>
    static StepMetrics Metrics(RolloutBatch batch, int step, string task, string optimizer)
    {
        using var noGrad = torch.no_grad();
        var scores = batch.PolicyScores;
        var reference = batch.ReferenceScores;
        var mask = scores.Mask.to_type(ScalarType.Float32);
        return new StepMetrics(step, task, optimizer)
        {
            Reward = batch.Rewards.Average(), CalibratedReward = batch.Calibrated.Average(),
            PassRate = batch.Judged.PassRate, Judges = batch.Judged.Rates, JudgeErrors = batch.Judged.ErroredSamples,
            Kl = (scores.SequenceLogProbs - reference.SequenceLogProbs).mean().item<float>(),
            KlK3 = KlEstimate.K3(scores, reference),
            Length = mask.sum(1).mean().item<float>(),
            Entropy = ((scores.Entropy * mask).sum() / mask.sum().clamp_min(1)).item<float>(),
            Prompts = batch.Prompts, Responses = batch.Prompts * batch.K,
        };
    }

    /// <summary>B_l distinct prompts of the task, drawn with a stream seeded by (seed, task, step).</summary>
    List<DrawnPrompt> SamplePrompts(TaskState state, int step)
    {
        var all = state.Prompts;
        var random = BlendRuntime.Random(_run.Seed, $"cgpo/prompts/{state.Task.Name}/{step}");
        var order = Enumerable.Range(0, all.Count).ToArray();
        random.Shuffle(order);
        return order.Take(Math.Min(state.Task.PromptCount, all.Count)).Select(i => new DrawnPrompt(i, all[i])).ToList();
    }

    /// <summary>Computes (once per prompt) the baseline response ā, its reward r(s,ā), its judges' verdict and its tokens.</summary>
    /// <remarks>
    /// Baselines are computed in fixed chunks of <see cref="BaselineChunk"/> consecutive prompts, so a batch always holds the
    /// same prompts whatever order they are first drawn in: a resumed run gets bit-identical baselines.
    /// </remarks>
    void EnsureBaselines(TaskState state, IEnumerable<int> indices)
    {
        var missing = indices.Where(i => !state.Baselines.ContainsKey(i)).Select(i => i / BaselineChunk).Distinct().Order()
            .SelectMany(c => Enumerable.Range(c * BaselineChunk, Math.Min(BaselineChunk, state.Prompts.Count - c * BaselineChunk)))
            .Where(i => !state.Baselines.ContainsKey(i)).ToList();
        if (missing.Count == 0) return;
        var task = state.Task;
        var items = missing.Select(i => state.Prompts[i]).ToList();
        var label = $"Task '{task.Name}', baseline responses";
        RolloutBatch batch;
        if (task.GivenBaseline is null && task.BaselineKind == BaselineSource.Reference)
        {
            batch = RolloutOf(_run.Reference, task, label, PolicyScoring.None, reference: false)
                .Generate(items, 1, new GenerationOptions { MaxNewTokens = _run.NewTokens, Greedy = true });
        }
        else
        {
            var responses = missing.Select(i =>
            {
                var text = task.GivenBaseline is { } given
                    ? given(state.Prompts[i].ToSample(string.Empty)) ?? throw new InvalidOperationException($"Task '{task.Name}': the calibrated reward has no baseline response for prompt '{state.Prompts[i].Id ?? state.Prompts[i].Text}'.")
                    : state.GoldResponses[i] ?? state.Prompts[i].Reference
                    ?? throw new InvalidOperationException($"Task '{task.Name}': prompt '{state.Prompts[i].Id}' has no gold response (column 'response' or 'reference') for Baseline(BaselineSource.Gold).");
                return (text, _run.Policy.Codec.EncodeChat(state.Prompts[i].Text).PromptIds, _run.Policy.Codec.EncodeResponse(text));
            }).Select(r => (r.text, (IReadOnlyList<int>)r.Item2, (IReadOnlyList<int>)r.Item3)).ToList();
            batch = RolloutOf(_run.Policy, task, label, PolicyScoring.None, reference: false).Given(items, 1, responses);
        }
        for (int j = 0; j < missing.Count; j++)
            state.Baselines[missing[j]] = new BaselineResponse(batch.Samples[j].Response, batch.PromptTokens[j], batch.ResponseTokens[j], batch.Rewards[j], batch.Passed[j]);
    }

    /// <summary>Held-out evaluation: the policy and the reference answer the same prompts with the same seeds.</summary>
    public CgpoEvaluation Evaluate(Policy policy)
    {
        var results = new List<TaskEvaluation>();
        foreach (var task in _run.TaskList)
        {
            var prompts = task.TaskEvalPrompts();
            if (prompts.Count == 0) continue;
            int k = _run.EvalResponses;
            var generation = new GenerationOptions { MaxNewTokens = _run.NewTokens, Temperature = _run.SamplingTemperature, Seed = BlendRuntime.DeriveSeed(_run.Seed, $"cgpo/eval/{task.Name}") };
            var baselines = EvalBaselines(task, prompts);
            var label = $"Task '{task.Name}', evaluation";
            var mine = RolloutOf(policy, task, label, PolicyScoring.None, reference: false).Generate(prompts, k, generation, baselines);
            var theirs = RolloutOf(_run.Reference, task, label, PolicyScoring.None, reference: false).Generate(prompts, k, generation, baselines);
            double wins = mine.Rewards.Zip(theirs.Rewards, (a, b) => a > b ? 1.0 : a == b ? 0.5 : 0.0).Average();
            results.Add(new TaskEvaluation(task.Name)
            {
                Prompts = prompts.Count, ResponsesPerPrompt = k,
                Reward = mine.Rewards.Average(), CalibratedReward = mine.Calibrated.Average(), PassRate = mine.Judged.PassRate, Judges = mine.Judged.Rates,
                ReferenceReward = theirs.Rewards.Average(), ReferenceCalibratedReward = theirs.Calibrated.Average(), ReferencePassRate = theirs.Judged.PassRate,
                ReferenceJudges = theirs.Judged.Rates, WinRate = wins,
            });
        }
        return new CgpoEvaluation(results);
    }

    /// <summary>The baselines ā of a task's held-out prompts (computed once per run).</summary>
    IReadOnlyList<BaselineResponse> EvalBaselines(CgpoTask task, PromptSet prompts)
    {
        if (!_evalBaselines.TryGetValue(task.Name, out var state))
        {
            state = new TaskState(task with { TrainPrompts = prompts, HeldOutPrompts = null });
            EnsureBaselines(state, Enumerable.Range(0, prompts.Count));
            _evalBaselines[task.Name] = state;
        }
        return Enumerable.Range(0, prompts.Count).Select(i => state.Baselines[i]).ToList();
    }

    readonly Dictionary<string, TaskState> _evalBaselines = [];

    const int BaselineChunk = 16;

    bool NeedsValueHead => _run.TaskList.Any(t => t.Options!.NeedsValueHead);

    sealed record DrawnPrompt(int Index, PromptItem Item);

    /// <summary>
    /// One task's updates over its step's rollout: E epochs × M minibatches of whole prompts (in rollout order when M = 1,
    /// else shuffled per epoch with a stream seeded by run, task, step and epoch), with the KL early stop.
    /// </summary>
    sealed class TaskUpdate(TaskState state, RolloutBatch batch, Func<RolloutBatch, PolicyLoss> objective, int step, int seed)
    {
        readonly OptimizerOptions _options = state.Task.Options!;
        readonly List<(int Epoch, double Loss, double Clip, double Kl, int Skipped, int Fallbacks)> _done = [];
        IReadOnlyList<int[]> _chunks = [];

        public TaskState State { get; } = state;

        /// <summary>E · M.</summary>
        public int Planned => _options.Updates;

        /// <summary>Seconds of scoring, objective, backward and this task's share of the optimizer steps.</summary>
        public double Seconds { get; set; }

        /// <summary>The last update this task took part in (−1: none yet).</summary>
        public int ContributedTo { get; private set; } = -1;

        public double LastLoss => _done.Count == 0 ? double.NaN : _done[^1].Loss;

        bool _stopped;

        /// <summary>Update <paramref name="u"/>'s minibatch: re-scored with gradient, its loss × ρ back-propagated. False when the task has no update <paramref name="u"/>.</summary>
        public bool Backward(int u, Policy policy)
        {
            if (u >= Planned || _stopped) return false;
            int m = _options.MiniBatches, epoch = u / m;
            if (u % m == 0) _chunks = Chunks(epoch);
            if (_chunks[u % m].Length == 0) return false;
            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            var minibatch = batch.Minibatch(_chunks[u % m], policy);
            double kl = KlEstimate.K3PerToken(minibatch.OldScores, minibatch.PolicyScores);
            if (_options.TargetKl > 0 && kl > _options.TargetKl)
            {
                _stopped = true;
                Seconds += clock.Elapsed.TotalSeconds;
                return false;
            }
            var loss = objective(minibatch);
            float value = loss.Loss.item<float>();
            var task = State.Task;
            if (!float.IsFinite(value))
                throw new InvalidOperationException($"Task '{task.Name}', step {step}, update {u + 1}: the {_options.Name} loss is {value}; no update was applied.");
            if (loss.Loss.requires_grad) (loss.Loss * task.Rho).backward();
            _done.Add((epoch + 1, value, loss.ClipFraction, kl, loss.Skipped, loss.Fallbacks));
            ContributedTo = u;
            Seconds += clock.Elapsed.TotalSeconds;
            return true;
        }

        /// <summary>The M minibatches (prompt indices) of an epoch.</summary>
        IReadOnlyList<int[]> Chunks(int epoch)
        {
            int b = batch.Prompts, m = _options.MiniBatches;
            var order = Enumerable.Range(0, b).ToArray();
            if (m > 1) BlendRuntime.Random(seed, $"cgpo/minibatches/{State.Task.Name}/{step}/{epoch}").Shuffle(order);
            return [.. Enumerable.Range(0, m).Select(j => order[(j * b / m)..((j + 1) * b / m)])];
        }

        /// <summary>The step's metrics of the task: the rollout's numbers, then the updates' means.</summary>
        public StepMetrics Metrics()
        {
            var epochs = _done.GroupBy(d => d.Epoch).Select(g => new EpochMetrics(g.Key)
            {
                Loss = g.Average(d => d.Loss), ClipFraction = g.Average(d => d.Clip), ApproxKl = g.Average(d => d.Kl), Updates = g.Count(),
            }).ToList();
            var first = _done.Where(d => d.Epoch == 1).ToList();
            return CgpoTrainer.Metrics(batch, step, State.Task.Name, _options.Name) with
            {
                Loss = _done.Count == 0 ? double.NaN : _done.Average(d => d.Loss),
                ClipFraction = _done.Count == 0 ? double.NaN : _done.Average(d => d.Clip),
                ApproxKl = _done.Count == 0 ? 0 : _done.Average(d => d.Kl),
                Updates = _done.Count, StoppedEarly = _stopped, Epochs = epochs,
                Skipped = first.Sum(d => d.Skipped), Fallbacks = first.Sum(d => d.Fallbacks),
                GenerateSeconds = batch.Timing.Generate, JudgeSeconds = batch.Timing.Judge, ScoreSeconds = batch.Timing.Reward, UpdateSeconds = Seconds,
            };
        }
    }

    /// <summary>What a task keeps across steps: its prompts and the baseline responses computed so far.</summary>
    sealed class TaskState(CgpoTask task)
    {
        public CgpoTask Task { get; } = task;
        public PromptSet Prompts { get; } = task.TrainPrompts is null ? new PromptSet([]) : task.TaskPrompts();
        public IReadOnlyList<string?> GoldResponses => Prompts.Responses;
        public Dictionary<int, BaselineResponse> Baselines { get; } = [];
    }
}
