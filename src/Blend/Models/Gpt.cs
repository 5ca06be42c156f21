using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend.Models;

/// <summary>
/// A GPT-style causal language model in one readable file (nanoGPT spirit): token (+ learned position) embedding, pre-norm
/// transformer blocks, a final LayerNorm, an LM head (tied to the embedding by default) and optional scalar value and
/// reward heads on the same backbone.
/// </summary>
/// <remarks>
/// Padding: see <see cref="CausalLM"/>. Parameter names follow GPT-2 (<c>wte</c>, <c>wpe</c>, <c>h.{i}.attn.c_attn</c>, …, <c>ln_f</c>).
/// </remarks>
public sealed class Gpt : CausalLM
{
    readonly Embedding wte;
    readonly Embedding? wpe;
    readonly Dropout? drop;
    readonly ModuleList<Block> h;
    readonly LayerNorm ln_f;
    readonly Linear? lm_head;
    readonly Tensor? _inverseFrequencies;

    /// <summary>Builds the model on the CPU with GPT-2 initialisation (normal(0, 0.02), residual projections scaled by 1/√(2·layers)) from <paramref name="seed"/>.</summary>
    public Gpt(GptConfig config, int seed = 0) : base("gpt", (config ?? throw new ArgumentNullException(nameof(config))).Validate())
    {
        wte = nn.Embedding(config.VocabSize, config.Width);
        if (config.Positions == GptPositions.Learned) wpe = nn.Embedding(config.ContextLength, config.Width);
        if (config.Dropout > 0) drop = nn.Dropout(config.Dropout);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Block(config)).ToArray());
        ln_f = nn.LayerNorm(config.Width);
        if (!config.TieEmbeddings) lm_head = nn.Linear(config.Width, config.VocabSize, hasBias: false);
        RegisterComponents();
        AddHeads(ScalarType.Float32, CPU);
        if (config.Positions == GptPositions.Rotary)
            _inverseFrequencies = pow(10000.0, -arange(0, config.HeadSize, 2, dtype: ScalarType.Float32) / config.HeadSize).DetachFromDisposeScope();
        Initialize(seed);
    }

    /// <summary>The architecture, typed.</summary>
    public GptConfig Settings => (GptConfig)Config;

    /// <inheritdoc />
    public override KvCache NewCache(int batch, int capacity)
    {
        var w = wte.weight!;
        return new KvCache(Config.Layers, Settings.Heads, Settings.HeadSize, batch, Math.Min(capacity, Settings.ContextLength), w.device, w.dtype);
    }

    /// <inheritdoc />
    public override Tensor Hidden(Tensor ids, Tensor? attentionMask = null, KvCache? cache = null)
    {
        var layout = AttentionLayout.For(ids, attentionMask, cache, Settings.ContextLength, "Gpt.Hidden");
        var x = wte.call(ids);
        if (wpe is not null) x = x + wpe.call(layout.Positions);
        if (drop is not null) x = drop.call(x);
        Rotary? rope = _inverseFrequencies is null ? null : Rotary.For(layout.Positions, _inverseFrequencies, x.dtype);
        for (int i = 0; i < h.Count; i++)
        {
            // A dispose scope per block frees its intermediates when it ends (autograd keeps what backward needs), so a
            // no-grad pass holds one block's activations at a time instead of every block's.
            Tensor next;
            using (NewDisposeScope()) next = h[i].Forward(x, rope, layout.Allowed, layout.Causal, cache, i).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        cache?.Advance((int)ids.shape[1]);
        return ln_f.call(x);
    }

    /// <inheritdoc />
    public override Tensor Logits(Tensor hidden) => lm_head is null ? F.linear(hidden, wte.weight!) : lm_head.call(hidden);

    void Initialize(int seed)
    {
        using var noGrad = no_grad();
        using var gen = new Generator((ulong)BlendRuntime.DeriveSeed(seed, "gpt-init"), CPU);
        double residualStd = 0.02 / Math.Sqrt(2.0 * Settings.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.Contains("ln_", StringComparison.Ordinal)) { if (name.EndsWith("weight", StringComparison.Ordinal)) p.fill_(1); else p.zero_(); }
            else if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else p.normal_(0, name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? residualStd : 0.02, gen);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inverseFrequencies?.Dispose();
        base.Dispose(disposing);
    }
    /// <summary>Pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
    sealed class Block : nn.Module
    {
        readonly LayerNorm ln_1;
        readonly CausalSelfAttention attn;
        readonly LayerNorm ln_2;
        readonly Mlp mlp;

        public Block(GptConfig config) : base("block")
        {
            ln_1 = nn.LayerNorm(config.Width);
            attn = new CausalSelfAttention(config);
            ln_2 = nn.LayerNorm(config.Width);
            mlp = new Mlp(config);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rotary? rope, Tensor? allowed, bool causal, KvCache? cache, int layer)
        {
            x = x + attn.Forward(ln_1.call(x), rope, allowed, causal, cache, layer);
            return x + mlp.call(ln_2.call(x));
        }
    }

    /// <summary>Multi-head causal self-attention with a fused QKV projection.</summary>
    sealed class CausalSelfAttention : nn.Module
    {
        readonly Linear c_attn;
        readonly Linear c_proj;
        readonly Dropout? resid_drop;
        readonly int _heads;
        readonly int _width;

        public CausalSelfAttention(GptConfig config) : base("attn")
        {
            _heads = config.Heads;
            _width = config.Width;
            c_attn = nn.Linear(config.Width, 3 * config.Width);
            c_proj = nn.Linear(config.Width, config.Width);
            if (config.Dropout > 0) resid_drop = nn.Dropout(config.Dropout);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rotary? rope, Tensor? allowed, bool causal, KvCache? cache, int layer)
        {
            long b = x.shape[0], t = x.shape[1];
            int d = _width / _heads;
            var qkv = c_attn.call(x).view(b, t, 3, _heads, d).permute(2, 0, 3, 1, 4); // [3,B,H,T,D]
            Tensor q = qkv[0], k = qkv[1], v = qkv[2];
            if (rope is not null) { q = rope.Apply(q); k = rope.Apply(k); }
            if (cache is not null) (k, v) = cache.Append(layer, k, v);
            var y = F.scaled_dot_product_attention(q, k, v, allowed, 0.0, causal);
            y = y.transpose(1, 2).contiguous().view(b, t, _width);
            y = c_proj.call(y);
            return resid_drop is null ? y : resid_drop.call(y);
        }
    }

    /// <summary>Position-wise feed-forward network: c_proj(gelu(c_fc(x))) with a 4x expansion.</summary>
    sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        readonly Linear c_fc;
        readonly Linear c_proj;
        readonly Dropout? drop;

        public Mlp(GptConfig config) : base("mlp")
        {
            c_fc = nn.Linear(config.Width, 4 * config.Width);
            c_proj = nn.Linear(4 * config.Width, config.Width);
            if (config.Dropout > 0) drop = nn.Dropout(config.Dropout);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = c_proj.call(F.gelu(c_fc.call(x)));
            return drop is null ? y : drop.call(y);
        }
    }
}
