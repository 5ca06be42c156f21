namespace Blend;

/// <summary>
/// The axis of a soup sweep other than λ: one merge method's parameter (TIES or DARE density, SLERP's t, a task-vector
/// scale…) and the values it takes. Each value v gives one soup, merged with <c>method(v)</c> at coefficients
/// <c>lambdas(v)</c> (or the sweep's fixed λ); the sweep also evaluates every expert alone, so the front's hypervolume can be
/// read against the experts' (<see cref="SoupSweep.ExpertsHypervolume"/>). Set it with <see cref="Soup.Along"/>.
/// </summary>
/// <example><code>
/// var byDensity = Soup.Of(helpful, harmless).Base(sft)
///     .Along(SweepAxis.Of("density", SweepAxis.Steps(0.1, 1.0, 10), d =&gt; Merge.Ties(density: d)), 0.5, 0.5)
///     .Objective("helpful", helpfulRm).Objective("harmless", harmlessRm)
///     .Sweep(evalPrompts);
/// var byT = Soup.Of(helpful, harmless).Along(SweepAxis.Slerp(steps: 11))…;   // t = 0 and t = 1 are the experts, bit for bit
/// </code></example>
public sealed record SweepAxis
{
    readonly Func<double, MergeMethod> _method;
    readonly Func<double, double[]>? _lambdas;

    SweepAxis(string parameter, IReadOnlyList<double> values, Func<double, MergeMethod> method, Func<double, double[]>? lambdas)
    {
        Parameter = parameter;
        Values = values;
        _method = method;
        _lambdas = lambdas;
    }

    /// <summary>The parameter's name (a frame column and the charts' hover label).</summary>
    public string Parameter { get; }

    /// <summary>The values, in sweep order.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>True when the axis sets λ itself (as SLERP's t does); otherwise the sweep's fixed λ is used.</summary>
    public bool SetsLambdas => _lambdas is not null;

    /// <summary>An axis over any method's parameter.</summary>
    /// <param name="parameter">Its name, e.g. <c>density</c>.</param>
    /// <param name="values">The values (at least one, finite).</param>
    /// <param name="method">The merge method at a value, e.g. <c>d =&gt; Merge.Ties(density: d)</c>.</param>
    /// <param name="lambdas">λ at a value (one entry per expert), or null to use the sweep's fixed λ (<see cref="Soup.Along"/>).</param>
    /// <exception cref="ArgumentException">No values, or a value that is not finite.</exception>
    public static SweepAxis Of(string parameter, IEnumerable<double> values, Func<double, MergeMethod> method, Func<double, double[]>? lambdas = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parameter);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(method);
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException($"SweepAxis '{parameter}': give at least one value.", nameof(values));
        foreach (var v in list)
            if (!double.IsFinite(v)) throw new ArgumentException($"SweepAxis '{parameter}': value {v} is not finite.", nameof(values));
        if (parameter == "nll" || parameter == "pareto" || parameter.StartsWith("lambda_", StringComparison.Ordinal)) throw new ArgumentException($"SweepAxis: '{parameter}' is reserved for a frame column.", nameof(parameter));
        return new SweepAxis(parameter, list, method, lambdas);
    }

    /// <summary>SLERP's t over <paramref name="steps"/> points from 0 to 1, λ = (1 − t, t): t = 0 and t = 1 are the two experts exactly.</summary>
    /// <param name="steps">Points including both ends (default 11), at least 2.</param>
    public static SweepAxis Slerp(int steps = 11) => Of("t", Steps(0, 1, steps), _ => Merge.Slerp(), t => [1 - t, t]);

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="from"/> to <paramref name="to"/>, both included (the last exactly).</summary>
    public static IReadOnlyList<double> Steps(double from, double to, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        if (!double.IsFinite(from) || !double.IsFinite(to)) throw new ArgumentException($"SweepAxis.Steps: the ends must be finite, got {from} and {to}.");
        return [.. Enumerable.Range(0, steps).Select(k => k == steps - 1 ? to : from + (to - from) * k / (steps - 1))];
    }

    /// <summary>The method at <paramref name="value"/>.</summary>
    internal MergeMethod MethodAt(double value) => _method(value) ?? throw new InvalidOperationException($"SweepAxis '{Parameter}': the method function returned null at {value}.");

    /// <summary>λ at <paramref name="value"/>, or <paramref name="fixedLambdas"/> when the axis sets none.</summary>
    internal IReadOnlyList<double> LambdaAt(double value, IReadOnlyList<double> fixedLambdas) => _lambdas is null ? fixedLambdas
        : _lambdas(value) ?? throw new InvalidOperationException($"SweepAxis '{Parameter}': the λ function returned null at {value}.");

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"SweepAxis {Parameter}: {Values.Count} values from {Values[0]:G4} to {Values[^1]:G4}");
}
