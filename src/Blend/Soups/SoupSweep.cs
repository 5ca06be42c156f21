using Deedle;

namespace Blend;

/// <summary>
/// The result of <see cref="Soup.Sweep"/>: every soup θ(λ) evaluated on every objective, the non-dominated set and its
/// hypervolume against a reference point (maximization).
/// </summary>
public sealed record SoupSweep
{
    /// <summary>
    /// The sweep of evaluated <paramref name="points"/> and <paramref name="experts"/> (each alone): the Pareto front over the
    /// points, its hypervolume and the experts' above <paramref name="reference"/> (default: just below the worst value of each
    /// objective among points and experts).
    /// </summary>
    internal static SoupSweep Of(IReadOnlyList<string> expertNames, IReadOnlyList<string> objectives, string method, string? parameter, IReadOnlyList<SoupPoint> points,
        IReadOnlyList<SoupPoint> experts, IReadOnlyList<double>? reference, int prompts, int samplesPerPrompt, int seed, double seconds)
    {
        var values = points.Select(p => p.Rewards).ToList();
        var front = ParetoFront.Of(values);
        reference ??= DefaultReference([.. values, .. experts.Select(p => p.Rewards)]);
        return new SoupSweep
        {
            Experts = expertNames, Objectives = objectives, Method = method, Parameter = parameter, Points = points, Front = front,
            HypervolumeReference = reference, Hypervolume = front.Hypervolume(reference), ExpertPoints = experts,
            ExpertsHypervolume = experts.Count == 0 ? double.NaN : ParetoFront.Of([.. experts.Select(p => p.Rewards)]).Hypervolume(reference),
            Prompts = prompts, SamplesPerPrompt = samplesPerPrompt, Seed = seed, Seconds = seconds,
        };
    }

    static IReadOnlyList<double> DefaultReference(IReadOnlyList<IReadOnlyList<double>> values)
    {
        int k = values[0].Count;
        var r = new double[k];
        for (int o = 0; o < k; o++)
        {
            double min = values.Min(v => v[o]), max = values.Max(v => v[o]);
            r[o] = min - Math.Max(0.01 * (max - min), 1e-9);
        }
        return r;
    }

    /// <summary>The experts' labels, in λ order.</summary>
    public required IReadOnlyList<string> Experts { get; init; }

    /// <summary>The objectives' names, in reward order.</summary>
    public required IReadOnlyList<string> Objectives { get; init; }

    /// <summary>The merge method's name (<c>linear</c> for rewarded soups).</summary>
    public required string Method { get; init; }

    /// <summary>The merge parameter the sweep varied (<see cref="Soup.Along"/>), or null when it varied λ.</summary>
    public string? Parameter { get; init; }

    /// <summary>
    /// The experts, each evaluated alone: evaluated apart from <see cref="Points"/> in an axis sweep; in a λ sweep (unless
    /// set), the points whose λ is a vertex.
    /// </summary>
    public IReadOnlyList<SoupPoint> ExpertPoints
    {
        get => _expertPoints ?? (Parameter is null ? [.. Points.Where(p => p.Lambda.Count(l => l > 0.999) == 1)] : []);
        init => _expertPoints = value;
    }

    readonly IReadOnlyList<SoupPoint>? _expertPoints;

    /// <summary>Hypervolume of the experts alone above <see cref="HypervolumeReference"/> (NaN when none were evaluated): what the soups' front adds is <see cref="Hypervolume"/> minus it.</summary>
    public double ExpertsHypervolume { get; init; } = double.NaN;

    /// <summary>Every evaluated soup, in sweep order.</summary>
    public required IReadOnlyList<SoupPoint> Points { get; init; }

    /// <summary>The non-dominated soups (indices into <see cref="Points"/>).</summary>
    public required ParetoFront Front { get; init; }

    /// <summary>The reference point r of <see cref="Hypervolume"/>, one value per objective.</summary>
    public required IReadOnlyList<double> HypervolumeReference { get; init; }

    /// <summary>Hypervolume of the front above <see cref="HypervolumeReference"/>.</summary>
    public required double Hypervolume { get; init; }

    /// <summary>Number of evaluation prompts.</summary>
    public required int Prompts { get; init; }

    /// <summary>Responses sampled per prompt and soup.</summary>
    public required int SamplesPerPrompt { get; init; }

    /// <summary>The evaluation seed (the same sampling noise for every λ: common random numbers).</summary>
    public required int Seed { get; init; }

    /// <summary>Training runs the front needed: one fine-tune per expert (a MORL front needs one per point).</summary>
    public int TrainingRuns => Experts.Count;

    /// <summary>Wall-clock seconds of the sweep (merging and evaluation).</summary>
    public required double Seconds { get; init; }

    /// <summary>
    /// One row per soup: <c>lambda_0</c> … <c>lambda_{N−1}</c>, one column per objective, <c>nll</c> when loss texts were
    /// given, the axis parameter when the sweep had one (<see cref="Parameter"/>), and <c>pareto</c> (1 for non-dominated soups).
    /// </summary>
    public Frame<int, string> Frame => SoupFrames.Of(Experts.Count, Objectives, Points, Front,
        Parameter is null ? null : [new(Parameter, [.. Points.Select(p => p.Setting ?? double.NaN)])]);

    /// <summary>The non-dominated soups.</summary>
    public IReadOnlyList<SoupPoint> FrontPoints => Front.Indices.Select(i => Points[i]).ToList();

    /// <inheritdoc />
    public override string ToString() =>
        $"SoupSweep({Method}{(Parameter is null ? "" : " over " + Parameter)}, {Points.Count} soups of {Experts.Count} experts, {Front.Count} non-dominated, HV {Hypervolume:G4}{(double.IsNaN(ExpertsHypervolume) ? "" : $" (experts alone {ExpertsHypervolume:G4})")} vs ({string.Join(", ", HypervolumeReference.Select(r => r.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}))";
}

/// <summary>Builds Deedle frames for soup results.</summary>
internal static class SoupFrames
{
    public static Frame<int, string> Of(int experts, IReadOnlyList<string> objectives, IReadOnlyList<SoupPoint> points, ParetoFront? front, IEnumerable<KeyValuePair<string, double[]>>? extra = null, string prefix = "lambda_")
    {
        var keys = points.Select(p => p.Index).ToArray();
        var columns = new List<KeyValuePair<string, Series<int, double>>>();
        void Add(string name, IEnumerable<double> values) => columns.Add(new(name, new Series<int, double>(keys, values.ToArray())));
        for (int i = 0; i < experts; i++)
        {
            int e = i;
            Add(prefix + e.ToString(System.Globalization.CultureInfo.InvariantCulture), points.Select(p => p.Lambda[e]));
        }
        for (int k = 0; k < objectives.Count; k++)
        {
            int o = k;
            Add(objectives[o], points.Select(p => p.Rewards[o]));
        }
        if (points.Count > 0 && points.All(p => p.Nll is not null)) Add("nll", points.Select(p => p.Nll!.Value));
        if (extra is not null) foreach (var (name, values) in extra) Add(name, values);
        if (front is not null)
        {
            var set = front.Indices.ToHashSet();
            Add("pareto", points.Select((_, i) => set.Contains(i) ? 1.0 : 0.0));
        }
        return Deedle.Frame.FromColumns(columns);
    }
}
