using Blend.Models;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Architecture of a GPT-2 model in the Hugging Face <c>GPT2LMHeadModel</c> layout (learned positions, pre-norm blocks with
/// fused-QKV Conv1D attention and a GELU MLP, LM head tied to the token embedding). Read from a <c>config.json</c> with
/// <see cref="HuggingFaceConfig.Read"/>.
/// </summary>
public sealed record Gpt2Config : ModelConfig
{
    /// <inheritdoc />
    public override string Architecture => "gpt2";

    /// <summary><c>vocab_size</c>.</summary>
    public override int VocabSize { get; init; } = 50257;

    /// <summary><c>n_positions</c>.</summary>
    public override int ContextLength { get; init; } = 1024;

    /// <summary><c>n_layer</c>.</summary>
    public override int Layers { get; init; } = 12;

    /// <summary><c>n_embd</c>.</summary>
    public override int Width { get; init; } = 768;

    /// <summary><c>n_head</c>.</summary>
    public int Heads { get; init; } = 12;

    /// <summary><c>n_inner</c> (default 4 × n_embd).</summary>
    public int InnerSize { get; init; }

    /// <summary><c>layer_norm_epsilon</c>.</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary><c>activation_function</c>: <c>gelu_new</c>, <c>gelu_pytorch_tanh</c> (both the tanh approximation), <c>gelu</c> or <c>relu</c>.</summary>
    public string Activation { get; init; } = "gelu_new";

    /// <summary><c>tie_word_embeddings</c> (default true).</summary>
    public bool TieEmbeddings { get; init; } = true;

    /// <summary><c>initializer_range</c>: std of random initialisation.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>The original <c>config.json</c>, kept so that a saved model carries its other fields unchanged.</summary>
    public ConfigSource? Source { get; init; }

    /// <summary>The MLP width.</summary>
    public int Inner => InnerSize > 0 ? InnerSize : 4 * Width;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public Gpt2Config Validate()
    {
        if (ContextLength < MinContextLength) throw new ArgumentException($"Gpt2Config: n_positions must be at least {MinContextLength}: the chat layout needs a prompt's first and last token and one response token (is {ContextLength}).");
        if (VocabSize < 1 || ContextLength < 1 || Layers < 1) throw new ArgumentException($"Gpt2Config: vocab_size ({VocabSize}), n_positions ({ContextLength}) and n_layer ({Layers}) must be positive.");
        if (Heads < 1 || Width < 1 || Width % Heads != 0) throw new ArgumentException($"Gpt2Config: n_embd ({Width}) must be a positive multiple of n_head ({Heads}).");
        if (Activation is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu" or "relu")) throw new ArgumentException($"Gpt2Config: activation_function '{Activation}' is not supported (gelu_new, gelu_pytorch_tanh, gelu, relu).");
        if (!(LayerNormEps > 0)) throw new ArgumentException($"Gpt2Config: layer_norm_epsilon must be positive (is {LayerNormEps}).");
        return this;
    }

    internal override CausalLM Create(int seed, ScalarType dtype, Device device)
    {
        var model = new Gpt2(Validate(), dtype, device);
        model.Initialize(seed);
        return model;
    }

    internal override CausalLM CreateEmpty(ScalarType dtype, Device device) => new Gpt2(Validate(), dtype, device);
}
