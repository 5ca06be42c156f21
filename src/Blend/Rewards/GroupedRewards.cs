namespace Blend;

/// <summary>
/// The rewards of a prompt-major batch of groups (K responses per prompt, <see cref="IRewardModel.ScoreGroups"/>): each
/// response's reward r and, when the reward aggregates its components within groups (<see cref="RewardAggregation.NormalizeThenSum"/>),
/// the already group-relative signal a group-relative optimizer uses in place of normalizing r itself.
/// </summary>
/// <param name="Rewards">r(s, a) per response, as <see cref="IRewardModel.Score"/> returns it (metrics, calibration and evaluation read it).</param>
/// <param name="GroupNormalized">
/// Σ_k w_k z_k per response with each component z-scored within its group (GDPO), or null when the optimizer should normalize
/// <paramref name="Rewards"/> itself (<see cref="RewardAggregation.SumThenNormalize"/>, and every reward that is not a mixture).
/// </param>
public sealed record GroupedRewards(IReadOnlyList<double> Rewards, IReadOnlyList<double>? GroupNormalized)
{
    /// <summary>
    /// The advantages Â of a group-relative optimizer under GDPO: <see cref="GroupNormalized"/> standardized over the batch,
    /// (s − mean s)/(std s + δ) (TRL's <c>normalize_then_sum</c>); null when <see cref="GroupNormalized"/> is null.
    /// </summary>
    /// <param name="delta">δ (default 1e-4, TRL's).</param>
    public double[]? BatchStandardized(double delta = GroupNormalization.Delta) =>
        GroupNormalized is null ? null : GroupNormalization.OverBatch(GroupNormalized, delta);
}
