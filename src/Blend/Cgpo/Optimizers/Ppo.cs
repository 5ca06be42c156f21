using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// PPO with a value head, GAE and a per-token KL penalty: the CGPO paper's RLHF baseline. Reads every field of
/// <see cref="PpoOptions"/>.
/// </summary>
/// <remarks>
/// <code>
/// r_t   = −β (log π_old(a_t) − log π_ref(a_t)) + 1[t = last] · score                  (per-token KL penalty)
/// δ_t   = r_t + γ V_{t+1} − V_t ;  A_t = δ_t + γλ A_{t+1} ;  R_t = A_t + V_t            (GAE; V after the last token = 0)
/// ρ_t   = π_w(a_t) / π_old(a_t)
/// L_pg  = mean_t −min(ρ_t Â_t, clip(ρ_t, 1−ε, 1+ε) Â_t)                               (Â whitened when asked)
/// L_v   = mean_t ½ max((V_t − R_t)², (clip(V_t, V_old−c, V_old+c) − R_t)²)
/// loss  = L_pg + c_v L_v                                         (means over response tokens of the batch)
/// </code>
/// </remarks>
public static class Ppo
{
    /// <summary>Per-token rewards: the KL penalty on every token plus the sequence score on the last response token.</summary>
    /// <param name="scores">Sequence-level reward per response, shape [n].</param>
    /// <param name="oldTokenLogProbs">log π_old per token, shape [n, T].</param>
    /// <param name="referenceTokenLogProbs">log π_ref per token, shape [n, T].</param>
    /// <param name="mask">1 for response tokens, 0 for right padding, shape [n, T].</param>
    /// <param name="klCoef">β.</param>
    public static Tensor TokenRewards(Tensor scores, Tensor oldTokenLogProbs, Tensor referenceTokenLogProbs, Tensor mask, double klCoef)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var noGrad = torch.no_grad();
        var m = mask.to_type(oldTokenLogProbs.dtype);
        var rewards = -klCoef * (oldTokenLogProbs.detach() - referenceTokenLogProbs.detach()) * m;
        var lengths = m.sum(1).to_type(ScalarType.Int64);
        var last = (lengths - 1).clamp_min(0).reshape(-1, 1);
        var hasTokens = (lengths > 0).to_type(m.dtype);
        var bonus = torch.zeros_like(rewards).scatter(1, last, (scores.detach().to_type(m.dtype) * hasTokens).reshape(-1, 1));
        return rewards + bonus;
    }

    /// <summary>Generalised advantage estimation over right-padded sequences.</summary>
    /// <param name="tokenRewards">r_t, shape [n, T].</param>
    /// <param name="values">V_t from the value head (detached here), shape [n, T].</param>
    /// <param name="mask">1 for response tokens, 0 for right padding, shape [n, T].</param>
    /// <param name="gamma">γ.</param>
    /// <param name="lambda">λ.</param>
    public static GaeResult Gae(Tensor tokenRewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        ArgumentNullException.ThrowIfNull(tokenRewards);
        using var noGrad = torch.no_grad();
        var m = mask.to_type(tokenRewards.dtype);
        var r = tokenRewards.detach() * m;
        var v = values.detach().to_type(r.dtype) * m;
        long steps = r.shape[1];
        var columns = new Tensor[steps];
        var next = torch.zeros(r.shape[0], dtype: r.dtype, device: r.device);
        var nextValue = torch.zeros_like(next);
        for (long t = steps - 1; t >= 0; t--)
        {
            var delta = r[.., (int)t] + gamma * nextValue - v[.., (int)t];
            next = delta + gamma * lambda * next;
            columns[t] = next;
            nextValue = v[.., (int)t];
        }
        var advantages = torch.stack(columns, 1) * m;
        return new GaeResult(advantages, (advantages + v) * m);
    }

    /// <summary>Whitens <paramref name="values"/> over the masked entries: (x − mean)/(std + 1e-8), zero at padding.</summary>
    public static Tensor Whiten(Tensor values, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var noGrad = torch.no_grad();
        var m = mask.to_type(values.dtype);
        var count = m.sum().clamp_min(1.0);
        var mean = (values * m).sum() / count;
        var variance = ((values - mean).pow(2) * m).sum() / (count - 1.0).clamp_min(1.0);
        return (values - mean) / (variance.sqrt() + 1e-8) * m;
    }

    /// <summary>The PPO loss (policy + c_v · value) for n responses.</summary>
    /// <param name="tokenLogProbs">log π_w per token with gradient, shape [n, T].</param>
    /// <param name="oldTokenLogProbs">log π_old per token, shape [n, T].</param>
    /// <param name="values">V_t with gradient, shape [n, T].</param>
    /// <param name="oldValues">V_old per token, shape [n, T].</param>
    /// <param name="advantages">Â_t (already whitened if wanted), shape [n, T].</param>
    /// <param name="returns">R_t, shape [n, T].</param>
    /// <param name="mask">1 for response tokens, shape [n, T].</param>
    /// <param name="options">ε, value clip and c_v.</param>
    public static PolicyLoss Loss(Tensor tokenLogProbs, Tensor oldTokenLogProbs, Tensor values, Tensor oldValues, Tensor advantages, Tensor returns, Tensor mask, PpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokenLogProbs);
        ArgumentNullException.ThrowIfNull(options);
        var m = mask.to_type(tokenLogProbs.dtype);
        var count = m.sum().clamp_min(1.0);
        var a = advantages.detach();
        var ratio = torch.exp(tokenLogProbs - oldTokenLogProbs.detach());
        var surrogate = torch.minimum(ratio * a, ratio.clamp(1.0 - options.Epsilon, 1.0 + options.Epsilon) * a);
        var policyLoss = -(surrogate * m).sum() / count;
        double clipped = Grpo.ClipFraction(ratio, a, m, options.Epsilon, options.Epsilon);
        var old = oldValues.detach();
        var clippedValues = old + (values - old).clamp(-options.ValueClip, options.ValueClip);
        var ret = returns.detach();
        var valueLoss = 0.5 * (torch.maximum((values - ret).pow(2), (clippedValues - ret).pow(2)) * m).sum() / count;
        return new PolicyLoss(policyLoss + options.ValueCoef * valueLoss) { Used = (int)tokenLogProbs.shape[0], ValueLoss = valueLoss, ClipFraction = clipped };
    }

    /// <summary>
    /// PPO's objective on a rollout: per-token rewards from π_old, GAE on the value head's estimates at sampling time and
    /// whitening, once over the whole rollout; each minibatch's clipped loss re-scores its rows (ρ against π_old, V against V_old).
    /// </summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, PpoOptions o)
    {
        var old = r.PolicyScores;
        var oldValues = old.Values ?? throw new InvalidOperationException("PPO: the policy returned no values; it needs a value head.");
        var tokenRewards = TokenRewards(r.AsTensor(r.Rewards), old.TokenLogProbs, r.ReferenceScores.TokenLogProbs, old.Mask, o.KlCoef);
        var gae = Gae(tokenRewards, oldValues, old.Mask, o.Gamma, o.Lambda);
        var advantages = o.WhitenAdvantages ? Whiten(gae.Advantages, old.Mask) : gae.Advantages;
        return mb =>
        {
            var scores = mb.PolicyScores;
            var values = scores.Values ?? throw new InvalidOperationException("PPO: the policy returned no values; it needs a value head.");
            return Loss(scores.TokenLogProbs, mb.OldScores.TokenLogProbs, values, mb.Rows(oldValues), mb.Rows(advantages), mb.Rows(gae.Returns), scores.Mask, o);
        };
    }
}
