namespace Blend;

/// <summary>Hyperparameters of reward-model training (Bradley–Terry loss, AdamW, warmup + cosine schedule).</summary>
/// <example><code>var options = new RewardTrainingOptions { Steps = 800, Margin = 0.5 };</code></example>
public sealed record RewardTrainingOptions
{
    /// <summary>Optimizer steps; default 300 (about 10–20 s on two CPU cores for the default model and the shipped pairs).</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Preference pairs per step (each pair scores two sequences); default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak AdamW learning rate; default 1e-3 (a from-scratch tiny model; use ~1e-5 when starting from a large SFT model, TRL's default).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW decoupled weight decay; default 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Linear warmup steps before the cosine decay (to 10 % of the peak); default 30.</summary>
    public int WarmupSteps { get; init; } = 30;

    /// <summary>Gradient clipping by global norm; default 1.0 (0 turns it off).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// Margin m of the loss −log σ(r_c − r_r − m) for pairs without their own <see cref="PreferencePair.Margin"/>; default 0
    /// (the plain Bradley–Terry loss of CGPO §2).
    /// </summary>
    public double Margin { get; init; }

    /// <summary>
    /// Coefficient c of the centering penalty c · mean((r_c + r_r)²) (TRL's <c>center_rewards_coefficient</c>); default 0.01,
    /// small enough not to fight the ranking but keeps scores near zero-mean across prompts.
    /// </summary>
    public double CenterRewardsCoefficient { get; init; } = 0.01;

    /// <summary>Fraction of prompts held out for accuracy (split by prompt text, stratified by task); default 0.15.</summary>
    public double HeldOutFraction { get; init; } = 0.15;

    /// <summary>Evaluate on the held-out pairs every this many steps (and at the end); default 50.</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Seed of the split, the initialisation and the batch order; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Stop early once training has run this many seconds (null: no limit). A time stop makes the step count machine-dependent.</summary>
    public double? MaxSeconds { get; init; }

    /// <summary>
    /// Backbone architecture for a model trained from scratch (its <see cref="GptConfig.VocabSize"/> is replaced by the codec's
    /// and <see cref="ModelConfig.RewardHead"/> is turned on); default null = 2 layers, 4 heads, width 96, context 192.
    /// </summary>
    public GptConfig? Config { get; init; }

    /// <summary>The reward model's name (columns, charts); default <c>reward</c>.</summary>
    public string Name { get; init; } = "reward";

    /// <summary>
    /// Train a LoRA adapter (<see cref="LoraAdapter"/>) on the backbone plus the score head instead of every weight (PEFT's
    /// SEQ_CLS recipe: the head is trained whole); afterwards <c>LoraAdapter.Of(model.Backbone)</c> saves or merges it. Null
    /// (default) trains every weight.
    /// </summary>
    public LoraOptions? Lora { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public RewardTrainingOptions Validate()
    {
        if (Steps < 1) throw new ArgumentException($"RewardTrainingOptions.Steps must be at least 1 (is {Steps}).");
        if (BatchSize < 1) throw new ArgumentException($"RewardTrainingOptions.BatchSize must be at least 1 (is {BatchSize}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"RewardTrainingOptions.LearningRate must be positive (is {LearningRate}).");
        if (WeightDecay < 0 || double.IsNaN(WeightDecay)) throw new ArgumentException($"RewardTrainingOptions.WeightDecay must be ≥ 0 (is {WeightDecay}).");
        if (WarmupSteps < 0) throw new ArgumentException($"RewardTrainingOptions.WarmupSteps must be ≥ 0 (is {WarmupSteps}).");
        if (MaxGradNorm < 0 || double.IsNaN(MaxGradNorm)) throw new ArgumentException($"RewardTrainingOptions.MaxGradNorm must be ≥ 0 (is {MaxGradNorm}).");
        if (!double.IsFinite(Margin)) throw new ArgumentException($"RewardTrainingOptions.Margin must be finite (is {Margin}).");
        if (CenterRewardsCoefficient < 0 || !double.IsFinite(CenterRewardsCoefficient)) throw new ArgumentException($"RewardTrainingOptions.CenterRewardsCoefficient must be ≥ 0 (is {CenterRewardsCoefficient}).");
        if (HeldOutFraction is < 0 or >= 1 || double.IsNaN(HeldOutFraction)) throw new ArgumentException($"RewardTrainingOptions.HeldOutFraction must be in [0, 1) (is {HeldOutFraction}).");
        if (EvalEvery < 1) throw new ArgumentException($"RewardTrainingOptions.EvalEvery must be at least 1 (is {EvalEvery}).");
        if (MaxSeconds is double s && !(s > 0)) throw new ArgumentException($"RewardTrainingOptions.MaxSeconds must be positive (is {s}).");
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("RewardTrainingOptions.Name must not be empty.");
        Lora?.Validate();
        return this;
    }
}
