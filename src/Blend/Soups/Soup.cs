using System.Diagnostics;
using System.Globalization;

namespace Blend;

/// <summary>
/// Rewarded soups (Ramé et al. 2023) as an immutable builder: experts fine-tuned from one initialization, a merge method,
/// λ vectors and objectives; <see cref="Sweep"/> evaluates every soup θ(λ) and returns the Pareto front, <see cref="Mix"/>
/// returns one merged policy.
/// </summary>
/// <example><code>
/// SoupSweep sweep = Soup.Of(helpful, harmless)
///     .Method(Merge.Linear())
///     .Lambdas(Lambda.Grid(steps: 11))
///     .Objective("helpful", helpfulRm)
///     .Objective("harmless", harmlessRm)
///     .Sweep(evalPrompts);
/// </code></example>
public sealed record Soup
{
    Soup(IReadOnlyList<SoupExpert> experts) => Experts = experts;

    internal IReadOnlyList<SoupExpert> Experts { get; init; }

    /// <summary>The experts' labels, in λ order.</summary>
    public IReadOnlyList<string> ExpertNames => Experts.Select(e => e.Label).ToList();

    /// <summary>The merge method (default <see cref="Merge.Linear"/>).</summary>
    public MergeMethod MergeMethod { get; private init; } = Merge.Linear();

    /// <summary>The λ vectors a sweep evaluates (default: <see cref="Lambda.Grid"/> with 11 steps for 2 experts, else a 5-step <see cref="Lambda.Simplex"/>).</summary>
    public LambdaSet? LambdaSet { get; private init; }

    /// <summary>The objectives, in order.</summary>
    public IReadOnlyList<SoupObjective> Objectives { get; private init; } = [];

    /// <summary>The merge parameter a sweep varies instead of λ (<see cref="Along"/>), or null for a λ sweep.</summary>
    public SweepAxis? Axis { get; private init; }

    /// <summary>λ of an <see cref="Axis"/> sweep whose axis does not set λ (default: equal weights 1/N).</summary>
    public IReadOnlyList<double>? AxisLambdas { get; private init; }

    /// <summary>The base model θ₀ for task-vector merges (a policy or checkpoint folder), when set.</summary>
    internal SoupExpert? BaseModel { get; init; }

    /// <summary>How responses are sampled for evaluation (default: 32 new tokens, temperature 1, seed <see cref="Seed"/>).</summary>
    public GenerationOptions? GenerationOptions { get; private init; }

    /// <summary>Responses sampled per prompt and soup (default 4; see <see cref="SamplesPerPrompt"/>).</summary>
    internal int SampleCount { get; init; } = 4;

    /// <summary>The per-batch deadline of every objective's reward call (default 10 minutes; see <see cref="Timeouts(TimeSpan)"/>).</summary>
    public TimeSpan RewardTimeout { get; private init; } = Deadline.DefaultPerBatch;

    /// <summary>Stops a <see cref="Sweep"/> before its next soup when cancelled (default: none; see <see cref="Cancellation"/>).</summary>
    public CancellationToken Stop { get; private init; }

    /// <summary>The evaluation seed: the same sampling noise for every λ (default 0).</summary>
    public int Seed { get; private init; }

    /// <summary>Texts with gold responses whose NLL is recorded along the sweep (linear mode connectivity check), when set.</summary>
    public PromptSet? LossTexts { get; private init; }

    /// <summary>The hypervolume reference point, one value per objective (default: each objective's minimum over the soups minus 1 % of its range).</summary>
    public IReadOnlyList<double>? HypervolumeReference { get; private init; }

    /// <summary>True after <see cref="AllowDifferentTokenizers"/>: experts whose tokenizers differ are merged (default false: refused).</summary>
    public bool TokenizersMayDiffer { get; private init; }

    /// <summary>True after <see cref="AllowDifferentConfigs"/>: experts whose model configs differ are merged when their tensors still match (default false: refused).</summary>
    public bool ConfigsMayDiffer { get; private init; }

    /// <summary>A soup of in-memory policies (same architecture; validated when merged).</summary>
    public static Soup Of(params Policy[] experts)
    {
        ArgumentNullException.ThrowIfNull(experts);
        if (experts.Length == 0) throw new ArgumentException("Soup.Of: give at least one expert.");
        return new Soup(experts.Select((p, i) => SoupExpert.From(p ?? throw new ArgumentException($"Soup.Of: expert {i} is null."), $"expert{i}")).ToList());
    }

    /// <summary>
    /// A soup of checkpoint folders: saved by <see cref="Policy.Save(string)"/> (or SFT and CGPO checkpoints), or Hugging Face
    /// model folders, sharded or not (<see cref="WeightSet.Load"/>); tensors are streamed from their files one at a time.
    /// Experts whose tokenizers or configs differ are refused when merged (see <see cref="AllowDifferentTokenizers"/>).
    /// </summary>
    public static Soup Of(params string[] checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Length == 0) throw new ArgumentException("Soup.Of: give at least one checkpoint folder.");
        return new Soup(checkpoints.Select(SoupExpert.From).ToList());
    }

    /// <summary>Renames the experts (labels in frames, charts and errors), in λ order.</summary>
    public Soup Named(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length != Experts.Count) throw new ArgumentException($"Soup.Named: {names.Length} names for {Experts.Count} experts.");
        return this with { Experts = Experts.Select((e, i) => e with { Label = names[i] }).ToList() };
    }

    /// <summary>Merges experts whose tokenizers differ (refused by default: the same id is a different token in each); the soup keeps the first expert's tokenizer.</summary>
    public Soup AllowDifferentTokenizers() => this with { TokenizersMayDiffer = true };

    /// <summary>Merges experts whose model configs differ (refused by default) as long as their tensors' names, shapes and dtypes match; the soup has the first expert's config.</summary>
    public Soup AllowDifferentConfigs() => this with { ConfigsMayDiffer = true };

    /// <summary>Uses <paramref name="method"/> to merge (default <see cref="Merge.Linear"/>).</summary>
    public Soup Method(MergeMethod method) => this with { MergeMethod = method ?? throw new ArgumentNullException(nameof(method)) };

    /// <summary>Sets the λ vectors a sweep evaluates.</summary>
    public Soup Lambdas(LambdaSet lambdas) => this with { LambdaSet = lambdas ?? throw new ArgumentNullException(nameof(lambdas)) };

    /// <summary>
    /// Sweeps a merge method's parameter instead of λ (<see cref="SweepAxis"/>): one soup per value, merged with the axis'
    /// method at <paramref name="lambdas"/> (when the axis sets no λ of its own; default equal weights), plus every expert alone.
    /// </summary>
    /// <param name="axis">The parameter and its values, e.g. <c>SweepAxis.Of("density", …, d =&gt; Merge.Ties(density: d))</c>.</param>
    /// <param name="lambdas">The fixed λ, one entry per expert (none: 1/N each).</param>
    public Soup Along(SweepAxis axis, params double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(axis);
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Length != 0 && lambdas.Length != Experts.Count) throw new ArgumentException($"Soup.Along: {lambdas.Length} lambdas for {Experts.Count} experts.");
        return this with { Axis = axis, AxisLambdas = lambdas.Length == 0 ? null : [.. lambdas] };
    }

    /// <summary>Adds an objective: a named reward whose mean over the evaluation samples is maximised.</summary>
    public Soup Objective(string name, IRewardModel reward)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(reward);
        if (Objectives.Any(o => o.Name == name)) throw new ArgumentException($"Soup.Objective: '{name}' is already an objective.");
        if (name == "nll" || name == "pareto" || name.StartsWith("lambda_", StringComparison.Ordinal)) throw new ArgumentException($"Soup.Objective: '{name}' is reserved for a frame column.");
        return this with { Objectives = [.. Objectives, new SoupObjective(name, reward)] };
    }

    /// <summary>Adds an objective named after the reward model.</summary>
    public Soup Objective(IRewardModel reward) => Objective((reward ?? throw new ArgumentNullException(nameof(reward))).Name, reward);

    /// <summary>
    /// Adds one objective per component of <paramref name="mixture"/> (named after the component): each soup's value is the
    /// mean raw component score from the mixture's breakdown, over the samples whose task the component covers.
    /// </summary>
    public Soup ObjectivesFrom(RewardMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var soup = this;
        foreach (var name in mixture.Components.Select(c => c.Name).Distinct(StringComparer.Ordinal))
            soup = soup.Objective(name, mixture);
        var added = soup.Objectives.Skip(Objectives.Count).Select(o => o with { Component = o.Name });
        return this with { Objectives = [.. Objectives, .. added] };
    }

    /// <summary>Sets θ₀ for task-vector merges (task arithmetic, TIES, DARE) when the method was made without one.</summary>
    public Soup Base(Policy baseModel) => this with { BaseModel = SoupExpert.From(baseModel ?? throw new ArgumentNullException(nameof(baseModel)), "base") };

    /// <summary>Sets θ₀ from a checkpoint folder.</summary>
    public Soup Base(string checkpoint) => this with { BaseModel = SoupExpert.From(checkpoint) with { Label = "base" } };

    /// <summary>Sets how evaluation responses are sampled (its seed is replaced by the soup's <see cref="Seed"/>).</summary>
    public Soup Generation(GenerationOptions options) => this with { GenerationOptions = options ?? throw new ArgumentNullException(nameof(options)) };

    /// <summary>Sets the number of responses sampled per prompt (default 4).</summary>
    public Soup SamplesPerPrompt(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        return this with { SampleCount = samples };
    }

    /// <summary>Lets <paramref name="token"/> stop a sweep: it finishes the soup in progress and throws <see cref="OperationCanceledException"/> (nothing is returned).</summary>
    public Soup Cancellation(CancellationToken token) => this with { Stop = token };

    /// <summary>Sets the evaluation seed (default 0).</summary>
    public Soup WithSeed(int seed) => this with { Seed = seed };

    /// <summary>
    /// Sets the per-batch deadline of reward calls (<see cref="Timeout.InfiniteTimeSpan"/> for none). A reward past it stops the
    /// sweep with a <see cref="DeadlineExceededException"/> naming the objective; .NET cannot abort the blocked call, which is
    /// abandoned on its worker thread.
    /// </summary>
    public Soup Timeouts(TimeSpan reward) => this with { RewardTimeout = Deadline.Check(reward, "reward") };

    /// <summary>Records the NLL of these gold (prompt, response) texts for every soup (the loss side of the interpolation-path check).</summary>
    public Soup Loss(PromptSet texts) => this with { LossTexts = texts ?? throw new ArgumentNullException(nameof(texts)) };

    /// <summary>Sets the hypervolume reference point, one value per objective.</summary>
    public Soup HypervolumePoint(params double[] point) => this with { HypervolumeReference = point ?? throw new ArgumentNullException(nameof(point)) };

    /// <summary>The merged policy θ(λ) (a new policy; the caller disposes it).</summary>
    /// <param name="lambdas">One coefficient per expert (on the simplex unless the method allows extrapolation).</param>
    /// <exception cref="ArgumentException">Mismatched experts (the tensor is named) or invalid λ.</exception>
    public Policy Mix(params double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        using var open = OpenInputs([MergeMethod]);
        var target = open.NewTarget();
        try
        {
            open.Resolve(MergeMethod).Into(WeightSet.FromPolicy(target, "soup"), open.Sets, lambdas);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>The mean reward of every objective for one policy, evaluated exactly as the sweep evaluates soups (e.g. a MORL policy).</summary>
    public IReadOnlyList<double> Score(Policy policy, PromptSet prompts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(prompts);
        if (Objectives.Count == 0) throw new InvalidOperationException("Soup.Score: no objectives; add them with .Objective(name, reward).");
        return SoupEvaluation.Rewards(policy, prompts, Objectives, Generation(), SampleCount, RewardTimeout);
    }

    /// <summary>
    /// Merges and evaluates every λ of <see cref="Lambdas"/> (or every value of <see cref="Axis"/>) on <paramref name="prompts"/>
    /// (one target model, merged in place for each soup) and returns the frame, the Pareto front and its hypervolume.
    /// </summary>
    /// <param name="prompts">The evaluation prompts.</param>
    /// <param name="progress">Receives every evaluated soup (and, in an axis sweep, every expert alone), in order, when given.</param>
    /// <exception cref="InvalidOperationException">No objectives, or λ vectors of the wrong length; the message names the missing part.</exception>
    /// <exception cref="OperationCanceledException"><see cref="Cancellation"/>'s token was cancelled (checked before each soup).</exception>
    public SoupSweep Sweep(PromptSet prompts, IProgress<SoupPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("Soup.Sweep: the prompt set is empty.");
        if (Objectives.Count == 0) throw new InvalidOperationException("Soup.Sweep: no objectives; add them with .Objective(name, reward).");
        var settings = Settings();
        if (HypervolumeReference is not null && HypervolumeReference.Count != Objectives.Count) throw new InvalidOperationException($"Soup.Sweep: the reference point has {HypervolumeReference.Count} values for {Objectives.Count} objectives.");

        var clock = Stopwatch.StartNew();
        using var open = OpenInputs(settings.Select(x => x.Method));
        var methods = settings.Select(x => open.Resolve(x.Method)).ToList();
        for (int i = 0; i < settings.Count; i++) methods[i].Validate(open.Sets, settings[i].Lambda);
        using var target = open.NewTarget();
        var targetSet = WeightSet.FromPolicy(target, "soup");
        var generation = Generation();
        int total = settings.Count + (Axis is null ? 0 : Experts.Count), done = 0;
        SoupPoint Evaluate(int index, MergeMethod method, IReadOnlyList<double> lambda, double? value)
        {
            if (Stop.IsCancellationRequested) throw new OperationCanceledException($"Soup sweep stopped after {done} of {total} evaluations.", Stop);
            method.Into(targetSet, open.Sets, lambda);
            var where = value is double v ? FormattableString.Invariant($"{Axis!.Parameter} = {v:0.###}") : $"λ = ({string.Join(", ", lambda.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))})";
            var rewards = NonFinite.Guard(() => SoupEvaluation.Rewards(target, prompts, Objectives, generation, SampleCount, RewardTimeout), $"Soup.Sweep, {where}");
            double? nll = LossTexts is null ? null : SoupEvaluation.Nll(target, LossTexts);
            var point = new SoupPoint(index, lambda, rewards) { Nll = nll, Parameter = value is null ? null : Axis!.Parameter, Setting = value };
            done++;
            progress?.Report(point);
            return point;
        }
        var points = settings.Select((x, i) => Evaluate(i, methods[i], x.Lambda, x.Value)).ToList();
        // An axis sweep's soups are not the experts at its ends in general: evaluate each expert alone (λ one-hot, linear: bit for bit).
        var experts = Axis is null ? points.Where(p => p.Lambda.Count(l => l > 0.999) == 1).ToList()
            : [.. Enumerable.Range(0, Experts.Count).Select(e => Evaluate(e, Merge.Linear(), [.. Enumerable.Range(0, Experts.Count).Select(j => j == e ? 1.0 : 0.0)], null))];
        return SoupSweep.Of(ExpertNames, [.. Objectives.Select(o => o.Name)], Axis is null ? MergeMethod.Name : methods[0].Name, Axis?.Parameter,
            points, experts, HypervolumeReference, prompts.Count, SampleCount, Seed, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The soups a sweep evaluates: (method, λ, axis value) per point.</summary>
    List<(MergeMethod Method, IReadOnlyList<double> Lambda, double? Value)> Settings()
    {
        if (Axis is { } axis)
        {
            var fixedLambdas = AxisLambdas ?? [.. Enumerable.Repeat(1.0 / Experts.Count, Experts.Count)];
            if (fixedLambdas.Count != Experts.Count) throw new InvalidOperationException($"Soup.Sweep: λ has {fixedLambdas.Count} entries for {Experts.Count} experts.");
            return [.. axis.Values.Select(v => (axis.MethodAt(v), axis.LambdaAt(v, fixedLambdas), (double?)v))];
        }
        var lambdas = LambdaSet ?? (Experts.Count == 2 ? Lambda.Grid(11) : Lambda.Simplex(Experts.Count));
        if (lambdas.Count == 0) throw new InvalidOperationException("Soup.Sweep: the λ set is empty.");
        if (lambdas.ExpertCount != Experts.Count) throw new InvalidOperationException($"Soup.Sweep: λ vectors have {lambdas.ExpertCount} entries for {Experts.Count} experts.");
        return [.. lambdas.Vectors.Select(l => (MergeMethod, l, (double?)null))];
    }

    /// <summary>
    /// The interpolation path between two experts (linear mode connectivity): rewards (and NLL of <see cref="Loss"/> texts)
    /// along λ, with each one's gap to the straight line between the endpoints.
    /// </summary>
    public InterpolationPath Path(PromptSet prompts)
    {
        if (Experts.Count != 2) throw new InvalidOperationException($"Soup.Path: the interpolation path needs exactly 2 experts, this soup has {Experts.Count}.");
        var lambdas = LambdaSet ?? Lambda.Grid(11);
        var vectors = lambdas.Vectors.ToList();
        if (!vectors.Any(v => v[1] == 0)) vectors.Insert(0, [1.0, 0.0]);
        if (!vectors.Any(v => v[1] == 1)) vectors.Add([0.0, 1.0]);
        var sweep = (this with { LambdaSet = new LambdaSet(vectors) }).Sweep(prompts);
        return InterpolationPath.From(sweep);
    }

    /// <summary>
    /// The MORL baseline for this soup's objectives: for each preference μ in <paramref name="preferences"/>, fine-tunes a
    /// copy of <paramref name="init"/> on R_μ = Σₖ μₖ Rₖ with the experts' recipe, and evaluates it like the soups.
    /// </summary>
    /// <param name="init">The shared initialization the experts started from.</param>
    /// <param name="preferences">The μ vectors, one entry per objective (e.g. <c>Lambda.Grid(6)</c> for two objectives).</param>
    /// <param name="trainPrompts">Training prompts (the experts' data).</param>
    /// <param name="evalPrompts">Evaluation prompts (the sweep's).</param>
    /// <param name="options">The experts' training options.</param>
    /// <param name="progress">Receives every training step of every MORL run, in order, when given.</param>
    public MorlBaseline Morl(Policy init, LambdaSet preferences, PromptSet trainPrompts, PromptSet evalPrompts, ExpertTrainingOptions? options = null, IProgress<ExpertStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(preferences);
        ArgumentNullException.ThrowIfNull(trainPrompts);
        ArgumentNullException.ThrowIfNull(evalPrompts);
        if (Objectives.Count == 0) throw new InvalidOperationException("Soup.Morl: no objectives; add them with .Objective(name, reward).");
        if (preferences.ExpertCount != Objectives.Count) throw new InvalidOperationException($"Soup.Morl: preference vectors have {preferences.ExpertCount} entries for {Objectives.Count} objectives.");
        var clock = Stopwatch.StartNew();
        var points = new List<SoupPoint>();
        var curves = new List<IReadOnlyList<double>>();
        for (int i = 0; i < preferences.Count; i++)
        {
            var mu = preferences.Vectors[i];
            using var run = ExpertTraining.FineTune(init, new WeightedReward(Objectives, mu), trainPrompts, options, progress);
            points.Add(new SoupPoint(i, mu, SoupEvaluation.Rewards(run.Policy, evalPrompts, Objectives, Generation(), SampleCount, RewardTimeout)));
            curves.Add(run.RewardCurve);
        }
        return new MorlBaseline
        {
            Objectives = Objectives.Select(o => o.Name).ToList(),
            Points = points,
            Front = ParetoFront.Of(points.Select(p => p.Rewards).ToList()),
            RewardCurves = curves,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    internal GenerationOptions Generation() => (GenerationOptions ?? new GenerationOptions { MaxNewTokens = 32 }) with { Seed = Seed };

    /// <summary>Opens the experts, and θ₀ when one of <paramref name="methods"/> needs it and has none of its own.</summary>
    OpenSoup OpenInputs(IEnumerable<MergeMethod> methods)
    {
        var needing = methods.FirstOrDefault(m => m.NeedsBase && m.Base is null);
        SoupCompatibility.Check(Experts, needing is null ? null : BaseModel, TokenizersMayDiffer, ConfigsMayDiffer);
        var sets = new List<WeightSet>();
        WeightSet? baseSet = null;
        try
        {
            foreach (var e in Experts) sets.Add(e.Open());
            if (needing is not null)
            {
                if (BaseModel is null) throw new InvalidOperationException($"Soup: the {needing.Name} merge needs a base model θ₀; call .Base(sftPolicy) or pass it to the Merge factory.");
                baseSet = BaseModel.Open();
            }
            return new OpenSoup(this, sets, baseSet);
        }
        catch
        {
            foreach (var s in sets) s.Dispose();
            baseSet?.Dispose();
            throw;
        }
    }

    sealed class OpenSoup(Soup soup, List<WeightSet> sets, WeightSet? baseSet) : IDisposable
    {
        public IReadOnlyList<WeightSet> Sets => sets;

        /// <summary>The method with the soup's θ₀ when it needs one and has none.</summary>
        public MergeMethod Resolve(MergeMethod method) => method.NeedsBase && method.Base is null && baseSet is not null ? method.WithBase(baseSet) : method;

        /// <summary>A policy with the first expert's architecture and codec to merge into.</summary>
        public Policy NewTarget() => soup.Experts[0].NewTarget();

        public void Dispose()
        {
            foreach (var s in sets) s.Dispose();
            baseSet?.Dispose();
        }
    }
}

/// <summary>One input of a soup: an in-memory policy or a checkpoint folder.</summary>
internal sealed record SoupExpert(string Label, Policy? Policy, string? Checkpoint)
{
    public static SoupExpert From(Policy policy, string label) => LoraAdapter.Of(policy) is null ? new(label, policy, null)
        : throw new ArgumentException($"Soup: expert '{label}' carries a LoRA adapter; a soup of adapters interpolates their weight deltas (AdapterSoup.Of(base, adapters…)), or merge each adapter first (LoraAdapter.Merge()).");

    public static SoupExpert From(string checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException($"Soup.Of: checkpoint folder '{checkpoint}' does not exist.");
        return new(System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(checkpoint)), null, checkpoint);
    }

    public WeightSet Open() => Policy is not null ? WeightSet.FromPolicy(Policy, Label) : WeightSet.Load(Checkpoint!);

    public Policy NewTarget() => Policy is not null ? Policy.Clone() : Blend.Policy.Load(Checkpoint!);
}
