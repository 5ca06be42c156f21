namespace Blend;

/// <summary>
/// A learning-rate schedule over a run's steps: linear warmup from 0 to the peak over <see cref="WarmupSteps"/>, then constant
/// or cosine decay to <see cref="MinLearningRate"/> at the last step. One rule for SFT, reward-model training and CGPO.
/// </summary>
/// <remarks>
/// <code>
/// step ≤ W:   η_t = η · t / W
/// constant:   η_t = η
/// cosine:     η_t = η_min + ½ (η − η_min) (1 + cos(π · min((t − W) / max(1, T − W), 1)))
/// </code>
/// </remarks>
/// <example><code>LearningRateSchedule.Cosine(warmupSteps: 10, minLearningRate: 1e-5).At(1e-4, step: 30, totalSteps: 100)</code></example>
public sealed record LearningRateSchedule
{
    LearningRateSchedule(bool cosine, int warmupSteps, double minLearningRate)
    {
        if (warmupSteps < 0) throw new ArgumentException($"LearningRateSchedule: warmupSteps must be ≥ 0; got {warmupSteps}.", nameof(warmupSteps));
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate)) throw new ArgumentException($"LearningRateSchedule: minLearningRate must be a finite number ≥ 0; got {minLearningRate}.", nameof(minLearningRate));
        IsCosine = cosine;
        WarmupSteps = warmupSteps;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The peak rate at every step after an optional linear warmup.</summary>
    public static LearningRateSchedule Constant(int warmupSteps = 0) => new(false, warmupSteps, 0);

    /// <summary>Linear warmup over <paramref name="warmupSteps"/>, then cosine decay to <paramref name="minLearningRate"/> at the last step.</summary>
    public static LearningRateSchedule Cosine(int warmupSteps = 0, double minLearningRate = 0) => new(true, warmupSteps, minLearningRate);

    /// <summary>True for cosine decay, false for constant.</summary>
    public bool IsCosine { get; }

    /// <summary>W, the linear warmup steps from 0 to the peak.</summary>
    public int WarmupSteps { get; }

    /// <summary>η_min, the rate at the end of the cosine decay (unused by the constant schedule).</summary>
    public double MinLearningRate { get; }

    /// <summary>The schedule's name: <c>constant</c> or <c>cosine</c>.</summary>
    public string Name => IsCosine ? "cosine" : "constant";

    /// <summary>The learning rate at a 1-based <paramref name="step"/> of <paramref name="totalSteps"/>, for the peak rate <paramref name="peak"/>.</summary>
    public double At(double peak, int step, int totalSteps)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return peak * step / WarmupSteps;
        if (!IsCosine) return peak;
        int decaySteps = Math.Max(1, totalSteps - WarmupSteps);
        double progress = Math.Clamp((step - WarmupSteps) / (double)decaySteps, 0, 1);
        return MinLearningRate + 0.5 * (peak - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}
