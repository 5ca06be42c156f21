namespace Blend;

/// <summary>How <see cref="Policy.Generate(IReadOnlyList{string}, GenerationOptions)"/> samples responses.</summary>
/// <example><code>policy.Generate(prompts, new GenerationOptions { MaxNewTokens = 32, Temperature = 0.7, Seed = 3 });</code></example>
public sealed record GenerationOptions
{
    /// <summary>Most response tokens per prompt (EOS included); default 64.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Softmax temperature τ applied to the logits before sampling; default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Sample only among the k most likely tokens; 0 (default) disables top-k.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: the smallest set of tokens whose probability reaches p; 1 (default) disables top-p.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Take the most likely token at every step (ignores temperature, top-k, top-p and the seed); default false.</summary>
    public bool Greedy { get; init; }

    /// <summary>Reuse keys and values of earlier positions (much faster; same results); default true.</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>Seed of this call's own random generator: the same seed gives the same samples; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public GenerationOptions Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"GenerationOptions.MaxNewTokens must be at least 1 (is {MaxNewTokens}).");
        if (!Greedy && !(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"GenerationOptions.Temperature must be positive and finite (is {Temperature}).");
        if (TopK < 0) throw new ArgumentException($"GenerationOptions.TopK must be 0 (off) or positive (is {TopK}).");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"GenerationOptions.TopP must be in (0, 1] (is {TopP}).");
        return this;
    }
}
