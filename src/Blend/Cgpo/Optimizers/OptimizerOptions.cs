namespace Blend;

/// <summary>
/// Base of every per-task optimizer's options (CRPG, CRRAFT, CODPO and the PPO, DPO, online DPO, GRPO, RLOO baselines);
/// pick one per task with <c>.Optimizer(new CrpgOptions { … })</c>.
/// </summary>
public abstract record OptimizerOptions
{
    /// <summary>K, the number of responses generated per prompt (step 2 of docs/cgpo.md#the-loop). Default 4.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>The optimizer's short name (<c>crpg</c>, <c>ppo</c>, …), used in metrics and reports.</summary>
    public abstract string Name { get; }

    /// <summary>The smallest K the optimizer can use (2 for methods that compare responses of one prompt).</summary>
    public virtual int MinGenerations => 1;

    /// <summary>True when the optimizer generates online (every method except offline DPO).</summary>
    public virtual bool Online => OfflinePairs == 0;

    /// <summary>
    /// E, the passes over one rollout per step (docs/cgpo.md#multi-epoch-updates). Each pass re-scores the rollout under the
    /// current weights while π_old stays the sampling policy, so the ratio π_w/π_old of PPO and GRPO moves and their clip acts
    /// from the second update on. Default 1.
    /// </summary>
    public int Epochs { get; init; } = 1;

    /// <summary>M, the minibatches each pass splits the rollout's prompts into (a prompt's K responses stay together); one AdamW update each. Default 1.</summary>
    public int MiniBatches { get; init; } = 1;

    /// <summary>
    /// Early stop: the task's remaining updates of a step are skipped once the approximate KL(π_old ‖ π_w) of a minibatch, the
    /// mean per-token k3 estimate measured before its update, exceeds this bound in nats (as OpenRLHF and Stable-Baselines3's
    /// <c>target_kl</c>). 0 (default): no early stop.
    /// </summary>
    public double TargetKl { get; init; }

    /// <summary>The number of updates the task makes per step, E · M.</summary>
    public int Updates => Epochs * MiniBatches;

    /// <summary>
    /// The optimizer's objective on one rollout, in two parts: what it computes once from the whole rollout at sampling time
    /// (advantages, choices, normalisers; no gradient), and the returned loss (to minimise) of one minibatch cut from that
    /// rollout and scored again under the current weights with gradient (<see cref="RolloutBatch.Minibatch"/>;
    /// <see cref="RolloutBatch.Rows"/> and <see cref="RolloutBatch.PerPrompt"/> read the rollout-wide values for its rows).
    /// Each optimizer's file holds its rule, this assembly and its loss.
    /// </summary>
    internal abstract Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout);

    /// <summary>True when the optimizer trains a value head (PPO); the trainer then adds one to the policy.</summary>
    internal virtual bool NeedsValueHead => false;

    /// <summary>Preference pairs an offline optimizer draws per step instead of generating (0: the optimizer generates).</summary>
    internal virtual int OfflinePairs => 0;

    /// <summary>Checks the options; the message names the task and the field.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public virtual void Validate(string task)
    {
        if (Online && SamplesPerPrompt < MinGenerations)
            throw new ArgumentException(MinGenerations > 1
                ? $"Task '{task}': {Name} compares responses of one prompt and needs SamplesPerPrompt (K) ≥ {MinGenerations}; got {SamplesPerPrompt}."
                : $"Task '{task}': SamplesPerPrompt (K) must be ≥ 1; got {SamplesPerPrompt}.");
        if (Epochs < 1) throw new ArgumentException($"Task '{task}': Epochs must be ≥ 1; got {Epochs}.");
        if (MiniBatches < 1) throw new ArgumentException($"Task '{task}': MiniBatches must be ≥ 1; got {MiniBatches}.");
        RequireNonNegative(task, nameof(TargetKl), TargetKl);
    }

    /// <summary>
    /// Throws when <see cref="Epochs"/> &gt; 1 for an on-policy estimator with no importance ratio (CRPG, RLOO): a second
    /// pass would follow the stale rollout's gradient with nothing to correct or bound it.
    /// </summary>
    protected void RequireOneEpoch(string task)
    {
        if (Epochs > 1)
            throw new ArgumentException($"Task '{task}': {Name} is an on-policy estimator without an importance ratio π_w/π_old, so Epochs must be 1 (got {Epochs}); MiniBatches may split the rollout, and PPO or GRPO make several clipped passes.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and positive.</summary>
    protected static void RequirePositive(string task, string field, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentException($"Task '{task}': {field} must be a finite number > 0; got {value}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    protected static void RequireNonNegative(string task, string field, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentException($"Task '{task}': {field} must be a finite number ≥ 0; got {value}.");
    }
}
