using System.Collections.Immutable;

namespace Blend;

/// <summary>
/// A weighted mixture of rewards with per-task routing, optional running normalization and clipping, and a choice of how
/// several components aggregate within groups of responses (<see cref="RewardAggregation"/>); <see cref="Evaluate"/> keeps every
/// component's value per sample. The mixture is itself an <see cref="IRewardModel"/> (its score is the total).
/// </summary>
/// <remarks>
/// Per sample, the applicable components are the global ones (<see cref="Add(string, IRewardModel, double)"/>) plus those of the
/// sample's task (<see cref="Task"/>). Each component's raw score r is checked (NaN/±Inf throws <see cref="RewardScoreException"/>),
/// then normalized z = (r − μ) / (σ + ε) by the <see cref="Normalizer"/> (running statistics updated with the batch before use)
/// when <see cref="Normalize(RewardNormalizer)"/> is on, then clipped to [min, max] when <see cref="Clip"/> is set, then
/// multiplied by its weight. The total is the sum of the weighted values, so a breakdown always sums to its total.
/// The mixture is immutable: every builder call returns a new mixture, and its only state is the running statistics of its
/// explicit <see cref="Normalizer"/> (shared by the mixtures derived from it).
/// </remarks>
/// <example><code>
/// var mix = RewardMixture.Create()
///     .Add("helpful", rm, weight: 1.0)
///     .Task("math", t =&gt; t.Add("correct", Reward.FromJudge(mathJudge), weight: 2.0))
///     .Normalize().Clip(-3, 3)
///     .Aggregation(RewardAggregation.NormalizeThenSum);   // GDPO for a group-relative optimizer
/// RewardBreakdown b = mix.Evaluate(samples);
/// </code></example>
public sealed class RewardMixture : IRewardModel
{
    readonly ImmutableList<RewardComponent> _components;
    readonly ImmutableList<string> _tasks;

    RewardMixture(string name, ImmutableList<RewardComponent> components, ImmutableList<string> tasks, RewardNormalizer? normalizer, double? clipMin, double? clipMax, RewardAggregation aggregation)
    {
        Name = name;
        _components = components;
        _tasks = tasks;
        Normalizer = normalizer;
        ClipMin = clipMin;
        ClipMax = clipMax;
        AggregationMode = aggregation;
    }

    /// <summary>An empty mixture named <paramref name="name"/>.</summary>
    public static RewardMixture Create(string name = "mixture")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(name, [], [], null, null, null, RewardAggregation.SumThenNormalize);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The components, global ones with a null task.</summary>
    public IReadOnlyList<RewardComponent> Components => _components;

    /// <summary>The tasks that have their own components, in the order they were added.</summary>
    public IReadOnlyList<string> Tasks => _tasks;

    /// <summary>The running normalization of each component, or null when components are not normalized.</summary>
    public RewardNormalizer? Normalizer { get; }

    /// <summary>True when components are normalized with running statistics before weighting.</summary>
    public bool Normalized => Normalizer is not null;

    /// <summary>ε of the normalization z = (r − μ)/(σ + ε) (1e-8 when not normalized).</summary>
    public double Epsilon => Normalizer?.Epsilon ?? 1e-8;

    /// <summary>Lower clip of each (normalized) component value, or null.</summary>
    public double? ClipMin { get; }

    /// <summary>Upper clip of each (normalized) component value, or null.</summary>
    public double? ClipMax { get; }

    /// <summary>How components aggregate within a group of responses to one prompt (default <see cref="RewardAggregation.SumThenNormalize"/>).</summary>
    public RewardAggregation AggregationMode { get; }

    /// <summary>Adds a global component (applies to every task).</summary>
    /// <param name="name">Column name (unique among the components a sample gets).</param>
    /// <param name="reward">The reward.</param>
    /// <param name="weight">Its weight in the total (default 1).</param>
    public RewardMixture Add(string name, IRewardModel reward, double weight = 1.0) => With(Checked(new RewardComponent(name, reward, weight, null)));

    /// <summary>Adds a global component named after the reward.</summary>
    public RewardMixture Add(IRewardModel reward, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return Add(reward.Name, reward, weight);
    }

    /// <summary>
    /// Adds components that apply only to samples of <paramref name="task"/> (per-task routing). Called again with the same
    /// task, it refines it: <paramref name="configure"/> receives the task's components so far and its result replaces them
    /// (the same rule as <see cref="CgpoRun.Task"/> and <see cref="JudgeMixture.Task"/>).
    /// </summary>
    /// <param name="task">The task name (as in <see cref="Sample.Task"/>).</param>
    /// <param name="configure">Adds the task's components, e.g. <c>t =&gt; t.Add("rm", rm, 0.7)</c>.</param>
    public RewardMixture Task(string task, Func<TaskRewards, TaskRewards> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentNullException.ThrowIfNull(configure);
        var existing = _components.Where(c => c.Task == task).ToImmutableList();
        var built = configure(new TaskRewards(task, existing)) ?? throw new ArgumentException($"RewardMixture.Task(\"{task}\"): the configure function returned null.");
        if (built.Components.Count == 0) throw new ArgumentException($"RewardMixture.Task(\"{task}\"): add at least one reward (t => t.Add(name, reward, weight)).");
        var result = new RewardMixture(Name, _components.RemoveAll(c => c.Task == task), _tasks, Normalizer, ClipMin, ClipMax, AggregationMode);
        foreach (var c in built.Components) result = result.With(result.Checked(c with { Task = task }));
        return result;
    }

    /// <summary>Turns on running normalization of each component with a new Welford normalizer: z = (r − μ)/(σ + ε), μ, σ over every score seen so far.</summary>
    /// <param name="epsilon">ε (default 1e-8).</param>
    public RewardMixture Normalize(double epsilon = 1e-8)
    {
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be > 0.");
        return Normalize(RewardNormalizer.Welford(epsilon));
    }

    /// <summary>Normalizes each component with <paramref name="normalizer"/> (its statistics are this mixture's running state).</summary>
    public RewardMixture Normalize(RewardNormalizer normalizer) =>
        new(Name, _components, _tasks, normalizer ?? throw new ArgumentNullException(nameof(normalizer)), ClipMin, ClipMax, AggregationMode);

    /// <summary>Clips each component's (normalized) value to [<paramref name="min"/>, <paramref name="max"/>] before weighting.</summary>
    public RewardMixture Clip(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || min > max) throw new ArgumentException($"RewardMixture.Clip: need min ≤ max, got [{min}, {max}].");
        return new(Name, _components, _tasks, Normalizer, min, max, AggregationMode);
    }

    /// <summary>Chooses how components aggregate within a group of responses to one prompt (<see cref="RewardAggregation"/>).</summary>
    public RewardMixture Aggregation(RewardAggregation aggregation)
    {
        if (!Enum.IsDefined(aggregation)) throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown reward aggregation.");
        return new(Name, _components, _tasks, Normalizer, ClipMin, ClipMax, aggregation);
    }

    /// <summary>A copy with another name.</summary>
    public RewardMixture Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(name, _components, _tasks, Normalizer, ClipMin, ClipMax, AggregationMode);
    }

    /// <summary>The running statistics of each component (zero until a normalized mixture has been evaluated); <see cref="Normalizer"/>'s state, per component.</summary>
    public IReadOnlyList<RewardStatistics> Statistics
    {
        get
        {
            var state = Normalizer?.State ?? RewardNormalizerState.Empty;
            return [.. _components.Select(c => state.Find(c.Name, c.Task) is { } m
                ? new RewardStatistics(c.Name, c.Task, m.Count, m.Mean, Normalizer!.StandardDeviation(m))
                : new RewardStatistics(c.Name, c.Task, 0, 0, 0))];
        }
    }

    /// <summary>Forgets the running statistics (<see cref="Normalizer"/>'s state becomes empty).</summary>
    public void ResetStatistics() => Normalizer?.Restore(RewardNormalizerState.Empty);

    /// <summary>Scores a batch and keeps every component's raw, normalized/clipped and weighted value per sample.</summary>
    /// <exception cref="InvalidOperationException">The mixture has no components; a sample's task has no component; a reward returned the wrong number of scores.</exception>
    /// <exception cref="RewardScoreException">A reward returned NaN or ±Inf (names the component, sample index, task and prompt).</exception>
    public RewardBreakdown Evaluate(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (_components.IsEmpty) throw new InvalidOperationException($"RewardMixture '{Name}': no rewards; add one with Add(name, reward, weight) or Task(task, t => t.Add(...)).");
        bool hasGlobal = _components.Any(c => c.Task is null);
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i] ?? throw new ArgumentException($"RewardMixture '{Name}': sample {i} is null.", nameof(samples));
            if (!hasGlobal && !_tasks.Contains(s.Task))
                throw new InvalidOperationException($"RewardMixture '{Name}': sample {i} has task '{s.Task}', which has no rewards (tasks: {string.Join(", ", _tasks)}). Add .Task(\"{s.Task}\", t => t.Add(...)) or a global reward.");
        }

        var names = _components.Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        var raw = names.ToDictionary(n => n, _ => new double?[samples.Count], StringComparer.Ordinal);
        var value = names.ToDictionary(n => n, _ => new double?[samples.Count], StringComparer.Ordinal);
        var weighted = names.ToDictionary(n => n, _ => new double?[samples.Count], StringComparer.Ordinal);
        var total = new double[samples.Count];

        foreach (var c in _components)
        {
            var idx = Enumerable.Range(0, samples.Count).Where(i => c.Task is null || samples[i].Task == c.Task).ToArray();
            if (idx.Length == 0) continue;
            var batch = idx.Select(i => samples[i]).ToArray();
            IReadOnlyList<double>? result;
            try { result = c.Reward.Score(batch); }
            catch (Exception e) when (e is not (OutOfMemoryException or RewardScoreException))
            {
                throw new InvalidOperationException($"RewardMixture '{Name}': component '{c.Name}'{(c.Task is null ? "" : $" (task '{c.Task}')")} threw {e.GetType().Name}: {e.Message}", e);
            }
            var scores = result ?? throw new InvalidOperationException($"RewardMixture '{Name}': reward '{c.Name}' returned null.");
            if (scores.Count != batch.Length)
                throw new InvalidOperationException($"RewardMixture '{Name}': reward '{c.Name}' returned {scores.Count} scores for a batch of {batch.Length} samples.");
            for (int j = 0; j < idx.Length; j++)
                if (!double.IsFinite(scores[j])) throw new RewardScoreException(c.Name, idx[j], samples[idx[j]], scores[j]);

            var normalized = Normalizer?.Normalize(c.Name, c.Task, scores);
            for (int j = 0; j < idx.Length; j++)
            {
                int i = idx[j];
                double r = scores[j];
                double v = normalized is null ? r : normalized[j];
                if (ClipMin is double lo && v < lo) v = lo;
                if (ClipMax is double hi && v > hi) v = hi;
                raw[c.Name][i] = r;
                value[c.Name][i] = v;
                weighted[c.Name][i] = c.Weight * v;
                total[i] += c.Weight * v;
            }
        }
        var columns = names.Select(n => new RewardComponentValues(n, raw[n], value[n], weighted[n])).ToList();
        return new RewardBreakdown(samples.ToList(), columns, total) { Mixture = Name };
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples) => Evaluate(samples).Total;

    /// <summary>
    /// Scores a prompt-major batch of groups of K responses (<see cref="IRewardModel.ScoreGroups"/>): the totals, and under
    /// <see cref="RewardAggregation.NormalizeThenSum"/> the GDPO signal Σ_k w_k z_k with each component's value z-scored within
    /// its group (<see cref="RewardAggregation"/> states the rule). The running statistics advance once, as with <see cref="Score"/>.
    /// </summary>
    /// <param name="samples">B·K samples, prompt-major (rows i·K … i·K+K−1 answer prompt i).</param>
    /// <param name="samplesPerPrompt">K.</param>
    /// <exception cref="ArgumentException">The rows are not whole groups of K, or a group mixes tasks.</exception>
    public GroupedRewards ScoreGroups(IReadOnlyList<Sample> samples, int samplesPerPrompt)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int k = samplesPerPrompt;
        if (k < 1 || samples.Count % k != 0)
            throw new ArgumentException($"RewardMixture '{Name}': {samples.Count} samples are not whole groups of K = {k} responses per prompt.", nameof(samplesPerPrompt));
        var breakdown = Evaluate(samples);
        if (AggregationMode == RewardAggregation.SumThenNormalize) return new GroupedRewards(breakdown.Total, null);

        var signal = new double[samples.Count];
        for (int g = 0; g < samples.Count; g += k)
            for (int i = g + 1; i < g + k; i++)
                if (samples[i].Task != samples[g].Task)
                    throw new ArgumentException($"RewardMixture '{Name}': rows {g} and {i} of one group of K = {k} have tasks '{samples[g].Task}' and '{samples[i].Task}'; a group is the responses to one prompt.", nameof(samples));
        foreach (var column in breakdown.Components)
        {
            for (int g = 0; g < samples.Count; g += k)
            {
                if (column.Value[g] is null) continue;
                var z = GroupNormalization.WithinGroups([.. Enumerable.Range(g, k).Select(i => column.Value[i]!.Value)], k);
                double weight = WeightOf(column.Name, samples[g].Task);
                for (int j = 0; j < k; j++) signal[g + j] += weight * z[j];
            }
        }
        return new GroupedRewards(breakdown.Total, signal);
    }

    /// <summary>The weight of the component named <paramref name="name"/> that applies to <paramref name="task"/>.</summary>
    double WeightOf(string name, string task) => _components.First(c => c.Name == name && (c.Task is null || c.Task == task)).Weight;

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = _components.Select(c => $"{(c.Task is null ? "" : c.Task + ":")}{c.Name}×{c.Weight:G4}");
        var extra = (Normalized ? ", normalized" : "") + (ClipMin is not null || ClipMax is not null ? $", clip [{ClipMin}, {ClipMax}]" : "")
            + (AggregationMode == RewardAggregation.NormalizeThenSum ? ", normalize-then-sum" : "");
        return $"RewardMixture {Name}: {string.Join(" + ", parts)}{extra}";
    }

    RewardMixture With(RewardComponent c) =>
        new(Name, _components.Add(c), c.Task is null || _tasks.Contains(c.Task) ? _tasks : _tasks.Add(c.Task), Normalizer, ClipMin, ClipMax, AggregationMode);

    RewardComponent Checked(RewardComponent c)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(c.Name);
        ArgumentNullException.ThrowIfNull(c.Reward);
        if (!double.IsFinite(c.Weight)) throw new ArgumentException($"RewardMixture: weight of '{c.Name}' must be finite, got {c.Weight}.");
        if (c.Name == RewardBreakdown.TotalColumn) throw new ArgumentException($"RewardMixture: '{RewardBreakdown.TotalColumn}' is reserved for the total column.");
        foreach (var other in _components)
        {
            if (other.Name != c.Name) continue;
            if (other.Task is null || c.Task is null || other.Task == c.Task)
                throw new ArgumentException($"RewardMixture: a reward named '{c.Name}' already applies to {(c.Task ?? other.Task) switch { null => "every task", var t => $"task '{t}'" }}; give each component a unique name.");
        }
        return c;
    }
}

/// <summary>One component of a <see cref="RewardMixture"/>.</summary>
/// <param name="Name">Its column name.</param>
/// <param name="Reward">The reward.</param>
/// <param name="Weight">Its weight in the total.</param>
/// <param name="Task">The task it is routed to, or null for every task.</param>
public sealed record RewardComponent(string Name, IRewardModel Reward, double Weight, string? Task);

/// <summary>Builder for the components of one task inside <see cref="RewardMixture.Task"/>.</summary>
public sealed class TaskRewards
{
    internal TaskRewards(string task, ImmutableList<RewardComponent> components)
    {
        TaskName = task;
        Components = components;
    }

    /// <summary>The task these components apply to.</summary>
    public string TaskName { get; }

    internal ImmutableList<RewardComponent> Components { get; }

    /// <summary>Adds a component for this task.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="reward">The reward.</param>
    /// <param name="weight">Its weight in the total (default 1).</param>
    public TaskRewards Add(string name, IRewardModel reward, double weight = 1.0) => new(TaskName, Components.Add(new RewardComponent(name, reward, weight, TaskName)));

    /// <summary>Adds a component named after the reward.</summary>
    public TaskRewards Add(IRewardModel reward, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return Add(reward.Name, reward, weight);
    }
}

/// <summary>Running statistics of one mixture component.</summary>
/// <param name="Name">The component.</param>
/// <param name="Task">Its task, or null when global.</param>
/// <param name="Count">Scores seen.</param>
/// <param name="Mean">Running mean μ.</param>
/// <param name="StandardDeviation">Running (population) standard deviation σ.</param>
public sealed record RewardStatistics(string Name, string? Task, int Count, double Mean, double StandardDeviation);

/// <summary>A reward returned NaN or ±Inf; names the component, the sample index and the sample.</summary>
public sealed class RewardScoreException : Exception
{
    /// <summary>Creates the exception for <paramref name="component"/>'s score <paramref name="value"/> of sample <paramref name="sampleIndex"/>.</summary>
    public RewardScoreException(string component, int sampleIndex, Sample sample, double value)
        : base($"Reward '{component}' returned {value} for sample {sampleIndex} (task '{sample?.Task}', prompt '{Shorten(sample?.Prompt)}', response '{Shorten(sample?.Response)}').")
    {
        Component = component;
        SampleIndex = sampleIndex;
        Sample = sample;
        Value = value;
    }

    /// <summary>The component whose score is not finite.</summary>
    public string Component { get; }

    /// <summary>The index of the sample in the evaluated batch.</summary>
    public int SampleIndex { get; }

    /// <summary>The sample.</summary>
    public Sample? Sample { get; }

    /// <summary>The offending value (NaN or ±Inf).</summary>
    public double Value { get; }

    static string Shorten(string? s) => s is null ? "" : s.Length <= 60 ? s : s[..57] + "...";
}
