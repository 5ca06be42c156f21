namespace Blend;

/// <summary>Hyperparameters of supervised fine-tuning (<see cref="Sft"/>).</summary>
/// <example><code>new SftOptions { Steps = 300, BatchSize = 32, LearningRate = 1e-3 }</code></example>
public sealed record SftOptions
{
    /// <summary>Optimizer updates; default 200.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Examples per micro-batch; default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Micro-batches accumulated per update (effective batch = BatchSize × this); default 1.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Peak AdamW learning rate η reached after warmup; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Learning rate at the end of the cosine decay; default 1e-4.</summary>
    public double MinLearningRate { get; init; } = 1e-4;

    /// <summary>Linear warmup steps from 0 to <see cref="LearningRate"/>; default 20.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW decoupled weight decay λ on matrices and embeddings (not on biases and norms); default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>AdamW β₁; default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β₂; default 0.95.</summary>
    public double Beta2 { get; init; } = 0.95;

    /// <summary>Clip the global gradient norm to this value; 0 disables; default 1.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Evaluate the held-out loss every this many steps (and at the start and end); 0 = only start and end; default 50.</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Most held-out examples used per evaluation; default 256.</summary>
    public int EvalExamples { get; init; } = 256;

    /// <summary>Seed of the data order (and of torch's global generator for dropout); default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Where to save checkpoints: the policy files plus AdamW state and step (see <see cref="ResumeFrom"/>), atomically; the last good one survives a divergence; null (default) saves none.</summary>
    public string? CheckpointDir { get; init; }

    /// <summary>
    /// Continue from a checkpoint written by an earlier run with <see cref="CheckpointDir"/>: its weights, AdamW state and
    /// step are restored and the data order is replayed, so with the same options the run ends with the numbers an
    /// uninterrupted run gives (exactly on CPU when <see cref="GptConfig.Dropout"/> is 0); null (default) starts fresh.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Save a checkpoint every this many steps (and at the end) when <see cref="CheckpointDir"/> is set; 0 = only at the end; default 0.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Stop after this many seconds of training (the schedule still spans <see cref="Steps"/>); 0 (default) = no limit.</summary>
    public double MaxSeconds { get; init; }

    /// <summary>Cancelling it stops training gracefully after the current step (the result says so); default none.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Train a LoRA adapter (<see cref="LoraAdapter"/>) attached to the policy in place instead of every weight: the base stays
    /// frozen and only A and B move; afterwards <c>LoraAdapter.Of(policy)</c> saves or merges it. A policy that already carries
    /// an adapter trains that one whatever this says; null (default) trains what has gradients (every weight of a plain policy).
    /// Checkpoints then hold the adapter in PEFT's layout, its optimizer state and the base model's fingerprint
    /// (<c>base_model_sha256</c>); <see cref="ResumeFrom"/> needs the same base policy and adapter options.
    /// </summary>
    public LoraOptions? Lora { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public SftOptions Validate()
    {
        if (Steps < 1) throw new ArgumentException($"SftOptions.Steps must be at least 1 (is {Steps}).");
        if (BatchSize < 1) throw new ArgumentException($"SftOptions.BatchSize must be at least 1 (is {BatchSize}).");
        if (GradientAccumulation < 1) throw new ArgumentException($"SftOptions.GradientAccumulation must be at least 1 (is {GradientAccumulation}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"SftOptions.LearningRate must be positive (is {LearningRate}).");
        if (!(MinLearningRate >= 0) || MinLearningRate > LearningRate) throw new ArgumentException($"SftOptions.MinLearningRate must be in [0, LearningRate] (is {MinLearningRate}).");
        if (WarmupSteps < 0) throw new ArgumentException($"SftOptions.WarmupSteps must not be negative (is {WarmupSteps}).");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"SftOptions.WeightDecay must not be negative (is {WeightDecay}).");
        if (!(GradClip >= 0)) throw new ArgumentException($"SftOptions.GradClip must not be negative (is {GradClip}).");
        if (EvalEvery < 0 || EvalExamples < 1) throw new ArgumentException("SftOptions.EvalEvery must be ≥ 0 and EvalExamples ≥ 1.");
        if (CheckpointEvery < 0) throw new ArgumentException($"SftOptions.CheckpointEvery must not be negative (is {CheckpointEvery}).");
        Lora?.Validate();
        return this;
    }
}
