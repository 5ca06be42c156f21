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
    /// The optimizer's objective on one rollout batch: assembles its inputs from the batch and returns its loss (to minimise)
    /// with what it used. Each optimizer's file holds its rule, this assembly and its loss.
    /// </summary>
    internal abstract PolicyLoss Objective(RolloutBatch batch);

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
