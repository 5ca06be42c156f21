namespace Blend;

/// <summary>
/// Options of CRPG, calibrated-regularized policy gradient (CGPO §4.2, eq. 11–12; docs/cgpo.md#crpg).
/// </summary>
/// <example><code>new CrpgOptions { KlMax = 8, SamplesPerPrompt = 4 }</code></example>
public sealed record CrpgOptions : OptimizerOptions
{
    /// <summary>KL_max, the per-sample KL budget in nats of the hinge max(1 − log(π/π_ref)/KL_max, 0) (eq. 11). Default 8.</summary>
    public double KlMax { get; init; } = 8.0;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Crpg.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "crpg";

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequirePositive(task, nameof(KlMax), KlMax);
        RequireOneEpoch(task);
    }
}
