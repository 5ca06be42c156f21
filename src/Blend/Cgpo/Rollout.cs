using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>How a rollout obtains log π of its responses.</summary>
public enum PolicyScoring
{
    /// <summary>Not at all (an evaluation that needs only rewards and verdicts).</summary>
    None,

    /// <summary>
    /// From the generation's own per-token log-probabilities: exact for the policy that generated (they are its temperature-1
    /// log-probabilities), without a second forward pass and without gradient. Entropy is then unknown (NaN).
    /// </summary>
    Generation,

    /// <summary>Scored again with autograd (training: the objective needs ∇ log π_w), with the value head's estimates when there is one.</summary>
    Gradient,

    /// <summary>
    /// Scored again by a forward pass without gradient, with the value head's estimates: the sampling policy's π_old, fixed at
    /// sampling time, that a multi-epoch update re-scores minibatches against (<see cref="RolloutBatch.Minibatch"/>).
    /// </summary>
    Sampling,
}

/// <summary>
/// The one rollout: generate K responses per prompt (prompt-major: prompt i owns rows i·K … i·K+K−1) → judge (a sample is
/// positive only when every judge passes) → reward r and calibrate R_calib = σ(r − r(ā)) against each prompt's baseline ā →
/// score under π and π_ref. Its <see cref="RolloutBatch"/> is what every optimizer's objective, the CGPO evaluation, expert
/// training, the soups evaluation and the reproductions consume. Each stage is optional: no judges means every sample
/// passes, no reward means NaN rewards, no baselines means NaN calibrated rewards, no reference means no π_ref scores.
/// </summary>
/// <example><code>
/// var batch = Rollout.Of(policy).Reference(sft).Judges(Judge.Length(maxWords: 12)).Reward(reward)
///     .Scoring(PolicyScoring.Generation).Generate(prompts, k: 4, new GenerationOptions { Seed = 1 });
/// </code></example>
/// <remarks>An immutable builder: every call returns a new value; <see cref="Generate"/> and <see cref="Given"/> run it.</remarks>
public sealed record Rollout
{
    Rollout(Policy policy) => Policy = policy;

    /// <summary>A rollout of <paramref name="policy"/>: it generates (and, with <see cref="PolicyScoring.Gradient"/>, is the one whose gradient an objective follows).</summary>
    public static Rollout Of(Policy policy) => new(policy ?? throw new ArgumentNullException(nameof(policy)));

    /// <summary>The policy that generates.</summary>
    public Policy Policy { get; }

    internal Policy? ReferencePolicy { get; private init; }
    internal IReadOnlyList<IJudge> JudgeList { get; private init; } = [];
    internal IRewardModel? RewardModel { get; private init; }
    internal TimeSpan JudgeDeadline { get; private init; } = Deadline.DefaultPerBatch;
    internal TimeSpan RewardDeadline { get; private init; } = Deadline.DefaultPerBatch;
    internal PolicyScoring ScoringMode { get; private init; } = PolicyScoring.Gradient;
    internal string Label { get; private init; } = "Rollout";

    /// <summary>Scores every response under π_ref too (without gradient).</summary>
    public Rollout Reference(Policy reference) => this with { ReferencePolicy = reference ?? throw new ArgumentNullException(nameof(reference)) };

    /// <summary>The judges; a response is positive only when every one passes it (none: every response passes).</summary>
    public Rollout Judges(IEnumerable<IJudge> judges) => this with { JudgeList = [.. judges ?? throw new ArgumentNullException(nameof(judges))] };

    /// <summary>The reward model r (none: rewards are NaN).</summary>
    public Rollout Reward(IRewardModel reward) => this with { RewardModel = reward ?? throw new ArgumentNullException(nameof(reward)) };

    /// <summary>Per-batch deadlines of the judge and reward calls (default 10 minutes; a null argument keeps the current value).</summary>
    public Rollout Timeouts(TimeSpan? judge = null, TimeSpan? reward = null) => this with
    {
        JudgeDeadline = judge is { } j ? Deadline.Check(j, "judge") : JudgeDeadline,
        RewardDeadline = reward is { } r ? Deadline.Check(r, "reward") : RewardDeadline,
    };

    /// <summary>How log π is obtained (default <see cref="PolicyScoring.Gradient"/>).</summary>
    public Rollout Scoring(PolicyScoring scoring) => this with { ScoringMode = scoring };

    /// <summary>Names the caller in error messages (<c>Task 'math', step 3</c>).</summary>
    public Rollout Named(string label) => this with { Label = label ?? throw new ArgumentNullException(nameof(label)) };

    /// <summary>Generates K responses per prompt with <see cref="Policy"/> and runs the other stages on them.</summary>
    /// <returns>The batch (its tensors belong to the caller's dispose scope).</returns>
    /// <param name="prompts">The B prompts.</param>
    /// <param name="k">Responses per prompt.</param>
    /// <param name="generation">Sampling settings (their seed fixes the draws).</param>
    /// <param name="baselines">Each prompt's baseline ā (one per prompt), or null: calibrated rewards are then NaN.</param>
    public RolloutBatch Generate(IReadOnlyList<PromptItem> prompts, int k, GenerationOptions generation, IReadOnlyList<BaselineResponse>? baselines = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var clock = Stopwatch.StartNew();
        var generations = NonFinite.Guard(() => Policy.Generate(prompts.SelectMany(p => Enumerable.Repeat(p.Text, k)).ToList(), generation), Label);
        var samples = generations.Select((g, i) => prompts[i / k].ToSample(g.Text)).ToList();
        double seconds = clock.Elapsed.TotalSeconds;
        var batch = Complete(prompts, k, samples, [.. generations.Select(g => g.PromptTokens)], [.. generations.Select(g => g.Tokens)], generations, baselines, judge: true);
        return batch with { Timing = batch.Timing with { Generate = seconds }, MaxNewTokens = generation.MaxNewTokens };
    }

    /// <summary>Runs the stages after generation on given responses (K per prompt, prompt-major).</summary>
    /// <param name="prompts">The B prompts.</param>
    /// <param name="k">Responses per prompt.</param>
    /// <param name="responses">B·K responses: text, prompt tokens and response tokens.</param>
    /// <param name="baselines">Each prompt's baseline ā, or null.</param>
    /// <param name="judge">False to leave the responses unjudged (pass rate NaN): offline preference pairs.</param>
    public RolloutBatch Given(IReadOnlyList<PromptItem> prompts, int k, IReadOnlyList<(string Text, IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens)> responses,
        IReadOnlyList<BaselineResponse>? baselines = null, bool judge = true)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var samples = responses.Select((r, i) => prompts[i / k].ToSample(r.Text)).ToList();
        return Complete(prompts, k, samples, [.. responses.Select(r => r.PromptTokens)], [.. responses.Select(r => r.Tokens)], null, baselines, judge);
    }

    RolloutBatch Complete(IReadOnlyList<PromptItem> prompts, int k, IReadOnlyList<Sample> samples, IReadOnlyList<IReadOnlyList<int>> promptTokens,
        IReadOnlyList<IReadOnlyList<int>> responseTokens, IReadOnlyList<Generation>? generations, IReadOnlyList<BaselineResponse>? baselines, bool judge)
    {
        int n = samples.Count;
        if (n != prompts.Count * k) throw new ArgumentException($"{Label}: {n} responses for {prompts.Count} prompts × K = {k}.");
        if (baselines is not null && baselines.Count != prompts.Count) throw new ArgumentException($"{Label}: {baselines.Count} baselines for {prompts.Count} prompts.");

        var clock = Stopwatch.StartNew();
        var judged = judge ? Judging.Run(JudgeList, samples, JudgeDeadline) : new JudgedBatch([], [], 0);
        double judgeSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var grouped = RewardModel is null ? null : Rewarding.ScoreGroups(Label, RewardModel, samples, k, RewardDeadline);
        var rewards = grouped is null ? Enumerable.Repeat(double.NaN, n).ToArray() : [.. grouped.Rewards];
        var calibrated = baselines is null ? Enumerable.Repeat(double.NaN, n).ToArray()
            : rewards.Select((r, i) => Calibration.Of(r, baselines[i / k].Reward)).ToArray();
        double rewardSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var policy = ScoringMode switch
        {
            PolicyScoring.Gradient => Policy.Score(promptTokens, responseTokens),
            PolicyScoring.Generation when generations is not null => FromGenerations(generations, Policy.Device),
            PolicyScoring.Generation or PolicyScoring.Sampling => ScoreWithoutGradient(Policy, promptTokens, responseTokens),
            _ => null,
        };
        var reference = ReferencePolicy is null ? null : ScoreWithoutGradient(ReferencePolicy, promptTokens, responseTokens);
        double scoreSeconds = clock.Elapsed.TotalSeconds;

        return new RolloutBatch(prompts.Count, k)
        {
            Items = prompts, Samples = samples, PromptTokens = promptTokens, ResponseTokens = responseTokens, Generations = generations,
            Judged = judged, Rewards = rewards, GroupRewards = grouped, Calibrated = calibrated, Baselines = baselines ?? [],
            Policy = policy, Reference = reference, Scorer = ScoringMode == PolicyScoring.Gradient ? Policy : null,
            Timing = new RolloutTiming(0, judgeSeconds, rewardSeconds, scoreSeconds),
            PromptIndex = [.. Enumerable.Range(0, prompts.Count)],
        };
    }

    static ResponseScores ScoreWithoutGradient(Policy policy, IReadOnlyList<IReadOnlyList<int>> promptTokens, IReadOnlyList<IReadOnlyList<int>> responseTokens)
    {
        using var noGrad = torch.no_grad();
        return policy.Score(promptTokens, responseTokens);
    }

    /// <summary>The generation's own token log-probabilities as scores (right-padded, mask 1 on response tokens, entropy NaN, no values).</summary>
    static ResponseScores FromGenerations(IReadOnlyList<Generation> generations, Device device)
    {
        int n = generations.Count, t = Math.Max(1, generations.Max(g => g.Tokens.Count));
        var logp = new float[n * t];
        var mask = new float[n * t];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < generations[i].LogProbs.Count; j++) { logp[i * t + j] = generations[i].LogProbs[j]; mask[i * t + j] = 1; }
        var tokenLogProbs = torch.tensor(logp, [n, t], device: device);
        var m = torch.tensor(mask, [n, t], device: device);
        return new ResponseScores(tokenLogProbs, m, torch.full([n, t], float.NaN, device: device), null, [.. generations.Select(g => g.Tokens.Count)]);
    }
}

/// <summary>Seconds spent in each stage of a rollout.</summary>
/// <param name="Generate">Sampling the responses.</param>
/// <param name="Judge">Running the judges.</param>
/// <param name="Reward">Scoring with the reward and calibrating.</param>
/// <param name="Score">Log-probabilities under π and π_ref.</param>
public sealed record RolloutTiming(double Generate, double Judge, double Reward, double Score);

/// <summary>
/// One rollout's B·K responses and everything an objective or an evaluation reads about them (prompt-major rows). Produced by
/// <see cref="Rollout"/>; consumed by every optimizer's objective, the CGPO evaluation, expert
/// training, the soups evaluation and the reproductions.
/// </summary>
/// <param name="Prompts">B, the number of prompts.</param>
/// <param name="K">Responses per prompt.</param>
public sealed record RolloutBatch(int Prompts, int K)
{
    /// <summary>The B prompts.</summary>
    public required IReadOnlyList<PromptItem> Items { get; init; }

    /// <summary>The B·K (prompt, response) samples.</summary>
    public required IReadOnlyList<Sample> Samples { get; init; }

    /// <summary>Prompt tokens of each response's row.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> PromptTokens { get; init; }

    /// <summary>Response tokens of each row.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ResponseTokens { get; init; }

    /// <summary>The generations, when the rollout generated.</summary>
    public IReadOnlyList<Generation>? Generations { get; init; }

    /// <summary>The judges' verdicts (empty when the responses were not judged).</summary>
    public required JudgedBatch Judged { get; init; }

    /// <summary>r(s,a) per row (NaN without a reward).</summary>
    public required double[] Rewards { get; init; }

    /// <summary>The reward's grouped scores (<see cref="IRewardModel.ScoreGroups"/> with this batch's K), null without a reward: its GDPO signal when the reward aggregates normalize-then-sum.</summary>
    public GroupedRewards? GroupRewards { get; init; }

    /// <summary>R_calib(s,a) = σ(r − r(ā)) per row (NaN without baselines).</summary>
    public required double[] Calibrated { get; init; }

    /// <summary>Each prompt's baseline ā (empty without baselines).</summary>
    public IReadOnlyList<BaselineResponse> Baselines { get; init; } = [];

    /// <summary>Scores under π (with gradient in training), or null.</summary>
    public ResponseScores? Policy { get; init; }

    /// <summary>Scores under π_ref (no gradient), or null.</summary>
    public ResponseScores? Reference { get; init; }

    /// <summary>The policy whose gradient the objective follows (set when π was scored with gradient).</summary>
    public Policy? Scorer { get; init; }

    /// <summary>
    /// Scores under the sampling policy π_old, fixed when the responses were sampled (no gradient): set on a
    /// <see cref="Minibatch"/>, whose <see cref="Policy"/> is re-scored under the current weights. Null on a rollout itself,
    /// where <see cref="OldScores"/> is <see cref="Policy"/>.
    /// </summary>
    public ResponseScores? Old { get; init; }

    /// <summary>Each prompt's index in the rollout this batch was cut from (0 … B−1 on a rollout itself).</summary>
    public IReadOnlyList<int> PromptIndex { get; init; } = [];

    /// <summary>The generation's limit on new tokens, L_max (0 when the responses were given, not generated).</summary>
    public int MaxNewTokens { get; init; }

    /// <summary>Rows of the parent rollout this minibatch holds (null: this is the rollout, or all of it in order).</summary>
    internal long[]? RowIndex { get; init; }

    /// <summary>Seconds per stage.</summary>
    public RolloutTiming Timing { get; init; } = new(0, 0, 0, 0);

    /// <summary>The MoJ label of each row.</summary>
    public bool[] Passed => Judged.Passed;

    /// <summary>Scores under π; throws when the rollout did not score.</summary>
    public ResponseScores PolicyScores => Policy ?? throw new InvalidOperationException("The rollout did not score its responses under the policy.");

    /// <summary>Scores under π_old, the sampling policy (<see cref="Old"/>, or <see cref="Policy"/> on a rollout itself).</summary>
    public ResponseScores OldScores => Old ?? PolicyScores;

    /// <summary>Whether each row was cut at <see cref="MaxNewTokens"/> before its end-of-sequence token (false when given).</summary>
    public bool[] Truncated => Generations is { } g ? [.. g.Select(x => !x.Finished)] : new bool[Samples.Count];

    /// <summary>Scores under π_ref; throws when the rollout had no reference.</summary>
    public ResponseScores ReferenceScores => Reference ?? throw new InvalidOperationException("The rollout did not score its responses under the reference.");

    /// <summary>log π(a|s) per row, shape [B·K] (with gradient in training).</summary>
    public Tensor LogProbs => PolicyScores.SequenceLogProbs;

    /// <summary>log π_ref(a|s) per row, detached, shape [B·K].</summary>
    public Tensor ReferenceLogProbs => ReferenceScores.SequenceLogProbs.detach();

    /// <summary>A per-row tensor [B·K] viewed per prompt, [B, K].</summary>
    public Tensor Grouped(Tensor rows) => rows.reshape(Prompts, K);

    /// <summary>Per-row numbers as a float tensor on the scores' device.</summary>
    public Tensor AsTensor(double[] rows) => torch.tensor(rows, dtype: ScalarType.Float32, device: LogProbs.device);

    /// <summary>The MoJ labels as a bool tensor on the scores' device.</summary>
    public Tensor PassedTensor() => torch.tensor(Passed, device: LogProbs.device);

    /// <summary>Response lengths |a| per row, float [B·K].</summary>
    public Tensor Lengths() => PolicyScores.Mask.to_type(ScalarType.Float32).sum(1);

    /// <summary>Per-prompt values computed on the rollout (one per rollout prompt) restricted to this batch's prompts, in order.</summary>
    public IReadOnlyList<T> PerPrompt<T>(IReadOnlyList<T> rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        return PromptIndex.Count == 0 || RowIndex is null ? rollout : [.. PromptIndex.Select(i => rollout[i])];
    }

    /// <summary>
    /// A tensor of the rollout this minibatch was cut from ([n] or [n, T], rows in rollout order) restricted to this
    /// minibatch's rows, and to its padded length T' ≤ T: how an objective reads what it computed once on the whole rollout.
    /// </summary>
    public Tensor Rows(Tensor rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        if (RowIndex is null) return rollout;
        var rows = rollout.index_select(0, torch.tensor(RowIndex, device: rollout.device));
        long t = PolicyScores.Mask.shape[1];
        return rows.dim() == 2 && rows.shape[1] > t ? rows.narrow(1, 0, t) : rows;
    }

    /// <summary>
    /// The minibatch of the given prompts (indices into this rollout, each with its K rows) for one update: its responses are
    /// scored again under <paramref name="scorer"/> with gradient (<see cref="Policy"/>), and π_old (<see cref="Old"/>) and
    /// π_ref are this rollout's scores of the same rows. All prompts in order give the whole rollout, re-scored; when the
    /// rollout itself was scored with gradient by <paramref name="scorer"/> (a task's only update of the step), its scores
    /// are used as they are and π_old is their detached copy: the same numbers, one forward pass fewer.
    /// </summary>
    internal RolloutBatch Minibatch(IReadOnlyList<int> prompts, Policy scorer)
    {
        var old = PolicyScores;
        bool whole = prompts.Count == Prompts && prompts.Select((p, i) => p == i).All(x => x);
        var rows = prompts.SelectMany(p => Enumerable.Range(p * K, K)).ToArray();
        IReadOnlyList<T> Pick<T>(IReadOnlyList<T> all) => whole ? all : [.. rows.Select(r => all[r])];
        var promptTokens = Pick(PromptTokens);
        var responseTokens = Pick(ResponseTokens);
        if (whole && Old is null && ReferenceEquals(Scorer, scorer))
            return this with { Old = new ResponseScores(old.TokenLogProbs.detach(), old.Mask, old.Entropy.detach(), old.Values?.detach(), old.Lengths) };
        var current = scorer.Score(promptTokens, responseTokens);
        var cut = whole ? null : new RolloutBatch(prompts.Count, K)
        {
            Items = [], Samples = [], PromptTokens = [], ResponseTokens = [], Judged = Judged, Rewards = [], Calibrated = [],
            Policy = current, RowIndex = [.. rows.Select(r => (long)r)],
        };
        ResponseScores Slice(ResponseScores s) => cut is null ? s
            : new ResponseScores(cut.Rows(s.TokenLogProbs), cut.Rows(s.Mask), cut.Rows(s.Entropy), s.Values is null ? null : cut.Rows(s.Values), [.. rows.Select(r => s.Lengths[r])]);
        return this with
        {
            Prompts = prompts.Count,
            Items = whole ? Items : [.. prompts.Select(p => Items[p])],
            Samples = Pick(Samples), PromptTokens = promptTokens, ResponseTokens = responseTokens,
            Generations = Generations is null ? null : Pick(Generations),
            Judged = whole ? Judged : Judged with { Passed = [.. rows.Select(r => Judged.Passed[r])] },
            Rewards = whole ? Rewards : [.. rows.Select(r => Rewards[r])],
            Calibrated = whole ? Calibrated : [.. rows.Select(r => Calibrated[r])],
            Baselines = whole || Baselines.Count == 0 ? Baselines : [.. prompts.Select(p => Baselines[p])],
            PromptIndex = [.. prompts.Select(p => PromptIndex.Count > p ? PromptIndex[p] : p)],
            Policy = current, Old = Slice(old), Reference = Reference is null ? null : Slice(Reference), Scorer = scorer,
            RowIndex = cut?.RowIndex,
        };
    }

    /// <summary>log π_w(ā|s) of each prompt's baseline, with gradient, shape [B] (CRRAFT's fallback).</summary>
    public Tensor BaselineLogProbs()
    {
        var scorer = Scorer ?? throw new InvalidOperationException("The rollout's policy was not scored with gradient; baselines cannot be scored for an update.");
        return scorer.Score(Baselines.Select(x => x.PromptTokens).ToList(), Baselines.Select(x => x.Tokens).ToList()).SequenceLogProbs;
    }
}

/// <summary>A prompt's baseline response ā with its reward, MoJ verdict and tokens.</summary>
/// <param name="Text">The response text.</param>
/// <param name="PromptTokens">The prompt's tokens.</param>
/// <param name="Tokens">The response's tokens.</param>
/// <param name="Reward">r(s,ā).</param>
/// <param name="Passed">Whether every judge passed ā.</param>
public sealed record BaselineResponse(string Text, IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, double Reward, bool Passed);
