namespace Blend;

/// <summary>
/// Options of CODPO, constrained online DPO (CGPO §4.2, eq. 14; docs/cgpo.md#codpo).
/// </summary>
/// <example><code>new CodpoOptions { Beta = 0.1, Lambda = 0.5, SamplesPerPrompt = 4 }</code></example>
public sealed record CodpoOptions : OptimizerOptions
{
    /// <summary>β, the DPO temperature on the log-ratio margin. Default 0.1.</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>λ, the weight of the length-normalised positive log-likelihood term λ/|a+|·log π(a+|s) (eq. 14). Default 0.5.</summary>
    public double Lambda { get; init; } = 0.5;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Codpo.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "codpo";

    /// <inheritdoc />
    public override int MinGenerations => 2;

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequirePositive(task, nameof(Beta), Beta);
        RequireNonNegative(task, nameof(Lambda), Lambda);
    }
}
