namespace Blend;

/// <summary>Options of online DPO: pairs formed from the policy's own K responses, chosen by reward only (no judges).</summary>
/// <example><code>new OnlineDpoOptions { Beta = 0.1, SamplesPerPrompt = 2 }</code></example>
public sealed record OnlineDpoOptions : OptimizerOptions
{
    /// <summary>β, the DPO temperature on the log-ratio margin. Default 0.1.</summary>
    public double Beta { get; init; } = 0.1;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => OnlineDpo.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "online-dpo";

    /// <inheritdoc />
    public override int MinGenerations => 2;

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequirePositive(task, nameof(Beta), Beta);
    }
}
