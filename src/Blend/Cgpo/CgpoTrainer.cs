using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The CGPO loop (CGPO Algorithms 1–2; docs/cgpo.md#the-loop, docs/cgpo.md#multi-task), top to bottom: for each step and each task, sample prompts → generate K responses →
/// judge → score and calibrate → the task's loss × ρ_l → backward (gradients accumulate across tasks) → one clipped AdamW step.
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
        }
        var policy = resume is null ? _run.Policy.Clone() : CgpoCheckpoint.LoadPolicy(resume);
        if (NeedsValueHead && !policy.Config.ValueHead) policy = ValueHead.Add(policy, _run.Seed);
        var parameters = policy.Model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = torch.optim.AdamW(parameters, lr: _run.Lr, weight_decay: _run.Decay);
        if (resume is not null) CgpoCheckpoint.RestoreOptimizer(resume, optimizer, policy);

        for (int step = start + 1; step <= _run.StepCount; step++)
        {
            StopIfCancelled(policy, optimizer, start, step, metrics);
            optimizer.zero_grad();
            var rows = new List<StepMetrics>();
            foreach (var task in _run.TaskList)
                rows.Add(TrainTask(policy, _tasks[task.Name], step));

            var update = Stopwatch.StartNew();
            double gradNorm = torch.nn.utils.clip_grad_norm_(parameters, _run.ClipNorm);
            if (!double.IsFinite(gradNorm))
                throw new InvalidOperationException($"CGPO step {step}: the combined gradient norm is {gradNorm}; no update was applied (tasks: {string.Join(", ", rows.Select(r => $"{r.Task} loss {r.Loss:G4}"))}).");
            optimizer.step();
            double share = update.Elapsed.TotalSeconds / rows.Count;
            foreach (var row in rows)
            {
                var done = row with { GradNorm = gradNorm, UpdateSeconds = row.UpdateSeconds + share };
                metrics.Add(done);
                progress?.Report(done);
            }
            if (_run.CheckpointDirectory is not null && (step % _run.CheckpointInterval == 0 || step == _run.StepCount))
                CgpoCheckpoint.Save(_run.CheckpointDirectory, policy, optimizer, _run, step, metrics);
        }

        var evaluation = _run.TaskList.Any(t => t.TaskEvalPrompts().Count > 0) ? Evaluate(policy) : null;
        return new CgpoResult(policy, metrics)
        {
            Seed = _run.Seed, Steps = Math.Max(start, _run.StepCount), Tasks = _run.Tasks, Evaluation = evaluation,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>On cancellation: saves the last finished step (when checkpoints are on and it is not saved yet) and throws.</summary>
    void StopIfCancelled(Policy policy, TorchSharp.Modules.OptimizerHelper optimizer, int start, int step, List<StepMetrics> metrics)
    {
        if (!_run.Stop.IsCancellationRequested) return;
        int done = step - 1;
        bool saved = _run.CheckpointDirectory is not null && done > start && done % _run.CheckpointInterval != 0;
        if (saved) CgpoCheckpoint.Save(_run.CheckpointDirectory!, policy, optimizer, _run, done, metrics);
        var where = _run.CheckpointDirectory is null ? "no checkpoint folder was set" : done > 0
            ? $"the checkpoint in '{_run.CheckpointDirectory}' holds step {done}"
            : "no step had finished, so nothing was saved";
        throw new OperationCanceledException($"CGPO run stopped after step {done} of {_run.StepCount}; {where}.", _run.Stop);
    }

    /// <summary>One Algorithm-1 step for one task; leaves ρ_l · ∇loss in the parameters' gradients.</summary>
    StepMetrics TrainTask(Policy policy, TaskState state, int step)
    {
        var task = state.Task;
        var options = task.Options!;
        using var scope = torch.NewDisposeScope();
        if (options is DpoOptions dpo) return TrainOfflineDpo(policy, state, dpo, step);

        // 1. sample B_l prompts (seeded by run, task and step)
        var prompts = SamplePrompts(state, step);
        int b = prompts.Count, k = options.NumGenerations;

        // 2. generate K responses per prompt with the current policy (prompt-major: prompt i owns rows i·K … i·K+K−1);
        //    a prompt drawn for the first time also gets its baseline ā (the reference's greedy answer, or the gold one)
        var clock = Stopwatch.StartNew();
        EnsureBaselines(state, prompts.Select(p => p.Index));
        var generations = NonFinite.Guard(() => policy.Generate(prompts.SelectMany(p => Enumerable.Repeat(p.Item.Text, k)).ToList(), new GenerationOptions
        {
            MaxNewTokens = _run.NewTokens, Temperature = _run.SamplingTemperature, Seed = BlendRuntime.DeriveSeed(_run.Seed, $"cgpo/generate/{task.Name}/{step}"),
        }), $"Task '{task.Name}', step {step}");
        var samples = generations.Select((g, i) => prompts[i / k].Item.ToSample(g.Text)).ToList();
        double generateSeconds = clock.Elapsed.TotalSeconds;

        // 3. judge: y = AND_h J_h(s,a); a judge that throws or errs makes the sample a violation, counted apart
        clock.Restart();
        var judged = Judging.Run(task.JudgeList, samples, _run.JudgeDeadline);
        double judgeSeconds = clock.Elapsed.TotalSeconds;

        // 4. score with the task's reward and calibrate against each prompt's baseline ā
        clock.Restart();
        var rewards = Rewarding.Score(task, samples, $"step {step}", _run.RewardDeadline);
        var baselineRewards = Enumerable.Range(0, b * k).Select(i => state.Baselines[prompts[i / k].Index].Reward).ToArray();
        var calibrated = Rewarding.Calibrated(task, samples, $"step {step}", _run.RewardDeadline) ?? rewards.Select((r, i) => Calibration.Of(r, baselineRewards[i])).ToArray();
        double scoreSeconds = clock.Elapsed.TotalSeconds;

        // 5. log-probabilities under π_w (with gradient) and π_ref, then the task's loss × ρ_l, backward
        clock.Restart();
        var promptTokens = generations.Select(g => g.PromptTokens).ToList();
        var responseTokens = generations.Select(g => g.Tokens).ToList();
        var scores = policy.Score(promptTokens, responseTokens);
        ResponseScores reference;
        using (torch.no_grad()) reference = _run.Reference.Score(promptTokens, responseTokens);
        var batch = new RolloutBatch(b, k, scores, reference, rewards, calibrated, judged.Passed,
            prompts.Select(p => state.Baselines[p.Index]).ToList());
        var loss = TaskLoss(policy, options, batch);
        if (!double.IsFinite(loss.Loss.item<float>()))
            throw new InvalidOperationException($"Task '{task.Name}', step {step}: the {options.Name} loss is {loss.Loss.item<float>()}; no update was applied.");
        if (loss.Loss.requires_grad) (loss.Loss * task.Rho).backward();
        double updateSeconds = clock.Elapsed.TotalSeconds;

        using var noGrad = torch.no_grad();
        var mask = scores.Mask.to_type(ScalarType.Float32);
        var lengths = mask.sum(1);
        return new StepMetrics(step, task.Name, options.Name)
        {
            Reward = rewards.Average(), CalibratedReward = calibrated.Average(),
            PassRate = judged.Passed.Count(p => p) / (double)judged.Passed.Length, Judges = judged.Rates, JudgeErrors = judged.ErroredSamples,
            Kl = (scores.SequenceLogProbs - reference.SequenceLogProbs).mean().item<float>(),
            KlK3 = KlEstimate.K3(scores, reference),
            Length = lengths.mean().item<float>(),
            Entropy = ((scores.Entropy * mask).sum() / mask.sum().clamp_min(1)).item<float>(),
            Loss = loss.Loss.item<float>(), Skipped = loss.Skipped, Fallbacks = loss.Fallbacks,
            Prompts = b, Responses = b * k,
            GenerateSeconds = generateSeconds, JudgeSeconds = judgeSeconds, ScoreSeconds = scoreSeconds, UpdateSeconds = updateSeconds,
        };
    }

    /// <summary>Dispatches to the task's optimizer (each lives in Optimizers/ as a pure function of tensors).</summary>
    PolicyLoss TaskLoss(Policy policy, OptimizerOptions options, RolloutBatch r)
    {
        var logp = r.Policy.SequenceLogProbs;
        var refLogp = r.Reference.SequenceLogProbs.detach();
        var rewards = torch.tensor(r.Rewards, dtype: ScalarType.Float32, device: logp.device);
        var calibrated = torch.tensor(r.Calibrated, dtype: ScalarType.Float32, device: logp.device);
        var passed = torch.tensor(r.Passed, device: logp.device);
        var grouped = (Func<Tensor, Tensor>)(t => t.reshape(r.Prompts, r.K));
        switch (options)
        {
            case CrpgOptions o:
                return Crpg.Loss(logp, refLogp, calibrated, passed, o.KlMax);
            case CrraftOptions o:
            {
                var choices = Crraft.Select(grouped(rewards), grouped(passed), grouped(logp.detach() - refLogp), r.Baselines.Select(x => x.Passed).ToList(), o.KlMax);
                Tensor? baselineLogp = null;
                if (choices.Any(c => c.Kind == ChoiceKind.Fallback))
                    baselineLogp = policy.Score(r.Baselines.Select(x => x.PromptTokens).ToList(), r.Baselines.Select(x => x.Tokens).ToList()).SequenceLogProbs;
                return Crraft.Loss(grouped(logp), grouped(calibrated), choices, baselineLogp);
            }
            case CodpoOptions o:
            {
                var choices = Codpo.Select(grouped(rewards), grouped(passed));
                var lengths = r.Policy.Mask.to_type(ScalarType.Float32).sum(1);
                return Codpo.Loss(grouped(logp), grouped(refLogp), grouped(lengths), choices, o.Beta, o.Lambda);
            }
            case OnlineDpoOptions o:
                return OnlineDpo.Loss(grouped(logp), grouped(refLogp), OnlineDpo.Select(grouped(rewards)), o.Beta);
            case GrpoOptions o:
            {
                var tokenLogp = r.Policy.TokenLogProbs;
                var advantages = Grpo.Advantages(grouped(rewards), o.StdEpsilon).reshape(-1);
                return Grpo.Loss(tokenLogp, tokenLogp.detach(), r.Reference.TokenLogProbs, r.Policy.Mask, advantages, o.Epsilon, o.Beta);
            }
            case RlooOptions o:
                return Rloo.Loss(grouped(logp), grouped(refLogp), grouped(rewards), o.Beta);
            case PpoOptions o:
            {
                var tokenLogp = r.Policy.TokenLogProbs;
                var values = r.Policy.Values ?? throw new InvalidOperationException("PPO: the policy returned no values; it needs a value head.");
                var tokenRewards = Ppo.TokenRewards(rewards, tokenLogp.detach(), r.Reference.TokenLogProbs, r.Policy.Mask, o.KlCoef);
                var gae = Ppo.Gae(tokenRewards, values.detach(), r.Policy.Mask, o.Gamma, o.Lambda);
                var advantages = o.WhitenAdvantages ? Ppo.Whiten(gae.Advantages, r.Policy.Mask) : gae.Advantages;
                return Ppo.Loss(tokenLogp, tokenLogp.detach(), values, values.detach(), advantages, gae.Returns, r.Policy.Mask, o);
            }
            default:
                throw new NotSupportedException($"Optimizer '{options.Name}' ({options.GetType().Name}) is not supported by the CGPO loop.");
        }
    }

    /// <summary>Offline DPO: a batch of preference pairs, no generation; judges and the reward are not used for the update.</summary>
    StepMetrics TrainOfflineDpo(Policy policy, TaskState state, DpoOptions options, int step)
    {
        var task = state.Task;
        var clock = Stopwatch.StartNew();
        var random = BlendRuntime.Random(_run.Seed, $"cgpo/pairs/{task.Name}/{step}");
        var pairs = Enumerable.Range(0, Math.Min(options.PairsPerStep, task.PairList.Length))
            .Select(_ => task.PairList[random.Next(task.PairList.Length)]).ToList();
        var prompts = pairs.Select(p => policy.Codec.EncodeChat(p.Prompt).PromptIds).ToList();
        var chosen = pairs.Select(p => policy.Codec.EncodeResponse(p.Chosen)).ToList();
        var rejected = pairs.Select(p => policy.Codec.EncodeResponse(p.Rejected)).ToList();
        var both = prompts.Concat(prompts).ToList();
        var responses = chosen.Concat(rejected).ToList();
        var scores = policy.Score(both, responses);
        ResponseScores reference;
        using (torch.no_grad()) reference = _run.Reference.Score(both, responses);
        int m = pairs.Count;
        var loss = Dpo.Loss(scores.SequenceLogProbs[..m], scores.SequenceLogProbs[m..], reference.SequenceLogProbs[..m], reference.SequenceLogProbs[m..], options.Beta);
        (loss.Loss * task.Rho).backward();
        using var noGrad = torch.no_grad();
        var mask = scores.Mask.to_type(ScalarType.Float32);
        return new StepMetrics(step, task.Name, options.Name)
        {
            PassRate = double.NaN, Reward = double.NaN, CalibratedReward = double.NaN,
            Kl = (scores.SequenceLogProbs - reference.SequenceLogProbs).mean().item<float>(),
            Length = mask.sum(1).mean().item<float>(),
            Entropy = ((scores.Entropy * mask).sum() / mask.sum().clamp_min(1)).item<float>(),
            Loss = loss.Loss.item<float>(), Prompts = m, Responses = 2 * m, UpdateSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>B_l distinct prompts of the task, drawn with a stream seeded by (seed, task, step).</summary>
    List<DrawnPrompt> SamplePrompts(TaskState state, int step)
    {
        var all = state.Prompts;
        var random = BlendRuntime.Random(_run.Seed, $"cgpo/prompts/{state.Task.Name}/{step}");
        var order = Enumerable.Range(0, all.Count).ToArray();
        random.Shuffle(order);
        return order.Take(Math.Min(state.Task.PromptsPerStep, all.Count)).Select(i => new DrawnPrompt(i, all[i])).ToList();
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
        List<(string Text, IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens)> responses;
        if (task.BaselineKind == BaselineSource.Reference)
        {
            var greedy = _run.Reference.Generate(items.Select(p => p.Text).ToList(), new GenerationOptions { MaxNewTokens = _run.NewTokens, Greedy = true });
            responses = greedy.Select(g => (g.Text, g.PromptTokens, g.Tokens)).ToList();
        }
        else
        {
            responses = missing.Select(i =>
            {
                var text = state.GoldResponses[i] ?? state.Prompts[i].Reference
                    ?? throw new InvalidOperationException($"Task '{task.Name}': prompt '{state.Prompts[i].Id}' has no gold response (column 'response' or 'reference') for Baseline(BaselineSource.Gold).");
                return (text, _run.Policy.Codec.EncodeChat(state.Prompts[i].Text).PromptIds, _run.Policy.Codec.EncodeResponse(text));
            }).ToList();
        }
        var samples = items.Select((p, j) => p.ToSample(responses[j].Text)).ToList();
        var judged = Judging.Run(task.JudgeList, samples, _run.JudgeDeadline);
        var rewards = Rewarding.Score(task, samples, "baseline responses", _run.RewardDeadline);
        for (int j = 0; j < missing.Count; j++)
            state.Baselines[missing[j]] = new BaselineResponse(responses[j].Text, responses[j].PromptTokens, responses[j].Tokens, rewards[j], judged.Passed[j]);
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
            var texts = prompts.SelectMany(p => Enumerable.Repeat(p.Text, k)).ToList();
            var generation = new GenerationOptions { MaxNewTokens = _run.NewTokens, Temperature = _run.SamplingTemperature, Seed = BlendRuntime.DeriveSeed(_run.Seed, $"cgpo/eval/{task.Name}") };
            var mine = Side(task, prompts, NonFinite.Guard(() => policy.Generate(texts, generation), $"Evaluation of task '{task.Name}' (policy)"), k);
            var theirs = Side(task, prompts, NonFinite.Guard(() => _run.Reference.Generate(texts, generation), $"Evaluation of task '{task.Name}' (reference)"), k);
            double wins = mine.Rewards.Zip(theirs.Rewards, (a, b) => a > b ? 1.0 : a == b ? 0.5 : 0.0).Average();
            results.Add(new TaskEvaluation(task.Name)
            {
                Prompts = prompts.Count, ResponsesPerPrompt = k,
                Reward = mine.Rewards.Average(), CalibratedReward = mine.Calibrated.Average(), PassRate = mine.PassRate, Judges = mine.Judges,
                ReferenceReward = theirs.Rewards.Average(), ReferenceCalibratedReward = theirs.Calibrated.Average(), ReferencePassRate = theirs.PassRate,
                ReferenceJudges = theirs.Judges, WinRate = wins,
            });
        }
        return new CgpoEvaluation(results);
    }

    EvalSide Side(CgpoTask task, PromptSet prompts, IReadOnlyList<Generation> generations, int k)
    {
        var state = new TaskState(task with { TrainPrompts = prompts, HeldOutPrompts = null });
        var samples = generations.Select((g, i) => prompts[i / k].ToSample(g.Text)).ToList();
        var judged = Judging.Run(task.JudgeList, samples, _run.JudgeDeadline);
        var rewards = Rewarding.Score(task, samples, "evaluation", _run.RewardDeadline);
        var key = $"eval:{task.Name}";
        if (!_evalBaselines.TryGetValue(key, out var baselineState))
        {
            EnsureBaselines(state, Enumerable.Range(0, prompts.Count));
            _evalBaselines[key] = baselineState = state;
        }
        var calibrated = Rewarding.Calibrated(task, samples, "evaluation", _run.RewardDeadline) ?? rewards.Select((r, i) => Calibration.Of(r, baselineState.Baselines[i / k].Reward)).ToArray();
        return new EvalSide(rewards, calibrated, judged.Passed.Count(p => p) / (double)judged.Passed.Length, judged.Rates);
    }

    readonly Dictionary<string, TaskState> _evalBaselines = [];

    const int BaselineChunk = 16;

    bool NeedsValueHead => _run.TaskList.Any(t => t.Options is PpoOptions);

    sealed record EvalSide(IReadOnlyList<double> Rewards, IReadOnlyList<double> Calibrated, double PassRate, IReadOnlyList<JudgePassRate> Judges);

    sealed record DrawnPrompt(int Index, PromptItem Item);

    /// <summary>What a task keeps across steps: its prompts and the baseline responses computed so far.</summary>
    sealed class TaskState(CgpoTask task)
    {
        public CgpoTask Task { get; } = task;
        public PromptSet Prompts { get; } = task.TrainPrompts is null ? new PromptSet([]) : task.TaskPrompts();
        public IReadOnlyList<string?> GoldResponses => Prompts.Responses;
        public Dictionary<int, BaselineResponse> Baselines { get; } = [];
    }
}

/// <summary>A prompt's baseline response ā with its reward, MoJ verdict and tokens.</summary>
internal sealed record BaselineResponse(string Text, IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, double Reward, bool Passed);

/// <summary>Everything a task's loss needs about one step's B·K responses.</summary>
internal sealed record RolloutBatch(int Prompts, int K, ResponseScores Policy, ResponseScores Reference, double[] Rewards, double[] Calibrated, bool[] Passed, IReadOnlyList<BaselineResponse> Baselines);
