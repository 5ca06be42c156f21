using Blend.Models;
using static TorchSharp.torch;

namespace Blend;

/// <summary>How a Llama-family model stretches its rotary frequencies for long contexts (the config's <c>rope_scaling</c>).</summary>
/// <param name="Type"><c>linear</c> (positions divided by <paramref name="Factor"/>) or <c>llama3</c> (low frequencies divided by <paramref name="Factor"/>, a smooth ramp between).</param>
/// <param name="Factor">The scaling factor.</param>
/// <param name="LowFreqFactor"><c>llama3</c>: wavelengths above original/low are scaled fully.</param>
/// <param name="HighFreqFactor"><c>llama3</c>: wavelengths below original/high are kept.</param>
/// <param name="OriginalContextLength"><c>llama3</c>: the pre-training context (<c>original_max_position_embeddings</c>).</param>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, int OriginalContextLength = 8192);

/// <summary>
/// Architecture of a Llama-family causal LM in the Hugging Face layout: Llama 2/3 (TinyLlama, SmolLM), Mistral, Qwen2 and
/// Qwen3 (RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention). Read from a <c>config.json</c> with
/// <see cref="HuggingFaceConfig.Read"/>; fields a model does not use keep their defaults.
/// </summary>
/// <param name="ModelType">The config's <c>model_type</c>: <c>llama</c>, <c>mistral</c>, <c>qwen2</c> or <c>qwen3</c>.</param>
/// <example><code>var tiny = new LlamaConfig("llama") { VocabSize = 256, Width = 64, Layers = 2, Heads = 4, KvHeads = 2, IntermediateSize = 128 };</code></example>
public sealed record LlamaConfig(string ModelType) : ModelConfig
{
    /// <inheritdoc />
    public override string Architecture => ModelType;

    /// <summary><c>vocab_size</c>.</summary>
    public override int VocabSize { get; init; } = 32000;

    /// <summary><c>max_position_embeddings</c> (capped at <c>sliding_window</c> when that is smaller, so attention never needs the window).</summary>
    public override int ContextLength { get; init; } = 2048;

    /// <summary><c>num_hidden_layers</c>.</summary>
    public override int Layers { get; init; } = 2;

    /// <summary><c>hidden_size</c>.</summary>
    public override int Width { get; init; } = 64;

    /// <summary><c>intermediate_size</c> (SwiGLU width).</summary>
    public int IntermediateSize { get; init; } = 128;

    /// <summary><c>num_attention_heads</c>.</summary>
    public int Heads { get; init; } = 4;

    /// <summary><c>num_key_value_heads</c> (grouped-query attention when below <see cref="Heads"/>).</summary>
    public int KvHeads { get; init; } = 4;

    /// <summary><c>head_dim</c> (default hidden_size / num_attention_heads).</summary>
    public int HeadSize { get; init; }

    /// <summary><c>rms_norm_eps</c>.</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary><c>rope_theta</c>.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary><c>rope_scaling</c> (null: none).</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary><c>tie_word_embeddings</c>: the LM head is the token embedding.</summary>
    public bool TieEmbeddings { get; init; }

    /// <summary>Biases on the q, k and v projections (Qwen2; Llama's <c>attention_bias</c>).</summary>
    public bool QkvBias { get; init; }

    /// <summary>Bias on the attention output projection (Llama's <c>attention_bias</c>).</summary>
    public bool OutputBias { get; init; }

    /// <summary>Per-head RMSNorm of queries and keys before the rotation (Qwen3).</summary>
    public bool QkNorm { get; init; }

    /// <summary><c>mlp_bias</c>: biases on the gate, up and down projections.</summary>
    public bool MlpBias { get; init; }

    /// <summary><c>initializer_range</c>: std of random initialisation.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>The original <c>config.json</c>, kept so that a saved model carries its other fields (token ids, dtype) unchanged.</summary>
    public ConfigSource? Source { get; init; }

    /// <summary>Width of one attention head.</summary>
    public int HeadWidth => HeadSize > 0 ? HeadSize : Width / Heads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public LlamaConfig Validate()
    {
        if (ModelType is not ("llama" or "mistral" or "qwen2" or "qwen3")) throw new ArgumentException($"LlamaConfig: model_type '{ModelType}' is not a Llama-family architecture Blend supports (llama, mistral, qwen2, qwen3).");
        if (VocabSize < 1) throw new ArgumentException($"LlamaConfig: vocab_size must be at least 1 (is {VocabSize}).");
        if (ContextLength < MinContextLength) throw new ArgumentException($"LlamaConfig: max_position_embeddings must be at least {MinContextLength}: the chat layout needs a prompt's first and last token and one response token (is {ContextLength}).");
        if (Layers < 1) throw new ArgumentException($"LlamaConfig: num_hidden_layers must be at least 1 (is {Layers}).");
        if (Width < 1 || IntermediateSize < 1) throw new ArgumentException($"LlamaConfig: hidden_size ({Width}) and intermediate_size ({IntermediateSize}) must be positive.");
        if (Heads < 1 || KvHeads < 1 || Heads % KvHeads != 0) throw new ArgumentException($"LlamaConfig: num_attention_heads ({Heads}) must be a positive multiple of num_key_value_heads ({KvHeads}).");
        if (HeadSize == 0 && Width % Heads != 0) throw new ArgumentException($"LlamaConfig: hidden_size ({Width}) is not a multiple of num_attention_heads ({Heads}) and head_dim is not given.");
        if (HeadWidth < 2 || HeadWidth % 2 != 0) throw new ArgumentException($"LlamaConfig: head_dim ({HeadWidth}) must be even for rotary positions.");
        if (!(RmsNormEps > 0)) throw new ArgumentException($"LlamaConfig: rms_norm_eps must be positive (is {RmsNormEps}).");
        if (!(RopeTheta > 0)) throw new ArgumentException($"LlamaConfig: rope_theta must be positive (is {RopeTheta}).");
        if (RopeScaling is { } r)
        {
            if (r.Type is not ("linear" or "llama3")) throw new ArgumentException($"LlamaConfig: rope_scaling type '{r.Type}' is not supported (linear, llama3).");
            if (!(r.Factor > 0)) throw new ArgumentException($"LlamaConfig: rope_scaling.factor must be positive (is {r.Factor}).");
            if (r.Type == "llama3" && !(r.HighFreqFactor > r.LowFreqFactor && r.LowFreqFactor > 0 && r.OriginalContextLength > 0))
                throw new ArgumentException("LlamaConfig: rope_scaling (llama3) needs 0 < low_freq_factor < high_freq_factor and a positive original_max_position_embeddings.");
        }
        return this;
    }

    /// <summary>Inverse rotary frequencies [HeadWidth/2] (float32), with the config's scaling applied.</summary>
    internal Tensor InverseFrequencies()
    {
        int d = HeadWidth;
        var inv = new float[d / 2];
        for (int i = 0; i < inv.Length; i++)
        {
            // As the reference implementation: 1 / theta^(2i/d) in float32.
            double f = 1.0 / Math.Pow(RopeTheta, (float)(2 * i) / d);
            if (RopeScaling is { Type: "linear" } lin) f /= lin.Factor;
            else if (RopeScaling is { Type: "llama3" } l3)
            {
                double lowWavelen = l3.OriginalContextLength / l3.LowFreqFactor, highWavelen = l3.OriginalContextLength / l3.HighFreqFactor;
                double wavelen = 2 * Math.PI / f;
                if (wavelen > lowWavelen) f /= l3.Factor;
                else if (wavelen >= highWavelen)
                {
                    double smooth = (l3.OriginalContextLength / wavelen - l3.LowFreqFactor) / (l3.HighFreqFactor - l3.LowFreqFactor);
                    f = (1 - smooth) * f / l3.Factor + smooth * f;
                }
            }
            inv[i] = (float)f;
        }
        return tensor(inv);
    }

    internal override CausalLM Create(int seed, ScalarType dtype, Device device)
    {
        var model = new Llama(Validate(), dtype, device);
        model.Initialize(seed);
        return model;
    }

    internal override CausalLM CreateEmpty(ScalarType dtype, Device device) => new Llama(Validate(), dtype, device);
}
