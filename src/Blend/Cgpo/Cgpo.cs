namespace Blend;

/// <summary>
/// Entry point of CGPO runs (Xu et al. 2024, "The Perfect Blend"): multi-task RLHF with a mixture of judges and per-task
/// constrained optimizers, plus the PPO, DPO, online DPO, GRPO and RLOO baselines in the same loop.
/// </summary>
/// <example><code>
/// var result = Cgpo.Create(policy, reference: sft, seed: 7)
///     .Task("math", t => t.Prompts(math).Judges(mathJudge).Reward(rm).Optimizer(new CrpgOptions { KlMax = 8, SamplesPerPrompt = 4 }))
///     .Steps(60)
///     .Train(progress);
/// </code></example>
public static class Cgpo
{
    /// <summary>Starts a run description; nothing runs until <see cref="CgpoRun.Train"/>.</summary>
    /// <param name="policy">The policy π_w0 to improve; training works on a copy, so this object is left as it is.</param>
    /// <param name="reference">The frozen reference policy π_ref for KL terms and baselines; default: <paramref name="policy"/> as given.</param>
    /// <param name="seed">Seeds prompt sampling, generation and everything else of the run. Default 0.</param>
    public static CgpoRun Create(Policy policy, Policy? reference = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new CgpoRun(policy, reference ?? policy, seed);
    }
}
