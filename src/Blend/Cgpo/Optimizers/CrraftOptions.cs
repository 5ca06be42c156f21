namespace Blend;

/// <summary>
/// Options of CRRAFT, calibrated-regularized reward-ranked fine-tuning (CGPO §4.2, eq. 17–18; docs/cgpo.md#crraft).
/// </summary>
/// <example><code>new CrraftOptions { KlMax = 8, SamplesPerPrompt = 4 }</code></example>
public sealed record CrraftOptions : OptimizerOptions
{
    /// <summary>KL_max in nats: samples with log π_w(a|s) − log π_ref(a|s) &gt; KL_max are filtered out. Default 8.</summary>
    public double KlMax { get; init; } = 8.0;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Crraft.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "crraft";

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequirePositive(task, nameof(KlMax), KlMax);
    }
}
