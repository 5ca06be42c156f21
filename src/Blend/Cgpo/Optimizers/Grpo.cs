using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// GRPO, group-relative policy optimisation (Shao et al. 2024), with the loss variants researchers compare against in 2026:
/// Dr. GRPO, DAPO and GSPO, chosen by <see cref="GrpoOptions.LossType"/> and <see cref="GrpoOptions.ImportanceSamplingLevel"/>
/// (TRL's <c>loss_type</c>, <c>importance_sampling_level</c>). Reads every field of <see cref="GrpoOptions"/>; docs/baselines.md#grpo.
/// </summary>
/// <remarks>
/// <code>
/// group of K responses o_i of a prompt, reward r_i;  ρ_{i,t} = π_w(o_{i,t}|·) / π_old(o_{i,t}|·), π_old fixed at sampling
/// overlong      r_i += ((L_max − L_cache) − |o_i|) / L_cache  when |o_i| &gt; L_max − L_cache     (OverlongBuffer L_cache &gt; 0; DAPO)
/// advantage     Â_i = (r_i − mean_group r) / (σ + δ),  σ = std of the group (Group), of the whole batch (Batch), or σ + δ = 1 (None)
/// dynamic       groups whose K rewards are all equal are dropped: no token, not counted in G   (DynamicSampling; DAPO)
/// truncated     responses cut at L_max put no token in the loss, but count in G                 (MaskTruncated; DAPO)
/// ratio         token level ρ_{i,t}, or sequence level s_i = exp((1/|o_i|) Σ_t log ρ_{i,t}) on every token of o_i (GSPO)
/// per token     ℓ_{i,t} = −min(ρ Â_i, clip(ρ, 1 − ε_low, 1 + ε_high) Â_i) + β k3_{i,t},  k3 = π_ref/π_w − log(π_ref/π_w) − 1
/// aggregation   grpo     (1/G) Σ_i (1/|o_i|) Σ_t ℓ_{i,t}                                        (per-sequence mean)
///               dr_grpo  (1/(G · L_max)) Σ_i Σ_t ℓ_{i,t}                                        (Liu et al. 2025)
///               dapo     (1/Σ_i |o_i|) Σ_i Σ_t ℓ_{i,t}                                          (token level; Yu et al. 2025)
/// defaults      grpo: ε 0.2, ε_high = ε, β 0.04, scaling Group;  dr_grpo: scaling None;  dapo: ε_high 0.28, β 0;
///               sequence level (GSPO, Zheng et al. 2025): ε 3e-4, ε_high 4e-4, β 0 — each overridden when set
/// </code>
/// G is the minibatch's number of kept responses, |o_i| its loss tokens, L_max the rollout's maximum new tokens. The clip
/// fraction counts loss tokens whose gradient the clip cuts (ρ &gt; 1 + ε_high with Â &gt; 0, or ρ &lt; 1 − ε_low with Â &lt; 0).
/// With a reward mixture that aggregates normalize-then-sum (GDPO, <see cref="RewardAggregation"/>), Â_i is instead the
/// mixture's group-normalized signal standardized over the batch (Scaling and the overlong penalty then do not apply), and
/// dynamic sampling drops the groups where that signal is constant (every component constant), not where the sum is.
/// </remarks>
public static class Grpo
{
    /// <summary>Group-relative advantages (r − mean)/(std + δ) per prompt; shape [B, K] in, [B, K] out.</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K], K ≥ 2.</param>
    /// <param name="stdEpsilon">δ.</param>
    public static Tensor Advantages(Tensor rewards, double stdEpsilon = 1e-4) => Advantages(rewards, RewardScaling.Group, stdEpsilon);

    /// <summary>Advantages r − mean_group(r), divided by (σ + δ) with σ the group's or the batch's unbiased std, or by nothing; [B, K] in and out.</summary>
    /// <param name="rewards">r(s,a) per response, shape [B, K], K ≥ 2.</param>
    /// <param name="scaling">Where σ comes from (TRL's <c>scale_rewards</c>).</param>
    /// <param name="stdEpsilon">δ.</param>
    public static Tensor Advantages(Tensor rewards, RewardScaling scaling, double stdEpsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.shape[1] < 2) throw new ArgumentException($"GRPO normalises within a group and needs K ≥ 2; got K = {rewards.shape[1]}.", nameof(rewards));
        using var noGrad = torch.no_grad();
        var r = rewards.detach();
        var centred = r - r.mean([1], keepdim: true);
        return scaling switch
        {
            RewardScaling.Group => centred / (r.std(1, unbiased: true, keepdim: true) + stdEpsilon),
            RewardScaling.Batch => centred / (r.std(unbiased: true) + stdEpsilon),
            _ => centred,
        };
    }

    /// <summary>DAPO's soft overlong punishment per response: 0 up to L_max − L_cache tokens, then ((L_max − L_cache) − |o|)/L_cache, down to −1 at L_max.</summary>
    /// <param name="lengths">|o_i| in tokens, shape [n].</param>
    /// <param name="maxLength">L_max.</param>
    /// <param name="buffer">L_cache, 1 ≤ L_cache ≤ L_max.</param>
    public static Tensor OverlongPenalty(Tensor lengths, int maxLength, int buffer)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (buffer < 1 || buffer > maxLength) throw new ArgumentException($"GRPO overlong penalty: the buffer L_cache must be in [1, L_max = {maxLength}]; got {buffer}.", nameof(buffer));
        using var noGrad = torch.no_grad();
        double start = maxLength - buffer;
        return ((start - lengths.to_type(ScalarType.Float32)) / buffer).clamp(-1.0, 0.0);
    }

    /// <summary>DAPO's dynamic-sampling filter: true for each prompt whose K rewards are not all equal; shape [B, K] in, bool [B] out.</summary>
    public static Tensor InformativeGroups(Tensor rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        using var noGrad = torch.no_grad();
        var r = rewards.detach();
        return r.amax([1]).ne(r.amin([1]));
    }

    /// <summary>The plain GRPO loss (token-level ratio, per-sequence mean) for n = B·K responses.</summary>
    /// <param name="tokenLogProbs">log π_w per response token with gradient, shape [n, T].</param>
    /// <param name="oldTokenLogProbs">log π_old per token (the sampling policy), shape [n, T].</param>
    /// <param name="referenceTokenLogProbs">log π_ref per token, shape [n, T].</param>
    /// <param name="mask">1 for response tokens, 0 for padding, shape [n, T].</param>
    /// <param name="advantages">Â per response, shape [n] (flatten <see cref="Advantages(Tensor, double)"/>).</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="beta">β.</param>
    public static PolicyLoss Loss(Tensor tokenLogProbs, Tensor oldTokenLogProbs, Tensor referenceTokenLogProbs, Tensor mask, Tensor advantages, double epsilon, double beta) =>
        Loss(tokenLogProbs, oldTokenLogProbs, referenceTokenLogProbs, mask, advantages, new GrpoOptions { Epsilon = epsilon, Beta = beta });

    /// <summary>The GRPO-family loss of <paramref name="options"/> (loss type, ratio level, ε_low/ε_high, β) for n responses.</summary>
    /// <param name="tokenLogProbs">log π_w per response token with gradient, shape [n, T].</param>
    /// <param name="oldTokenLogProbs">log π_old per token, shape [n, T].</param>
    /// <param name="referenceTokenLogProbs">log π_ref per token, shape [n, T] (unused when β = 0).</param>
    /// <param name="mask">1 for the tokens in the loss, shape [n, T] (padding, truncated or dropped responses 0).</param>
    /// <param name="advantages">Â per response, shape [n].</param>
    /// <param name="options">The variant and its constants.</param>
    /// <param name="maxLength">L_max of dr_grpo (0: the padded length T).</param>
    /// <param name="kept">1 for responses counted in G, shape [n] (null: all; dynamic sampling drops groups).</param>
    public static PolicyLoss Loss(Tensor tokenLogProbs, Tensor oldTokenLogProbs, Tensor referenceTokenLogProbs, Tensor mask, Tensor advantages, GrpoOptions options,
        int maxLength = 0, Tensor? kept = null)
    {
        ArgumentNullException.ThrowIfNull(tokenLogProbs);
        ArgumentNullException.ThrowIfNull(options);
        var m = mask.to_type(tokenLogProbs.dtype);
        var keep = kept?.to_type(m.dtype) ?? torch.ones(m.shape[0], dtype: m.dtype, device: m.device);
        m = m * keep.reshape(-1, 1);
        var a = advantages.detach().reshape(-1, 1);
        var logRatio = tokenLogProbs - oldTokenLogProbs.detach();
        if (options.ImportanceSamplingLevel == ImportanceSamplingLevel.Sequence)
            logRatio = ((logRatio * m).sum(1, keepdim: true) / m.sum(1, keepdim: true).clamp_min(1.0)).expand_as(tokenLogProbs);
        var ratio = torch.exp(logRatio);
        double low = options.ClipLow, high = options.ClipHigh, beta = options.KlWeight;
        var surrogate = torch.minimum(ratio * a, ratio.clamp(1.0 - low, 1.0 + high) * a);
        var perToken = -surrogate;
        if (beta != 0)
        {
            var logRefRatio = referenceTokenLogProbs.detach() - tokenLogProbs;
            perToken = perToken + beta * (torch.exp(logRefRatio) - logRefRatio - 1.0);
        }
        var g = keep.sum().clamp_min(1.0);
        var loss = options.LossType switch
        {
            GrpoLossType.DrGrpo => (perToken * m).sum() / (g * (maxLength > 0 ? maxLength : Math.Max(1, m.shape[1]))),
            GrpoLossType.Dapo => (perToken * m).sum() / m.sum().clamp_min(1.0),
            _ => ((perToken * m).sum(1) / m.sum(1).clamp_min(1.0) * keep).sum() / g,
        };
        return new PolicyLoss(loss) { Used = (int)keep.sum().item<float>(), ClipFraction = ClipFraction(ratio, a, m, low, high) };
    }

    /// <summary>The fraction of masked tokens whose gradient the clip cuts: ρ &gt; 1 + high with Â &gt; 0, or ρ &lt; 1 − low with Â &lt; 0 (0 with no token).</summary>
    internal static double ClipFraction(Tensor ratio, Tensor advantages, Tensor mask, double low, double high)
    {
        using var noGrad = torch.no_grad();
        var r = ratio.detach();
        var a = advantages.detach().expand_as(r);
        var cut = (r.gt(1.0 + high).logical_and(a.gt(0))).logical_or(r.lt(1.0 - low).logical_and(a.lt(0))).to_type(mask.dtype);
        double tokens = mask.sum().item<float>();
        return tokens == 0 ? 0 : (cut * mask).sum().item<float>() / tokens;
    }

    /// <summary>
    /// GRPO's objective on a rollout: rewards (with the overlong penalty), advantages, the dynamic-sampling and truncation masks,
    /// once over the whole rollout; each minibatch's loss re-scores its rows with ρ against π_old.
    /// </summary>
    internal static Func<RolloutBatch, PolicyLoss> Objective(RolloutBatch r, GrpoOptions o)
    {
        var rewards = r.AsTensor(r.Rewards);
        int maxLength = r.MaxNewTokens > 0 ? r.MaxNewTokens : (int)r.PolicyScores.Mask.shape[1];
        if (o.OverlongBuffer > 0) rewards = rewards + o.OverlongPenalty * OverlongPenalty(r.Lengths(), maxLength, Math.Min(o.OverlongBuffer, maxLength));
        var grouped = r.Grouped(rewards);
        var gdpo = r.GroupRewards?.GroupNormalized is { } signal ? r.Grouped(r.AsTensor([.. signal])) : null; // RewardAggregation.NormalizeThenSum
        var advantages = r.GroupRewards?.BatchStandardized(o.StdEpsilon) is { } standardized ? r.AsTensor(standardized)
            : Advantages(grouped, o.Scaling, o.StdEpsilon).reshape(-1);
        var informative = o.DynamicSampling ? InformativeGroups(gdpo ?? grouped) : torch.ones(r.Prompts, dtype: ScalarType.Bool, device: rewards.device);
        var dropped = informative.logical_not().data<bool>().ToArray();
        var kept = informative.repeat_interleave(r.K).to_type(ScalarType.Float32);
        var complete = o.MaskTruncated ? torch.tensor(r.Truncated, device: rewards.device).logical_not().to_type(ScalarType.Float32) : null;
        return mb =>
        {
            var scores = mb.PolicyScores;
            var mask = complete is null ? scores.Mask : scores.Mask * mb.Rows(complete).reshape(-1, 1);
            var loss = Loss(scores.TokenLogProbs, mb.OldScores.TokenLogProbs, mb.ReferenceScores.TokenLogProbs, mask, mb.Rows(advantages), o, maxLength, mb.Rows(kept));
            return loss with { Skipped = mb.PerPrompt(dropped).Count(d => d) };
        };
    }
}
