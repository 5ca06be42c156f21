namespace Blend;

/// <summary>Options of offline DPO on fixed preference pairs (Rafailov et al. 2023; the CGPO paper's DPO baseline).</summary>
/// <example><code>new DpoOptions { Beta = 0.1 }</code></example>
public sealed record DpoOptions : OptimizerOptions
{
    /// <summary>β, the DPO temperature on the log-ratio margin. Default 0.1.</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>Number of preference pairs per task batch (offline DPO generates nothing). Default 8.</summary>
    public int PairsPerStep { get; init; } = 8;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Dpo.Objective(rollout, this);

    /// <inheritdoc />
    internal override int OfflinePairs => PairsPerStep;

    /// <inheritdoc />
    public override string Name => "dpo";

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequirePositive(task, nameof(Beta), Beta);
        if (PairsPerStep < 1) throw new ArgumentException($"Task '{task}': PairsPerStep must be ≥ 1; got {PairsPerStep}.");
    }
}
