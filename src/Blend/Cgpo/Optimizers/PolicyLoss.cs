using TorchSharp;

namespace Blend;

/// <summary>What one optimizer's objective produced for one task batch: the scalar loss to minimise and what it used.</summary>
/// <param name="Loss">The scalar loss (carries the autograd graph; minimise it).</param>
public sealed record PolicyLoss(torch.Tensor Loss)
{
    /// <summary>Number of samples (or pairs) that carry gradient.</summary>
    public int Used { get; init; }

    /// <summary>Number of prompts skipped by the optimizer's rules (CRRAFT/CODPO: no usable sample or pair).</summary>
    public int Skipped { get; init; }

    /// <summary>Number of documented fallbacks taken (CRRAFT: baseline response used; CODPO: a− taken from all samples).</summary>
    public int Fallbacks { get; init; }

    /// <summary>
    /// Fraction of the minibatch's response tokens whose gradient the ratio clip cut: ρ &gt; 1 + ε_high with Â &gt; 0, or
    /// ρ &lt; 1 − ε_low with Â &lt; 0 (TRL's clip ratio). NaN for objectives without a clipped ratio.
    /// </summary>
    public double ClipFraction { get; init; } = double.NaN;

    /// <summary>The value-head part of the loss, when the optimizer trains one (PPO); already included in <see cref="Loss"/>.</summary>
    public torch.Tensor? ValueLoss { get; init; }
}
