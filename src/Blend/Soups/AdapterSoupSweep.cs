using System.Diagnostics;
using System.Globalization;

namespace Blend;

public sealed partial record AdapterSoup
{
    /// <summary>Evaluation settings (objectives, generation, samples, seed, reference point, loss texts), held as a <see cref="Soup"/> of the base so adapter soups are scored exactly as weight soups.</summary>
    Soup Scoring { get; init; }

    /// <summary>The adapters' labels, in λ order (<c>adapter0</c>, … until <see cref="Named"/>).</summary>
    public IReadOnlyList<string> Labels { get; private init; }

    /// <summary>The λ vectors of <see cref="Sweep"/> (null: an 11-point grid for two adapters, a simplex grid for more).</summary>
    public LambdaSet? LambdaSet { get; private init; }

    /// <summary>The values of the task-vector scale s of an axis sweep (<see cref="AlongScale"/>), or null for a λ sweep.</summary>
    public IReadOnlyList<double>? Scales { get; private init; }

    /// <summary>The fixed λ of an axis sweep.</summary>
    public IReadOnlyList<double>? ScaleLambdas { get; private init; }

    /// <summary>The objectives the sweep scores every soup on.</summary>
    public IReadOnlyList<SoupObjective> Objectives => Scoring.Objectives;

    /// <summary>Renames the adapters (labels in frames, charts and errors), in λ order.</summary>
    public AdapterSoup Named(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length != Adapters.Count) throw new ArgumentException($"AdapterSoup.Named: {names.Length} names for {Adapters.Count} adapters.");
        return this with { Labels = names };
    }

    /// <summary>Sweeps these λ vectors (one entry per adapter).</summary>
    public AdapterSoup Lambdas(LambdaSet lambdas) => this with { LambdaSet = lambdas ?? throw new ArgumentNullException(nameof(lambdas)), Scales = null, ScaleLambdas = null };

    /// <summary>
    /// Sweeps the scale s of the soup's task vector instead of λ: θ(s) = θ_base + s·Σᵢ λᵢ ΔWᵢ at fixed <paramref name="lambdas"/>
    /// (default equal weights); s = 0 is the base, s = 1 the soup, s &gt; 1 extrapolates (task arithmetic). The sweep also
    /// evaluates each adapter alone, so the front's hypervolume reads against the experts'.
    /// </summary>
    /// <exception cref="ArgumentException">No scale, a non-finite one, or not one λ per adapter.</exception>
    public AdapterSoup AlongScale(IEnumerable<double> scales, params double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(scales);
        var list = scales.ToList();
        if (list.Count == 0 || list.Any(s => !double.IsFinite(s))) throw new ArgumentException("AdapterSoup.AlongScale: give at least one scale, every one finite.", nameof(scales));
        var fixedLambdas = lambdas is { Length: > 0 } ? lambdas : [.. Enumerable.Repeat(1.0 / Adapters.Count, Adapters.Count)];
        if (fixedLambdas.Length != Adapters.Count || fixedLambdas.Any(l => !double.IsFinite(l))) throw new ArgumentException($"AdapterSoup.AlongScale: give one finite λ per adapter ({Adapters.Count}).", nameof(lambdas));
        return this with { Scales = list, ScaleLambdas = fixedLambdas, LambdaSet = null };
    }

    /// <summary>Scores with <paramref name="soup"/>'s objectives and evaluation settings (generation, samples, seed, timeouts, reference point, loss texts); its experts are not used.</summary>
    public AdapterSoup ScoredAs(Soup soup) => this with { Scoring = soup ?? throw new ArgumentNullException(nameof(soup)) };

    /// <summary>Adds an objective: the sweep reports the mean of <paramref name="reward"/> over each soup's samples.</summary>
    public AdapterSoup Objective(string name, IRewardModel reward) => this with { Scoring = Scoring.Objective(name, reward) };

    /// <summary>One objective per component of <paramref name="mixture"/> (as <see cref="Soup.ObjectivesFrom"/>).</summary>
    public AdapterSoup ObjectivesFrom(RewardMixture mixture) => this with { Scoring = Scoring.ObjectivesFrom(mixture) };

    /// <summary>Sampling options of the evaluation (the seed is the sweep's, <see cref="WithSeed"/>).</summary>
    public AdapterSoup Generation(GenerationOptions options) => this with { Scoring = Scoring.Generation(options) };

    /// <summary>Responses per prompt and soup (default 4).</summary>
    public AdapterSoup SamplesPerPrompt(int samples) => this with { Scoring = Scoring.SamplesPerPrompt(samples) };

    /// <summary>The evaluation seed: every soup is sampled with the same noise.</summary>
    public AdapterSoup WithSeed(int seed) => this with { Scoring = Scoring.WithSeed(seed) };

    /// <summary>Mean NLL of these texts' gold responses is reported for every soup.</summary>
    public AdapterSoup Loss(PromptSet texts) => this with { Scoring = Scoring.Loss(texts) };

    /// <summary>The hypervolume reference point, one value per objective (default: just below the worst value of each).</summary>
    public AdapterSoup HypervolumePoint(params double[] point) => this with { Scoring = Scoring.HypervolumePoint(point) };

    /// <summary>Stops the sweep before the next soup when <paramref name="token"/> is cancelled.</summary>
    public AdapterSoup Cancellation(CancellationToken token) => this with { Scoring = Scoring.Cancellation(token) };

    /// <summary>The mean reward of every objective for one policy, scored exactly as the sweep scores soups.</summary>
    public IReadOnlyList<double> Score(Policy policy, PromptSet prompts) => Scoring.Score(policy, prompts);

    /// <summary>
    /// Builds and scores every soup θ_base + Σᵢ λᵢ ΔWᵢ of <see cref="Lambdas"/> (or every scale of <see cref="AlongScale"/>) on
    /// <paramref name="prompts"/>, in one target model reset and re-merged in place, and returns the frame, the Pareto front and
    /// its hypervolume, with the experts' (<see cref="SoupSweep.ExpertsHypervolume"/>). A one-hot λ is each adapter's
    /// <see cref="LoraAdapter.Merge"/> bit for bit.
    /// </summary>
    /// <exception cref="InvalidOperationException">No objectives, or λ vectors of the wrong length.</exception>
    /// <exception cref="OperationCanceledException">The <see cref="Cancellation"/> token was cancelled (checked before each soup).</exception>
    public SoupSweep Sweep(PromptSet prompts, IProgress<SoupPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("AdapterSoup.Sweep: the prompt set is empty.");
        if (Objectives.Count == 0) throw new InvalidOperationException("AdapterSoup.Sweep: no objectives; add them with .Objective(name, reward).");
        var reference = Scoring.HypervolumeReference;
        if (reference is not null && reference.Count != Objectives.Count) throw new InvalidOperationException($"AdapterSoup.Sweep: the reference point has {reference.Count} values for {Objectives.Count} objectives.");
        const string Parameter = "scale";
        var settings = Scales is { } scales
            ? scales.Select(s => ((IReadOnlyList<double>)[.. ScaleLambdas!.Select(l => l * s)], (double?)s)).ToList()
            : (LambdaSet ?? (Adapters.Count == 2 ? Lambda.Grid(11) : Lambda.Simplex(Adapters.Count))).Vectors.Select(l => (l, (double?)null)).ToList();
        if (settings.Count == 0) throw new InvalidOperationException("AdapterSoup.Sweep: the λ set is empty.");
        if (settings.Any(x => x.Item1.Count != Adapters.Count)) throw new InvalidOperationException($"AdapterSoup.Sweep: λ vectors must have {Adapters.Count} entries, one per adapter.");

        var clock = Stopwatch.StartNew();
        using var target = Base.CloneBase();
        var generation = Scoring.Generation();
        int total = settings.Count + (Scales is null ? 0 : Adapters.Count), done = 0;
        SoupPoint Evaluate(int index, IReadOnlyList<double> lambda, double? scale)
        {
            if (Scoring.Stop.IsCancellationRequested) throw new OperationCanceledException($"Adapter soup sweep stopped after {done} of {total} evaluations.", Scoring.Stop);
            MixInto(target, lambda);
            var where = scale is double v ? FormattableString.Invariant($"{Parameter} = {v:0.###}") : $"λ = ({string.Join(", ", lambda.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))})";
            var rewards = NonFinite.Guard(() => SoupEvaluation.Rewards(target, prompts, Objectives, generation, Scoring.SampleCount, Scoring.RewardTimeout), $"AdapterSoup.Sweep, {where}");
            double? nll = Scoring.LossTexts is null ? null : SoupEvaluation.Nll(target, Scoring.LossTexts);
            var point = new SoupPoint(index, lambda, rewards) { Nll = nll, Parameter = scale is null ? null : Parameter, Setting = scale };
            done++;
            progress?.Report(point);
            return point;
        }
        var points = settings.Select((x, i) => Evaluate(i, x.Item1, x.Item2)).ToList();
        var experts = Scales is null ? points.Where(p => p.Lambda.Count(l => l > 0.999) == 1).ToList()
            : [.. Enumerable.Range(0, Adapters.Count).Select(e => Evaluate(e, [.. Enumerable.Range(0, Adapters.Count).Select(j => j == e ? 1.0 : 0.0)], null))];
        return SoupSweep.Of(Labels, [.. Objectives.Select(o => o.Name)], "lora_linear", Scales is null ? null : Parameter, points, experts, reference,
            prompts.Count, Scoring.SampleCount, Scoring.Seed, clock.Elapsed.TotalSeconds);
    }
}
