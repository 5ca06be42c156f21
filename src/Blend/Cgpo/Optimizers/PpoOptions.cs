namespace Blend;

/// <summary>Options of PPO with a value head, GAE and a per-token KL penalty (Schulman et al. 2017; Ouyang et al. 2022).</summary>
/// <example><code>new PpoOptions { KlCoef = 0.05, SamplesPerPrompt = 4 }</code></example>
public sealed record PpoOptions : OptimizerOptions
{
    /// <summary>β, the per-token KL penalty: r_t = −β (log π_old(a_t) − log π_ref(a_t)), plus the score on the last token. Default 0.05.</summary>
    public double KlCoef { get; init; } = 0.05;

    /// <summary>ε, the clipping range of the probability ratio. Default 0.2.</summary>
    public double Epsilon { get; init; } = 0.2;

    /// <summary>The clipping range of the value prediction around the old value. Default 0.2.</summary>
    public double ValueClip { get; init; } = 0.2;

    /// <summary>c_v, the weight of the value loss in the total loss. Default 0.1.</summary>
    public double ValueCoef { get; init; } = 0.1;

    /// <summary>γ, the discount of GAE. Default 1.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>λ, the GAE trace parameter. Default 0.95.</summary>
    public double Lambda { get; init; } = 0.95;

    /// <summary>Whether advantages are whitened (zero mean, unit variance over the batch's response tokens). Default true.</summary>
    public bool WhitenAdvantages { get; init; } = true;

    /// <inheritdoc />
    internal override Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch rollout) => Ppo.Objective(rollout, this);

    /// <inheritdoc />
    internal override bool NeedsValueHead => true;

    /// <inheritdoc />
    public override string Name => "ppo";

    /// <inheritdoc />
    public override void Validate(string task)
    {
        base.Validate(task);
        RequireNonNegative(task, nameof(KlCoef), KlCoef);
        RequirePositive(task, nameof(Epsilon), Epsilon);
        RequirePositive(task, nameof(ValueClip), ValueClip);
        RequireNonNegative(task, nameof(ValueCoef), ValueCoef);
        if (!(Gamma is > 0 and <= 1)) throw new ArgumentException($"Task '{task}': Gamma must be in (0, 1]; got {Gamma}.");
        if (!(Lambda is >= 0 and <= 1)) throw new ArgumentException($"Task '{task}': Lambda must be in [0, 1]; got {Lambda}.");
    }
}
