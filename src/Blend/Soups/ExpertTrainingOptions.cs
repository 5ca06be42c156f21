namespace Blend;

/// <summary>
/// Hyperparameters of <see cref="ExpertTraining.FineTune"/>: RLOO (REINFORCE leave-one-out) with a KL penalty to the
/// initialization, as in the rewarded-soups toy design (docs/rewarded-soups.md#expert-training). Identical for every expert except the reward.
/// </summary>
public sealed record ExpertTrainingOptions
{
    /// <summary>Optimizer steps (default 60).</summary>
    public int Steps { get; init; } = 60;

    /// <summary>Prompts per step (default 8).</summary>
    public int PromptsPerStep { get; init; } = 8;

    /// <summary>Responses sampled per prompt, K in RLOO (default 4, at least 2).</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>AdamW learning rate, weight decay 0 (default 3e-3, for tiny models).</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>KL penalty coefficient β on the sequence log-ratio log π/π_init, subtracted from the reward (default 0.05).</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>Maximum new tokens per response (default 8).</summary>
    public int MaxNewTokens { get; init; } = 8;

    /// <summary>Sampling temperature (default 1).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Gradient-norm clip (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seed of prompt order and sampling (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Fine-tune a LoRA adapter per expert instead of every weight, as the rewarded-soups paper does for its LLM experts (the
    /// expert's policy then carries it: <c>LoraAdapter.Of(run.Policy)</c>; soup the adapters with <see cref="AdapterSoup"/>);
    /// null (default) fine-tunes every weight.
    /// </summary>
    public LoraOptions? Lora { get; init; }

    internal ExpertTrainingOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfLessThan(PromptsPerStep, 1, nameof(PromptsPerStep));
        ArgumentOutOfRangeException.ThrowIfLessThan(SamplesPerPrompt, 2, nameof(SamplesPerPrompt));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNewTokens, 1, nameof(MaxNewTokens));
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive.");
        if (!(Beta >= 0)) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "Beta must be ≥ 0.");
        if (!(Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive.");
        Lora?.Validate();
        return this;
    }
}
