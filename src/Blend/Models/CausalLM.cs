using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blend.Models;

/// <summary>
/// A causal language model behind one small surface, whatever its architecture (Blend's <see cref="Gpt"/>,
/// <see cref="Gpt2"/>, <see cref="Llama"/> and its relatives): final hidden states of token ids with an attention mask and
/// an optional KV cache, next-token logits of hidden states, the optional scalar value and reward heads, and the torch
/// module's named parameters. <see cref="Policy"/> generates and scores through it.
/// </summary>
/// <remarks>
/// Padding: <see cref="Hidden"/> takes an attention mask (1 = token, 0 = pad). Position ids count only real tokens and pads
/// are never attended to, so a left-padded row computes the same hidden states as the unpadded sequence.
/// </remarks>
public abstract class CausalLM : nn.Module<Tensor, Tensor>
{
    Linear? _valueHead;
    Linear? _rewardHead;

    /// <summary>Stores the config; derived constructors register their modules, then call <see cref="AddHeads"/>.</summary>
    protected CausalLM(string name, ModelConfig config) : base(name)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
    }

    /// <summary>The architecture.</summary>
    public ModelConfig Config { get; }

    /// <summary>Number of parameters (tied embeddings counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The parameters' element type.</summary>
    public ScalarType DType => parameters().First().dtype;

    /// <summary>Final hidden states [B,T,C] (after the last norm) of token ids [B,T].</summary>
    /// <param name="ids">Token ids, int64 [B,T].</param>
    /// <param name="attentionMask">1 for tokens, 0 for pads, [B,T] for the positions in <paramref name="ids"/>; null means no padding.</param>
    /// <param name="cache">A KV cache holding earlier positions; the new positions are appended to it.</param>
    public abstract Tensor Hidden(Tensor ids, Tensor? attentionMask = null, KvCache? cache = null);

    /// <summary>Next-token logits [.., V] of hidden states [.., C].</summary>
    public abstract Tensor Logits(Tensor hidden);

    /// <summary>A KV cache for <paramref name="batch"/> rows and up to <paramref name="capacity"/> positions, on this model's device and dtype.</summary>
    public abstract KvCache NewCache(int batch, int capacity);

    /// <summary>Value-head outputs [B,T] (PPO critic) of hidden states [B,T,C].</summary>
    /// <exception cref="InvalidOperationException">The config has no value head.</exception>
    public Tensor Values(Tensor hidden) => (_valueHead ?? throw new InvalidOperationException($"{GetType().Name}.Values: this model has no value head (config ValueHead = false).")).call(hidden).squeeze(-1);

    /// <summary>Reward-head outputs [B,T] of hidden states [B,T,C].</summary>
    /// <exception cref="InvalidOperationException">The config has no reward head.</exception>
    public Tensor Rewards(Tensor hidden) => (_rewardHead ?? throw new InvalidOperationException($"{GetType().Name}.Rewards: this model has no reward head (config RewardHead = false).")).call(hidden).squeeze(-1);

    /// <summary>Logits [B,T,V] of unpadded token ids [B,T].</summary>
    public override Tensor forward(Tensor ids) => Logits(Hidden(ids));

    /// <summary>Registers the config's scalar heads (<c>value_head</c>, <c>reward_head</c>: Linear(width, 1)) in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    protected void AddHeads(ScalarType dtype, Device device)
    {
        if (Config.ValueHead) register_module("value_head", _valueHead = nn.Linear(Config.Width, 1, dtype: dtype, device: device));
        if (Config.RewardHead) register_module("reward_head", _rewardHead = nn.Linear(Config.Width, 1, dtype: dtype, device: device));
    }

    /// <summary>Fills every parameter from normal(0, <paramref name="std"/>) (biases 0, norm weights 1), deterministic in <paramref name="seed"/>.</summary>
    protected void InitializeNormal(int seed, double std, Func<string, bool> isNormWeight)
    {
        using var noGrad = no_grad();
        using var gen = new Generator((ulong)BlendRuntime.DeriveSeed(seed, GetType().Name + "-init"), CPU);
        foreach (var (name, p) in named_parameters())
        {
            if (isNormWeight(name)) p.fill_(1);
            else if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else
            {
                using var cpu = empty(p.shape, ScalarType.Float32, CPU).normal_(0, std, gen);
                p.copy_(cpu);
            }
        }
    }
}
