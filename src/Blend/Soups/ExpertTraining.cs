namespace Blend;

/// <summary>
/// Reward fine-tuning of one expert for a soup (or of a MORL policy on a weighted reward): a one-task CGPO run with RLOO and a
/// KL penalty to the initialization (see <see cref="Rloo"/>). Per step: K responses for each of B prompts,
/// r′ = r − β·log(π/π_init) per sequence, Aᵢ = r′ᵢ − mean_{j≠i} r′ⱼ within the prompt's group, loss = −mean(Aᵢ · log π(yᵢ|x)),
/// one clipped AdamW step (weight decay 0).
/// </summary>
public static class ExpertTraining
{
    /// <summary>Fine-tunes a copy of <paramref name="init"/> on <paramref name="reward"/>; <paramref name="init"/> is left as it is (it is the KL reference).</summary>
    /// <param name="init">The shared initialization θ_sft.</param>
    /// <param name="reward">The reward Rᵢ of this expert.</param>
    /// <param name="prompts">Training prompts (every prompt is used, whatever its task).</param>
    /// <param name="options">Hyperparameters (defaults: <see cref="ExpertTrainingOptions"/>).</param>
    /// <param name="progress">Receives (step, mean reward, KL) after each step, when given.</param>
    public static ExpertRun FineTune(Policy init, IRewardModel reward, PromptSet prompts, ExpertTrainingOptions? options = null, IProgress<ExpertStep>? progress = null)
    {
        var o = options ?? new ExpertTrainingOptions();
        var result = Run(init, reward, prompts, o).Train(progress is null ? null : new StepRelay(progress));
        return new ExpertRun
        {
            Reward = reward.Name, Policy = result.Policy, RewardCurve = [.. result.Metrics.Select(m => m.Reward)], KlCurve = [.. result.Metrics.Select(m => m.Kl)],
            Seconds = result.Seconds, Options = o,
        };
    }

    /// <summary>
    /// The CGPO run <see cref="FineTune"/> trains: one task (named after the prompts' task, or <c>expert</c> for a mixed set) on
    /// every prompt, <paramref name="init"/> as start and reference, RLOO.
    /// </summary>
    /// <param name="init">The shared initialization θ_sft (start and KL reference).</param>
    /// <param name="reward">The reward of this expert.</param>
    /// <param name="prompts">Training prompts.</param>
    /// <param name="options">Hyperparameters (defaults: <see cref="ExpertTrainingOptions"/>).</param>
    public static CgpoRun Run(Policy init, IRewardModel reward, PromptSet prompts, ExpertTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("ExpertTraining.FineTune: the prompt set is empty.");
        var o = (options ?? new ExpertTrainingOptions()).Validate();
        var run = Cgpo.Create(init, reference: init, seed: o.Seed)
            .Steps(o.Steps).LearningRate(o.LearningRate).MaxGradNorm(o.MaxGradNorm).Sampling(o.MaxNewTokens, o.Temperature)
            .Task(prompts.Tasks.Count == 1 ? prompts.Tasks[0] : "expert", t => t.Prompts(prompts).AllPrompts().Reward(reward).PromptsPerStep(o.PromptsPerStep)
                .Optimizer(new RlooOptions { SamplesPerPrompt = o.SamplesPerPrompt, Beta = o.Beta }));
        return o.Lora is { } lora ? run.Lora(lora) : run;
    }

    /// <summary>Relays the trainer's step metrics as expert steps (zero-based), synchronously.</summary>
    sealed class StepRelay(IProgress<ExpertStep> inner) : IProgress<StepMetrics>
    {
        public void Report(StepMetrics value) => inner.Report(new ExpertStep(value.Step - 1, value.Reward, value.Kl));
    }
}
