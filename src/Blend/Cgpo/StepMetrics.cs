namespace Blend;

/// <summary>What one CGPO step did for one task: rewards, judge pass rates, drift, loss and where the time went.</summary>
/// <param name="Step">The 1-based step number.</param>
/// <param name="Task">The task name.</param>
/// <param name="Optimizer">The task's optimizer (<c>crpg</c>, <c>ppo</c>, …).</param>
public sealed record StepMetrics(int Step, string Task, string Optimizer)
{
    /// <summary>Mean raw reward r(s,a) of the step's responses.</summary>
    public double Reward { get; init; }

    /// <summary>Mean calibrated reward R_calib = σ(r(s,a) − r(s,ā)) against each prompt's baseline ā.</summary>
    public double CalibratedReward { get; init; }

    /// <summary>Fraction of responses that passed every judge of the task (the MoJ label; 1 when the task has no judge).</summary>
    public double PassRate { get; init; }

    /// <summary>Pass rate and error count of each judge, in the task's judge order.</summary>
    public IReadOnlyList<JudgePassRate> Judges { get; init; } = [];

    /// <summary>Number of responses on which some judge returned an error (counted as violations, reported apart).</summary>
    public int JudgeErrors { get; init; }

    /// <summary>Mean sequence log-ratio Σ_t (log π_w − log π_ref) of the sampled responses, in nats (k1 estimate of KL).</summary>
    public double Kl { get; init; }

    /// <summary>Mean k3 estimate Σ_t (e^{−d_t} − 1 + d_t) of KL(π_w ‖ π_ref) over the sampled responses, in nats (never negative; <see cref="KlEstimate"/>). NaN for offline pairs.</summary>
    public double KlK3 { get; init; } = double.NaN;

    /// <summary>Mean response length in tokens.</summary>
    public double Length { get; init; }

    /// <summary>Mean per-token entropy of the policy over the response tokens, in nats.</summary>
    public double Entropy { get; init; }

    /// <summary>The task's loss before its weight ρ is applied (the mean over the step's updates).</summary>
    public double Loss { get; init; }

    /// <summary>
    /// Fraction of response tokens whose gradient the ratio clip cut, averaged over the step's updates (PPO, GRPO; NaN for the
    /// others). 0 with one update per step, where ρ ≡ 1.
    /// </summary>
    public double ClipFraction { get; init; } = double.NaN;

    /// <summary>
    /// Approximate KL(π_old ‖ π_w) in nats per response token, the mean k3 estimate ρ − 1 − log ρ over each minibatch before its
    /// update, averaged over the step's updates; 0 with one update per step.
    /// </summary>
    public double ApproxKl { get; init; }

    /// <summary>The updates the task made this step (E · M, fewer when the KL early stop fired).</summary>
    public int Updates { get; init; } = 1;

    /// <summary>True when the approximate KL passed the optimizer's TargetKl and the step's remaining updates of the task were skipped.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Loss, clip fraction and approximate KL of each epoch (pass over the rollout) of the step.</summary>
    public IReadOnlyList<EpochMetrics> Epochs { get; init; } = [];

    /// <summary>The AdamW learning rate of the step (after the run's schedule).</summary>
    public double LearningRate { get; init; }

    /// <summary>Prompts the optimizer skipped (CRRAFT/CODPO: nothing usable; online DPO: ties).</summary>
    public int Skipped { get; init; }

    /// <summary>Documented fallbacks taken (CRRAFT baseline response, CODPO a− from all samples).</summary>
    public int Fallbacks { get; init; }

    /// <summary>Number of prompts in the task's batch.</summary>
    public int Prompts { get; init; }

    /// <summary>Number of responses scored (prompts × K, or pairs × 2 for offline DPO).</summary>
    public int Responses { get; init; }

    /// <summary>Seconds spent generating responses (including, the first time a prompt is drawn, its baseline response ā).</summary>
    public double GenerateSeconds { get; init; }

    /// <summary>Seconds spent running the judges.</summary>
    public double JudgeSeconds { get; init; }

    /// <summary>Seconds spent in the reward model.</summary>
    public double ScoreSeconds { get; init; }

    /// <summary>Seconds spent on the update: policy and reference log-probabilities, loss, backward, and this task's share of the optimizer step.</summary>
    public double UpdateSeconds { get; init; }

    /// <summary>The gradient norm of the combined update before clipping (the same for every task of a step).</summary>
    public double GradNorm { get; init; }
}
