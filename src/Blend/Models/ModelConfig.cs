using System.Text.Json.Serialization;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// What every causal-LM architecture's config shares: vocabulary, context, depth, width and the optional scalar heads on
/// the final hidden state. Derived records (<see cref="GptConfig"/>, <see cref="Gpt2Config"/>, <see cref="LlamaConfig"/>)
/// add their own fields and build their model.
/// </summary>
public abstract record ModelConfig
{
    /// <summary>Architecture name: <c>gpt</c> (Blend's own), <c>gpt2</c>, <c>llama</c>, <c>mistral</c>, <c>qwen2</c> or <c>qwen3</c>.</summary>
    [JsonIgnore]
    public abstract string Architecture { get; }

    /// <summary>Number of token ids the model embeds.</summary>
    public abstract int VocabSize { get; init; }

    /// <summary>Longest sequence (prompt plus response) in tokens.</summary>
    public abstract int ContextLength { get; init; }

    /// <summary>The shortest context Blend's pipeline can use: a prompt's first and last token (BOS, SEP) and one response token.</summary>
    public const int MinContextLength = PromptTruncation.MinTokens + 1;

    /// <summary>Number of transformer blocks.</summary>
    public abstract int Layers { get; init; }

    /// <summary>Residual stream width (hidden size).</summary>
    public abstract int Width { get; init; }

    /// <summary>Add a scalar value head (PPO critic) on the final hidden state; default false.</summary>
    public bool ValueHead { get; init; }

    /// <summary>Add a scalar reward head (reward models) on the final hidden state; default false.</summary>
    public bool RewardHead { get; init; }

    /// <summary>A model of this architecture with random weights from <paramref name="seed"/>, in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    internal abstract CausalLM Create(int seed, ScalarType dtype, Device device);

    /// <summary>A model of this architecture whose parameters are allocated but not initialised (to be filled from a checkpoint).</summary>
    internal virtual CausalLM CreateEmpty(ScalarType dtype, Device device) => Create(0, dtype, device);
}
