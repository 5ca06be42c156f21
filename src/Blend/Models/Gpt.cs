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
/// Padding: <see cref="Hidden"/> takes an attention mask (1 = token, 0 = pad). Position ids count only real tokens, pads
/// are never attended to, so a left-padded row computes the same hidden states as the unpadded sequence. Parameter names
/// follow GPT-2 (<c>wte</c>, <c>wpe</c>, <c>h.{i}.attn.c_attn</c>, …, <c>ln_f</c>).
/// </remarks>
public sealed class Gpt : nn.Module<Tensor, Tensor>
{
    readonly Embedding wte;
    readonly Embedding? wpe;
    readonly Dropout? drop;
    readonly ModuleList<Block> h;
    readonly LayerNorm ln_f;
    readonly Linear? lm_head;
    readonly Linear? value_head;
    readonly Linear? reward_head;

    /// <summary>Builds the model on the CPU with GPT-2 initialisation (normal(0, 0.02), residual projections scaled by 1/√(2·layers)) from <paramref name="seed"/>.</summary>
    public Gpt(GptConfig config, int seed = 0) : base("gpt")
    {
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        wte = nn.Embedding(config.VocabSize, config.Width);
        if (config.Positions == GptPositions.Learned) wpe = nn.Embedding(config.ContextLength, config.Width);
        if (config.Dropout > 0) drop = nn.Dropout(config.Dropout);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Block(config)).ToArray());
        ln_f = nn.LayerNorm(config.Width);
        if (!config.TieEmbeddings) lm_head = nn.Linear(config.Width, config.VocabSize, hasBias: false);
        if (config.ValueHead) value_head = nn.Linear(config.Width, 1);
        if (config.RewardHead) reward_head = nn.Linear(config.Width, 1);
        RegisterComponents();
        Initialize(seed);
    }

    /// <summary>The architecture.</summary>
    public GptConfig Config { get; }

    /// <summary>Number of parameters (tied embeddings counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>A KV cache for <paramref name="batch"/> rows and up to <paramref name="capacity"/> positions, on this model's device and dtype.</summary>
    public KvCache NewCache(int batch, int capacity)
    {
        var w = wte.weight!;
        return new KvCache(Config, batch, Math.Min(capacity, Config.ContextLength), w.device, w.dtype);
    }

    /// <summary>Final hidden states [B,T,C] (after the last LayerNorm) of token ids [B,T].</summary>
    /// <param name="ids">Token ids, int64 [B,T].</param>
    /// <param name="attentionMask">1 for tokens, 0 for pads, [B,T] for the positions in <paramref name="ids"/>; null means no padding.</param>
    /// <param name="cache">A KV cache holding earlier positions; the new positions are appended to it.</param>
    public Tensor Hidden(Tensor ids, Tensor? attentionMask = null, KvCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2) throw new ArgumentException($"Gpt.Hidden: ids must be [B,T], got [{string.Join(",", ids.shape)}].");
        long b = ids.shape[0], t = ids.shape[1];
        int past = cache?.Length ?? 0;
        if (past + t > Config.ContextLength)
            throw new ArgumentException($"Gpt.Hidden: {past + t} positions exceed the context length {Config.ContextLength}.");

        Tensor positions;
        Tensor? allowed = null;
        bool causal = false;
        if (cache is null && attentionMask is null)
        {
            positions = arange(t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0).expand(b, t);
            causal = true;
        }
        else
        {
            var mask = attentionMask ?? ones([b, t], ScalarType.Int64, ids.device);
            Tensor keyMask;
            if (cache is null)
            {
                var m = mask.to(ScalarType.Int64);
                positions = (m.cumsum(1) - 1).clamp_min(0);
                keyMask = mask.to(ScalarType.Bool);
            }
            else (positions, keyMask) = cache.Begin(mask);
            if (t == 1 && cache is not null)
            {
                // One new position (cached decoding): every earlier key is causal; attend to the non-pad ones and itself.
                allowed = keyMask.clone();
                allowed[.., -1] = true;
                allowed = allowed.view(b, 1, 1, past + 1);
            }
            else
            {
                var q = arange(past, past + t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(1);
                var k = arange(past + t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
                // Causal and not a pad; each position also sees itself so that pad rows stay finite.
                allowed = (k.le(q).unsqueeze(0) & keyMask.unsqueeze(1)) | k.eq(q).unsqueeze(0);
                allowed = allowed.unsqueeze(1);
            }
        }

        var x = wte.call(ids);
        if (wpe is not null) x = x + wpe.call(positions);
        if (drop is not null) x = drop.call(x);
        Rope? rope = Config.Positions == GptPositions.Rotary ? Rope.For(positions, Config.HeadSize, x.dtype) : null;
        for (int i = 0; i < h.Count; i++)
        {
            // A dispose scope per block frees its intermediates when it ends (autograd keeps what backward needs), so a
            // no-grad pass holds one block's activations at a time instead of every block's.
            Tensor next;
            using (NewDisposeScope()) next = h[i].Forward(x, rope, allowed, causal, cache, i).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        cache?.Advance((int)t);
        return ln_f.call(x);
    }

    /// <summary>Next-token logits [.., V] of hidden states [.., C].</summary>
    public Tensor Logits(Tensor hidden) => lm_head is null ? F.linear(hidden, wte.weight!) : lm_head.call(hidden);

    /// <summary>Value-head outputs [B,T] (PPO critic) of hidden states [B,T,C].</summary>
    /// <exception cref="InvalidOperationException">The config has no value head.</exception>
    public Tensor Values(Tensor hidden) => (value_head ?? throw new InvalidOperationException("Gpt.Values: this model has no value head (GptConfig.ValueHead = false).")).call(hidden).squeeze(-1);

    /// <summary>Reward-head outputs [B,T] of hidden states [B,T,C].</summary>
    /// <exception cref="InvalidOperationException">The config has no reward head.</exception>
    public Tensor Rewards(Tensor hidden) => (reward_head ?? throw new InvalidOperationException("Gpt.Rewards: this model has no reward head (GptConfig.RewardHead = false).")).call(hidden).squeeze(-1);

    /// <summary>Logits [B,T,V] of unpadded token ids [B,T].</summary>
    public override Tensor forward(Tensor ids) => Logits(Hidden(ids));

    void Initialize(int seed)
    {
        using var noGrad = no_grad();
        using var gen = new Generator((ulong)BlendRuntime.DeriveSeed(seed, "gpt-init"), CPU);
        double residualStd = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.Contains("ln_", StringComparison.Ordinal)) { if (name.EndsWith("weight", StringComparison.Ordinal)) p.fill_(1); else p.zero_(); }
            else if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else p.normal_(0, name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? residualStd : 0.02, gen);
        }
    }

    /// <summary>cos/sin tables of rotary embeddings for given position ids, [B,1,T,D/2].</summary>
    sealed record Rope(Tensor Cos, Tensor Sin)
    {
        public static Rope For(Tensor positions, int headSize, ScalarType dtype)
        {
            var inv = pow(10000.0, -arange(0, headSize, 2, dtype: ScalarType.Float32, device: positions.device) / headSize);
            var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inv;
            return new Rope(angles.cos().unsqueeze(1).to(dtype), angles.sin().unsqueeze(1).to(dtype));
        }

        public Tensor Apply(Tensor x)
        {
            long half = x.shape[^1] / 2;
            var x1 = x.narrow(-1, 0, half);
            var x2 = x.narrow(-1, half, half);
            return cat([x1 * Cos - x2 * Sin, x1 * Sin + x2 * Cos], -1);
        }
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

        public Tensor Forward(Tensor x, Rope? rope, Tensor? allowed, bool causal, KvCache? cache, int layer)
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

        public Tensor Forward(Tensor x, Rope? rope, Tensor? allowed, bool causal, KvCache? cache, int layer)
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
