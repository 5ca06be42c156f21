using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend.Models;

/// <summary>
/// The Llama family in the Hugging Face <c>LlamaForCausalLM</c> layout (also Mistral, Qwen2 and Qwen3): token embedding,
/// pre-norm blocks of grouped-query attention with rotary positions and a SwiGLU MLP, RMSNorm, and an LM head (tied to the
/// embedding or not). Parameter names are the checkpoint's (<c>model.layers.{i}.self_attn.q_proj.weight</c>, …).
/// </summary>
public sealed class Llama : CausalLM
{
    readonly Backbone model;
    readonly Dense? lm_head;
    readonly Tensor _inverseFrequencies;

    internal Llama(LlamaConfig config, ScalarType dtype, Device device) : base("llama", config)
    {
        model = new Backbone(config, dtype, device);
        if (ParameterShapes.HasLmHead(config)) lm_head = new Dense(config.Width, config.VocabSize, false, dtype, device);
        RegisterComponents();
        AddHeads(dtype, device);
        _inverseFrequencies = config.InverseFrequencies().DetachFromDisposeScope();
    }

    /// <summary>The architecture, typed.</summary>
    public LlamaConfig Settings => (LlamaConfig)Config;

    /// <inheritdoc />
    public override KvCache NewCache(int batch, int capacity)
    {
        var w = model.embed_tokens.Weight;
        return new KvCache(Config.Layers, Settings.KvHeads, Settings.HeadWidth, batch, Math.Min(capacity, Settings.ContextLength), w.device, w.dtype);
    }

    /// <inheritdoc />
    public override Tensor Hidden(Tensor ids, Tensor? attentionMask = null, KvCache? cache = null)
    {
        var layout = AttentionLayout.For(ids, attentionMask, cache, Settings.ContextLength, "Llama.Hidden");
        var x = model.embed_tokens.call(ids);
        var rope = Rotary.For(layout.Positions, _inverseFrequencies, x.dtype);
        for (int i = 0; i < model.layers.Count; i++)
        {
            Tensor next;
            using (NewDisposeScope()) next = model.layers[i].Forward(x, rope, layout, cache, i).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        cache?.Advance((int)ids.shape[1]);
        return model.norm.call(x);
    }

    /// <inheritdoc />
    public override Tensor Logits(Tensor hidden) =>
        lm_head is not null ? lm_head.call(hidden)
        : Settings.TieEmbeddings ? F.linear(hidden, model.embed_tokens.Weight)
        : throw new InvalidOperationException("Llama.Logits: this reward model has no LM head (a …ForSequenceClassification checkpoint with untied embeddings stores the backbone and the score head only).");

    /// <summary>Random weights: normal(0, initializer_range), norms 1, biases 0.</summary>
    internal void Initialize(int seed) => InitializeNormal(seed, Settings.InitializerRange, n => n.EndsWith("norm.weight", StringComparison.Ordinal));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inverseFrequencies.Dispose();
        base.Dispose(disposing);
    }

    sealed class Backbone : nn.Module
    {
        internal readonly EmbeddingTable embed_tokens;
        internal readonly ModuleList<Block> layers;
        internal readonly RmsNorm norm;

        public Backbone(LlamaConfig c, ScalarType dtype, Device device) : base("model")
        {
            embed_tokens = new EmbeddingTable(c.VocabSize, c.Width, dtype, device);
            layers = nn.ModuleList(Enumerable.Range(0, c.Layers).Select(_ => new Block(c, dtype, device)).ToArray());
            norm = new RmsNorm(c.Width, c.RmsNormEps, dtype, device);
            RegisterComponents();
        }
    }

    /// <summary>x + attn(norm(x)), then x + mlp(norm(x)).</summary>
    sealed class Block : nn.Module
    {
        readonly Attention self_attn;
        readonly Mlp mlp;
        readonly RmsNorm input_layernorm;
        readonly RmsNorm post_attention_layernorm;

        public Block(LlamaConfig c, ScalarType dtype, Device device) : base("block")
        {
            self_attn = new Attention(c, dtype, device);
            mlp = new Mlp(c, dtype, device);
            input_layernorm = new RmsNorm(c.Width, c.RmsNormEps, dtype, device);
            post_attention_layernorm = new RmsNorm(c.Width, c.RmsNormEps, dtype, device);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rotary rope, AttentionLayout layout, KvCache? cache, int layer)
        {
            x = x + self_attn.Forward(input_layernorm.call(x), rope, layout, cache, layer);
            return x + mlp.call(post_attention_layernorm.call(x));
        }
    }

    /// <summary>Grouped-query attention: <c>num_key_value_heads</c> key/value heads shared by groups of query heads.</summary>
    sealed class Attention : nn.Module
    {
        readonly Dense q_proj;
        readonly Dense k_proj;
        readonly Dense v_proj;
        readonly Dense o_proj;
        readonly RmsNorm? q_norm;
        readonly RmsNorm? k_norm;
        readonly int _heads, _kvHeads, _headSize;

        public Attention(LlamaConfig c, ScalarType dtype, Device device) : base("self_attn")
        {
            _heads = c.Heads;
            _kvHeads = c.KvHeads;
            _headSize = c.HeadWidth;
            q_proj = new Dense(c.Width, _heads * _headSize, c.QkvBias, dtype, device);
            k_proj = new Dense(c.Width, _kvHeads * _headSize, c.QkvBias, dtype, device);
            v_proj = new Dense(c.Width, _kvHeads * _headSize, c.QkvBias, dtype, device);
            o_proj = new Dense(_heads * _headSize, c.Width, c.OutputBias, dtype, device);
            if (c.QkNorm)
            {
                q_norm = new RmsNorm(_headSize, c.RmsNormEps, dtype, device);
                k_norm = new RmsNorm(_headSize, c.RmsNormEps, dtype, device);
            }
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rotary rope, AttentionLayout layout, KvCache? cache, int layer)
        {
            long b = x.shape[0], t = x.shape[1];
            var q = q_proj.call(x).view(b, t, _heads, _headSize);
            var k = k_proj.call(x).view(b, t, _kvHeads, _headSize);
            var v = v_proj.call(x).view(b, t, _kvHeads, _headSize).transpose(1, 2);
            if (q_norm is not null) { q = q_norm.call(q); k = k_norm!.call(k); }
            q = rope.Apply(q.transpose(1, 2));
            k = rope.Apply(k.transpose(1, 2));
            if (cache is not null) (k, v) = cache.Append(layer, k, v);
            if (_kvHeads != _heads)
            {
                int groups = _heads / _kvHeads;
                k = k.repeat_interleave(groups, 1);
                v = v.repeat_interleave(groups, 1);
            }
            var y = F.scaled_dot_product_attention(q, k, v, layout.Allowed, 0.0, layout.Causal);
            return o_proj.call(y.transpose(1, 2).reshape(b, t, _heads * _headSize));
        }
    }

    /// <summary>SwiGLU: down(silu(gate(x)) · up(x)).</summary>
    sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        readonly Dense gate_proj;
        readonly Dense up_proj;
        readonly Dense down_proj;

        public Mlp(LlamaConfig c, ScalarType dtype, Device device) : base("mlp")
        {
            gate_proj = new Dense(c.Width, c.IntermediateSize, c.MlpBias, dtype, device);
            up_proj = new Dense(c.Width, c.IntermediateSize, c.MlpBias, dtype, device);
            down_proj = new Dense(c.IntermediateSize, c.Width, c.MlpBias, dtype, device);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => down_proj.call(F.silu(gate_proj.call(x)) * up_proj.call(x));
    }
}
