namespace Blend;

/// <summary>
/// Options of GRPO, group-relative policy optimisation (Shao et al. 2024, DeepSeekMath), and of its 2025 variants as loss
/// types of the same optimizer: Dr. GRPO, DAPO, and GSPO's sequence-level ratio (the rules are at the top of <see cref="Grpo"/>).
/// Unset (null) constants take the paper's value for the chosen variant.
/// </summary>
/// <example><code>
/// new GrpoOptions { SamplesPerPrompt = 4, Beta = 0.04 }
/// new GrpoOptions { LossType = GrpoLossType.Dapo, DynamicSampling = true, OverlongBuffer = 8, Epochs = 2 }   // ε 0.2/0.28, β 0
/// new GrpoOptions { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence, MiniBatches = 2 }       // GSPO
/// </code></example>
public sealed record GrpoOptions : OptimizerOptions
{
    /// <summary>How the per-token terms are aggregated (TRL's <c>loss_type</c>): <c>grpo</c> (per-sequence mean, default), <c>dr_grpo</c> (÷ G·L_max), <c>dapo</c> (token level, ÷ Σ|o_i|).</summary>
    public GrpoLossType LossType { get; init; } = GrpoLossType.Grpo;

    /// <summary>Whether ρ is per token (default) or GSPO's per sequence, s_i = exp(mean_t log ρ_{i,t}) (TRL's <c>importance_sampling_level</c>).</summary>
    public ImportanceSamplingLevel ImportanceSamplingLevel { get; init; } = ImportanceSamplingLevel.Token;

    /// <summary>β, the weight of the per-token k3 KL estimate to the reference policy. Unset: 0.04, or 0 for dapo and sequence level.</summary>
    public double? Beta { get; init; }

    /// <summary>ε (ε_low), the lower clipping range of the ratio, clip(ρ, 1 − ε_low, 1 + ε_high). Unset: 0.2, or 3e-4 at sequence level.</summary>
    public double? Epsilon { get; init; }

    /// <summary>ε_high, the upper clipping range (DAPO's clip-higher). Unset: ε, or 0.28 for dapo, or 4e-4 at sequence level.</summary>
    public double? EpsilonHigh { get; init; }

    /// <summary>What the centred reward r − mean_group(r) is divided by (TRL's <c>scale_rewards</c>): the group's std, the batch's, or nothing. Unset: none for dr_grpo, else group.</summary>
    public RewardScaling? ScaleRewards { get; init; }

    /// <summary>Added to the standard deviation in (r − mean)/(std + δ) to avoid division by zero. Default 1e-4.</summary>
    public double StdEpsilon { get; init; } = 1e-4;

    /// <summary>DAPO's dynamic sampling: drop the groups whose K rewards are all equal (no refill: the batch shrinks). Default false.</summary>
    public bool DynamicSampling { get; init; }

    /// <summary>DAPO's overlong filtering (TRL's <c>mask_truncated_completions</c>): responses cut at the token limit put no token in the loss. Default false.</summary>
    public bool MaskTruncated { get; init; }

    /// <summary>L_cache of DAPO's soft overlong punishment, in tokens: the reward falls linearly to −1 over the last L_cache tokens before the limit L_max. 0 (default): off.</summary>
    public int OverlongBuffer { get; init; }

    /// <summary>The weight of the soft overlong punishment added to the reward. Default 1.</summary>
    public double OverlongPenalty { get; init; } = 1.0;

    internal bool Sequence => ImportanceSamplingLevel == ImportanceSamplingLevel.Sequence;

    /// <summary>ε_low in effect.</summary>
    internal double ClipLow => Epsilon ?? (Sequence ? 3e-4 : 0.2);

    /// <summary>ε_high in effect.</summary>
    internal double ClipHigh => EpsilonHigh ?? (Sequence ? 4e-4 : LossType == GrpoLossType.Dapo ? 0.28 : ClipLow);

    /// <summary>β in effect.</summary>
    internal double KlWeight => Beta ?? (Sequence || LossType == GrpoLossType.Dapo ? 0.0 : 0.04);

    /// <summary>The reward scaling in effect.</summary>
    internal RewardScaling Scaling => ScaleRewards ?? (LossType == GrpoLossType.DrGrpo ? RewardScaling.None : RewardScaling.Group);

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Grpo.Objective(rollout, this);

    /// <inheritdoc />
    public override string Name => "grpo";

    /// <inheritdoc />
    public override int MinGenerations => 2;

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequireNonNegative(task, nameof(Beta), KlWeight);
        RequirePositive(task, nameof(Epsilon), ClipLow);
        RequirePositive(task, nameof(EpsilonHigh), ClipHigh);
        if (ClipLow >= 1) throw new ArgumentException($"Task '{task}': Epsilon must be < 1 (the ratio's lower bound 1 − ε must stay positive); got {ClipLow}.");
        RequirePositive(task, nameof(StdEpsilon), StdEpsilon);
        if (OverlongBuffer < 0) throw new ArgumentException($"Task '{task}': OverlongBuffer must be ≥ 0; got {OverlongBuffer}.");
        RequireNonNegative(task, nameof(OverlongPenalty), OverlongPenalty);
    }
}

/// <summary>How GRPO aggregates its per-token terms (TRL's <c>loss_type</c>; the rules are at the top of <see cref="Grpo"/>).</summary>
public enum GrpoLossType
{
    /// <summary>Per-sequence mean, then mean over responses (Shao et al. 2024).</summary>
    Grpo,

    /// <summary>Dr. GRPO: token sums ÷ G·L_max, no length or std normalisation (Liu et al. 2025).</summary>
    DrGrpo,

    /// <summary>DAPO: token-level mean over all the minibatch's loss tokens, Σ_i |o_i| (Yu et al. 2025).</summary>
    Dapo,
}

/// <summary>Where GRPO's importance ratio is taken (TRL's <c>importance_sampling_level</c>).</summary>
public enum ImportanceSamplingLevel
{
    /// <summary>Per token, ρ_{i,t} (GRPO, Dr. GRPO, DAPO).</summary>
    Token,

    /// <summary>Per sequence, s_i = exp((1/|o_i|) Σ_t log ρ_{i,t}) (GSPO, Zheng et al. 2025).</summary>
    Sequence,
}

/// <summary>What GRPO divides the centred reward r − mean_group(r) by (TRL's <c>scale_rewards</c>).</summary>
public enum RewardScaling
{
    /// <summary>The group's (prompt's K responses') unbiased standard deviation, plus δ.</summary>
    Group,

    /// <summary>The whole batch's unbiased standard deviation, plus δ.</summary>
    Batch,

    /// <summary>Nothing: Â = r − mean_group(r).</summary>
    None,
}
