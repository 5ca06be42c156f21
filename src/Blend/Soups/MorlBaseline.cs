using Deedle;

namespace Blend;

/// <summary>
/// The multi-objective RL baseline of rewarded soups: one policy trained per preference μ on R_μ = Σₖ μₖ Rₖ (linear
/// scalarization), each evaluated exactly like the soups. A front of M points costs M training runs.
/// </summary>
public sealed record MorlBaseline
{
    /// <summary>The objectives' names.</summary>
    public required IReadOnlyList<string> Objectives { get; init; }

    /// <summary>One point per trained policy: <see cref="SoupPoint.Lambda"/> holds μ, <see cref="SoupPoint.Rewards"/> the evaluated means.</summary>
    public required IReadOnlyList<SoupPoint> Points { get; init; }

    /// <summary>The non-dominated MORL policies.</summary>
    public required ParetoFront Front { get; init; }

    /// <summary>Training runs this baseline needed (one per μ).</summary>
    public int TrainingRuns => Points.Count;

    /// <summary>Each run's mean training reward R_μ per step.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> RewardCurves { get; init; }

    /// <summary>Wall-clock seconds (training and evaluation).</summary>
    public required double Seconds { get; init; }

    /// <summary>The hypervolume of the MORL front above <paramref name="reference"/> (use the sweep's <see cref="SoupSweep.HypervolumeReference"/> to compare).</summary>
    public double Hypervolume(IReadOnlyList<double> reference) => Front.Hypervolume(reference);

    /// <summary>One row per policy: <c>mu_0</c> … , one column per objective, <c>pareto</c>.</summary>
    public Frame<int, string> Frame => SoupFrames.Of(Points.Count == 0 ? 0 : Points[0].Lambda.Count, Objectives, Points, Front, prefix: "mu_");

    /// <inheritdoc />
    public override string ToString() => $"MorlBaseline({TrainingRuns} training runs, {Front.Count} non-dominated)";
}
