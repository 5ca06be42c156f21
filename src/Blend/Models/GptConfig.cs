using System.Text.Json.Serialization;
using TorchSharp;

namespace Blend;

/// <summary>How a <see cref="Models.Gpt"/> encodes token positions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GptPositions>))]
public enum GptPositions
{
    /// <summary>A learned position embedding added to the token embedding (GPT-2); limits sequences to the context length.</summary>
    Learned,

    /// <summary>Rotary position embedding (RoPE) applied to queries and keys in every attention layer.</summary>
    Rotary,
}

/// <summary>Architecture of a GPT-style causal language model (<see cref="Models.Gpt"/>).</summary>
/// <param name="VocabSize">Number of token ids (the codec's <see cref="TextCodec.VocabSize"/>).</param>
/// <example><code>var config = GptConfig.Small(codec.VocabSize) with { Positions = GptPositions.Rotary };</code></example>
public sealed record GptConfig(int VocabSize) : ModelConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Architecture => "gpt";

    /// <summary>Number of token ids (the codec's <see cref="TextCodec.VocabSize"/>).</summary>
    public override int VocabSize { get; init; } = VocabSize;

    /// <summary>Longest sequence (prompt plus response) in tokens; default 256.</summary>
    public override int ContextLength { get; init; } = 256;

    /// <summary>Number of transformer blocks; default 4.</summary>
    public override int Layers { get; init; } = 4;

    /// <summary>Attention heads per block (must divide <see cref="Width"/>); default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Residual stream width (embedding size); default 256.</summary>
    public override int Width { get; init; } = 256;

    /// <summary>Dropout probability on embeddings, attention output and MLP output during training; default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Position encoding; default <see cref="GptPositions.Learned"/>.</summary>
    public GptPositions Positions { get; init; } = GptPositions.Learned;

    /// <summary>Share the token embedding with the LM head (GPT-2); default true.</summary>
    public bool TieEmbeddings { get; init; } = true;

    /// <summary>Width of one attention head.</summary>
    [JsonIgnore]
    public int HeadSize => Width / Heads;

    /// <summary>A test-sized model: 2 layers, 4 heads, width 64, context 128.</summary>
    public static GptConfig Tiny(int vocabSize) => new(vocabSize) { Layers = 2, Heads = 4, Width = 64, ContextLength = 128 };

    /// <summary>The CPU-trainable policy: 4 layers, 4 heads, width 256, context 256.</summary>
    public static GptConfig Small(int vocabSize) => new(vocabSize) { Layers = 4, Heads = 4, Width = 256, ContextLength = 256 };

    /// <summary>
    /// A copy with the given fields changed (the others kept): the copy-and-update of C#'s <c>with</c>, callable from F#
    /// (<c>GptConfig.Tiny(n).With(contextLength = 64)</c>), where <c>{ config with … }</c> only works on F# records.
    /// </summary>
    public GptConfig With(int? vocabSize = null, int? contextLength = null, int? layers = null, int? heads = null, int? width = null,
        double? dropout = null, GptPositions? positions = null, bool? tieEmbeddings = null, bool? valueHead = null, bool? rewardHead = null) =>
        this with
        {
            VocabSize = vocabSize ?? VocabSize, ContextLength = contextLength ?? ContextLength, Layers = layers ?? Layers, Heads = heads ?? Heads,
            Width = width ?? Width, Dropout = dropout ?? Dropout, Positions = positions ?? Positions, TieEmbeddings = tieEmbeddings ?? TieEmbeddings,
            ValueHead = valueHead ?? ValueHead, RewardHead = rewardHead ?? RewardHead,
        };

    internal override Models.CausalLM Create(int seed, TorchSharp.torch.ScalarType dtype, TorchSharp.torch.Device device)
    {
        var model = new Models.Gpt(this, seed);
        if (dtype != TorchSharp.torch.ScalarType.Float32) model.to(dtype);
        model.to(device);
        return model;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public GptConfig Validate()
    {
        if (VocabSize < 1) throw new ArgumentException($"GptConfig.VocabSize must be at least 1 (is {VocabSize}).");
        if (ContextLength < MinContextLength) throw new ArgumentException($"GptConfig.ContextLength must be at least {MinContextLength}: the chat layout needs a prompt's first and last token (BOS, SEP) and one response token (is {ContextLength}).");
        if (Layers < 1) throw new ArgumentException($"GptConfig.Layers must be at least 1 (is {Layers}).");
        if (Heads < 1) throw new ArgumentException($"GptConfig.Heads must be at least 1 (is {Heads}).");
        if (Width < 1 || Width % Heads != 0) throw new ArgumentException($"GptConfig.Width ({Width}) must be a positive multiple of Heads ({Heads}).");
        if (Positions == GptPositions.Rotary && HeadSize % 2 != 0) throw new ArgumentException($"GptConfig: rotary positions need an even head size (Width/Heads = {HeadSize}).");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) throw new ArgumentException($"GptConfig.Dropout must be in [0, 1) (is {Dropout}).");
        return this;
    }
}
