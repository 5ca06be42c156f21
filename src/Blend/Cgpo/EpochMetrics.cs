namespace Blend;

/// <summary>One pass (epoch) of a task over its step's rollout: the means over its minibatch updates.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
public sealed record EpochMetrics(int Epoch)
{
    /// <summary>Mean loss of the epoch's minibatches.</summary>
    public double Loss { get; init; }

    /// <summary>Mean clip fraction of the epoch's minibatches (NaN for objectives without a clipped ratio).</summary>
    public double ClipFraction { get; init; } = double.NaN;

    /// <summary>Mean approximate KL(π_old ‖ π_w) per token of the epoch's minibatches, measured before each update.</summary>
    public double ApproxKl { get; init; }

    /// <summary>Minibatch updates made in the epoch.</summary>
    public int Updates { get; init; }
}
