namespace Blend;

/// <summary>Options of GRPO, group-relative policy optimisation (Shao et al. 2024, DeepSeekMath).</summary>
/// <example><code>new GrpoOptions { SamplesPerPrompt = 4, Beta = 0.04 }</code></example>
public sealed record GrpoOptions : OptimizerOptions
{
    /// <summary>β, the weight of the per-token k3 KL estimate to the reference policy. Default 0.04.</summary>
    public double Beta { get; init; } = 0.04;

    /// <summary>ε, the clipping range of the probability ratio, clip(ρ, 1 − ε, 1 + ε). Default 0.2.</summary>
    public double Epsilon { get; init; } = 0.2;

    /// <summary>Added to the group's standard deviation in (r − mean)/(std + δ) to avoid division by zero. Default 1e-4.</summary>
    public double StdEpsilon { get; init; } = 1e-4;

    /// <inheritdoc />
    internal override PolicyLoss Objective(RolloutBatch batch) => Grpo.Objective(batch, this);

    /// <inheritdoc />
    public override string Name => "grpo";

    /// <inheritdoc />
    public override int MinGenerations => 2;

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequireNonNegative(task, nameof(Beta), Beta);
        RequirePositive(task, nameof(Epsilon), Epsilon);
        RequirePositive(task, nameof(StdEpsilon), StdEpsilon);
    }
}
