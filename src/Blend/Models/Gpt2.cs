using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend.Models;

/// <summary>
/// GPT-2 in the Hugging Face <c>GPT2LMHeadModel</c> layout: token and learned position embeddings, pre-norm blocks with a
/// fused QKV projection and a GELU MLP (Conv1D weights, stored [in, out]), a final LayerNorm and an LM head tied to the
/// token embedding. Parameter names are the checkpoint's without the <c>transformer.</c> prefix (<c>h.0.attn.c_attn.weight</c>).
/// </summary>
public sealed class Gpt2 : CausalLM
{
    readonly EmbeddingTable wte;
    readonly EmbeddingTable wpe;
    readonly ModuleList<Block> h;
    readonly LayerNorm ln_f;
    readonly Dense? lm_head;

    internal Gpt2(Gpt2Config config, ScalarType dtype, Device device) : base("gpt2", config)
    {
        wte = new EmbeddingTable(config.VocabSize, config.Width, dtype, device);
        wpe = new EmbeddingTable(config.ContextLength, config.Width, dtype, device);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Block(config, dtype, device)).ToArray());
        ln_f = nn.LayerNorm(config.Width, config.LayerNormEps, device: device, dtype: dtype);
        if (ParameterShapes.HasLmHead(config)) lm_head = new Dense(config.Width, config.VocabSize, false, dtype, device);
        RegisterComponents();
        AddHeads(dtype, device);
    }

    /// <summary>The architecture, typed.</summary>
    public Gpt2Config Settings => (Gpt2Config)Config;

    /// <inheritdoc />
    public override KvCache NewCache(int batch, int capacity)
    {
        var w = wte.Weight;
        return new KvCache(Config.Layers, Settings.Heads, Settings.Width / Settings.Heads, batch, Math.Min(capacity, Settings.ContextLength), w.device, w.dtype);
    }

    /// <inheritdoc />
    public override Tensor Hidden(Tensor ids, Tensor? attentionMask = null, KvCache? cache = null)
    {
        var layout = AttentionLayout.For(ids, attentionMask, cache, Settings.ContextLength, "Gpt2.Hidden");
        var x = wte.call(ids) + wpe.call(layout.Positions);
        for (int i = 0; i < h.Count; i++)
        {
            Tensor next;
            using (NewDisposeScope()) next = h[i].Forward(x, layout, cache, i).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        cache?.Advance((int)ids.shape[1]);
        return ln_f.call(x);
    }

    /// <inheritdoc />
    public override Tensor Logits(Tensor hidden) =>
        lm_head is not null ? lm_head.call(hidden)
        : Settings.TieEmbeddings ? F.linear(hidden, wte.Weight)
        : throw new InvalidOperationException("Gpt2.Logits: this reward model has no LM head (a …ForSequenceClassification checkpoint with untied embeddings stores the backbone and the score head only).");

    /// <summary>Random weights: normal(0, initializer_range), LayerNorms 1/0, biases 0.</summary>
    internal void Initialize(int seed) => InitializeNormal(seed, Settings.InitializerRange, n => n.Contains("ln_", StringComparison.Ordinal) && n.EndsWith("weight", StringComparison.Ordinal));

    sealed class Block : nn.Module
    {
        readonly LayerNorm ln_1;
        readonly Attention attn;
        readonly LayerNorm ln_2;
        readonly Mlp mlp;

        public Block(Gpt2Config c, ScalarType dtype, Device device) : base("block")
        {
            ln_1 = nn.LayerNorm(c.Width, c.LayerNormEps, device: device, dtype: dtype);
            attn = new Attention(c, dtype, device);
            ln_2 = nn.LayerNorm(c.Width, c.LayerNormEps, device: device, dtype: dtype);
            mlp = new Mlp(c, dtype, device);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, AttentionLayout layout, KvCache? cache, int layer)
        {
            x = x + attn.Forward(ln_1.call(x), layout, cache, layer);
            return x + mlp.call(ln_2.call(x));
        }
    }

    sealed class Attention : nn.Module
    {
        readonly Conv1D c_attn;
        readonly Conv1D c_proj;
        readonly int _heads, _width;

        public Attention(Gpt2Config c, ScalarType dtype, Device device) : base("attn")
        {
            _heads = c.Heads;
            _width = c.Width;
            c_attn = new Conv1D(c.Width, 3 * c.Width, dtype, device);
            c_proj = new Conv1D(c.Width, c.Width, dtype, device);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, AttentionLayout layout, KvCache? cache, int layer)
        {
            long b = x.shape[0], t = x.shape[1];
            var qkv = c_attn.call(x).view(b, t, 3, _heads, _width / _heads).permute(2, 0, 3, 1, 4); // [3,B,H,T,D]
            Tensor q = qkv[0], k = qkv[1], v = qkv[2];
            if (cache is not null) (k, v) = cache.Append(layer, k, v);
            var y = F.scaled_dot_product_attention(q, k, v, layout.Allowed, 0.0, layout.Causal);
            return c_proj.call(y.transpose(1, 2).reshape(b, t, _width));
        }
    }

    sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        readonly Conv1D c_fc;
        readonly Conv1D c_proj;
        readonly string _activation;

        public Mlp(Gpt2Config c, ScalarType dtype, Device device) : base("mlp")
        {
            c_fc = new Conv1D(c.Width, c.Inner, dtype, device);
            c_proj = new Conv1D(c.Inner, c.Width, dtype, device);
            _activation = c.Activation;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var a = c_fc.call(x);
            a = _activation switch
            {
                "gelu" => F.gelu(a),
                "relu" => F.relu(a),
                // gelu_new / gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                _ => 0.5 * a * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (a + 0.044715 * a.pow(3)))),
            };
            return c_proj.call(a);
        }
    }
}
