using System.Text;

namespace Blend;

/// <summary>
/// CGPO's Mixture of Judges (CGPO §3; docs/cgpo.md#judges): judges routed per task and combined per sample (all must pass by default).
/// An immutable builder: every call returns a new mixture; <see cref="Evaluate"/> validates and runs.
/// </summary>
/// <example><code>
/// var mixture = JudgeMixture.Create()
///     .Task("math", t => t.Add(Judge.MathAnswer()))
///     .Task("instructions", t => t.Add(Judge.IfEval()))
///     .AllMustPass();
/// JudgeReport report = mixture.Evaluate(samples);
/// </code></example>
/// <remarks>Judges of task "*" apply to every sample. A sample whose task has no judges is <see cref="VerdictOutcome.Unjudged"/>:
/// never a pass, counted apart and left out of pass rates; <see cref="RequireJudges"/> makes such a sample an error instead.
/// A judge that throws is recorded as an error verdict with the exception message (errors are counted apart from failures).</remarks>
public sealed record JudgeMixture
{
    JudgeMixture() { }

    /// <summary>An empty mixture (all must pass).</summary>
    public static JudgeMixture Create() => new();

    /// <summary>The tasks and their judges, in the order configured.</summary>
    public IReadOnlyList<JudgeTask> Tasks { get; private init; } = [];

    /// <summary>True when every judged sample's task must have at least one judge (see <see cref="RequireJudges"/>).</summary>
    public bool RequiresJudges { get; private init; }

    /// <summary>How verdicts are combined (default all must pass).</summary>
    public JudgeAggregation Aggregation { get; private init; } = new(AggregationRule.AllMustPass);

    /// <summary>
    /// Adds the task <paramref name="task"/>, or refines it when it already exists: <paramref name="configure"/> receives the
    /// task as configured so far (the same rule as <see cref="CgpoRun.Task"/> and <see cref="RewardMixture.Task"/>).
    /// </summary>
    /// <example><code>mixture.Task("chat", t => t.Add(Judge.Refusal()).Add(Judge.Length(maxWords: 150)))</code></example>
    public JudgeMixture Task(string task, Func<JudgeTask, JudgeTask> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var tasks = Tasks.ToList();
        var index = tasks.FindIndex(t => t.Name == task);
        var configured = configure(index >= 0 ? tasks[index] : new JudgeTask(task)) ?? throw new ArgumentException($"Task '{task}': the configure function returned null.");
        if (index >= 0) tasks[index] = configured; else tasks.Add(configured);
        return this with { Tasks = tasks };
    }

    /// <summary>
    /// Requires a judge set for every task: <see cref="Evaluate"/> then refuses a batch holding a sample whose task has no
    /// judges (instead of reporting it unjudged), naming the task and the tasks that are configured.
    /// </summary>
    public JudgeMixture RequireJudges() => this with { RequiresJudges = true };

    /// <summary>Pass iff every judge passes (CGPO's rule; the default).</summary>
    public JudgeMixture AllMustPass() => this with { Aggregation = new(AggregationRule.AllMustPass) };

    /// <summary>Pass iff at least one judge passes.</summary>
    public JudgeMixture AnyPasses() => this with { Aggregation = new(AggregationRule.AnyPasses) };

    /// <summary>Pass iff at least <paramref name="k"/> judges pass (k ≥ 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public JudgeMixture AtLeast(int k) => k < 1
        ? throw new ArgumentOutOfRangeException(nameof(k), k, "AtLeast needs k ≥ 1")
        : this with { Aggregation = new(AggregationRule.AtLeast, K: k) };

    /// <summary>Pass iff the weighted mean score of the judges is ≥ <paramref name="threshold"/> (in [0, 1]).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1].</exception>
    public JudgeMixture WeightedScore(double threshold) => !(threshold >= 0 && threshold <= 1)
        ? throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be in [0, 1]")
        : this with { Aggregation = new(AggregationRule.WeightedScore, Threshold: threshold) };

    /// <summary>The judges that apply to <paramref name="task"/> (the task's own, then those of "*").</summary>
    public IReadOnlyList<WeightedJudge> JudgesFor(string task) =>
        [.. Tasks.Where(t => t.Name == task).SelectMany(t => t.Judges), .. Tasks.Where(t => t.Name == "*" && task != "*").SelectMany(t => t.Judges)];

    /// <summary>Judges a batch: each task's judges see that task's samples in one batched call.</summary>
    /// <exception cref="ArgumentException">A sample is null, or (with <see cref="RequireJudges"/>) a sample's task has no judges.</exception>
    public JudgeReport Evaluate(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        for (int i = 0; i < samples.Count; i++)
        {
            if (samples[i] is null) throw new ArgumentException($"samples[{i}] is null.", nameof(samples));
            if (RequiresJudges && JudgesFor(samples[i].Task).Count == 0)
                throw new ArgumentException($"samples[{i}] has task '{samples[i].Task}', which has no judges in this mixture (tasks with judges: "
                    + string.Join(", ", Tasks.Where(t => t.Judges.Count > 0).Select(t => t.Name).DefaultIfEmpty("none")) + "); add .Task(\"" + samples[i].Task + "\", …) or drop RequireJudges().", nameof(samples));
        }
        var perSample = new Verdict[samples.Count][];
        var weights = new double[samples.Count][];
        foreach (var group in Enumerable.Range(0, samples.Count).GroupBy(i => samples[i].Task))
        {
            var judges = JudgesFor(group.Key);
            var indices = group.ToArray();
            var batch = indices.Select(i => samples[i]).ToArray();
            var columns = judges.Select(j => Judging.Verdicts(j.Judge, batch, Timeout.InfiniteTimeSpan)).ToArray();
            for (int k = 0; k < indices.Length; k++)
            {
                perSample[indices[k]] = [.. columns.Select(c => c[k])];
                weights[indices[k]] = [.. judges.Select(j => j.Weight)];
            }
        }
        var overall = new Verdict[samples.Count];
        for (int i = 0; i < samples.Count; i++) overall[i] = Aggregation.Combine(perSample[i], weights[i]);
        return new JudgeReport(this, samples, perSample, overall);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder($"JudgeMixture ({Aggregation}" + (RequiresJudges ? ", judges required for every task)" : ")"));
        if (Tasks.Count == 0) sb.Append(": no tasks");
        foreach (var t in Tasks) sb.Append("\n  ").Append(t);
        return sb.ToString();
    }
}
