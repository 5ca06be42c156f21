namespace Blend;

/// <summary>Options of RLOO, REINFORCE with a leave-one-out baseline (Ahmadian et al. 2024).</summary>
/// <example><code>new RlooOptions { SamplesPerPrompt = 4, Beta = 0.05 }</code></example>
public sealed record RlooOptions : OptimizerOptions
{
    /// <summary>β, the KL penalty: the reward becomes r − β·(log π_w(a|s) − log π_ref(a|s)). Default 0.05.</summary>
    public double Beta { get; init; } = 0.05;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Rloo.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "rloo";

    /// <inheritdoc />
    public override int MinGenerations => 2;

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequireNonNegative(task, nameof(Beta), Beta);
        RequireOneEpoch(task);
    }
}
