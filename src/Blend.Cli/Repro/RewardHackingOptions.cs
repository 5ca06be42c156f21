namespace Blend.Cli.Repro;

/// <summary>
/// Settings of the "reward hacking" experiment (docs/experiments.md#reward-hacking): PPO and CGPO trained from one SFT policy against a
/// proxy reward with planted flaws, judged by what each task really wants.
/// </summary>
public sealed record RewardHackingOptions
{
    /// <summary>Seeds (one SFT policy and one run per arm per seed). Default 3.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>First seed; the others follow. Default 1.</summary>
    public int FirstSeed { get; init; } = 1;

    /// <summary>SFT steps for the shared starting policy. Default 400.</summary>
    public int SftSteps { get; init; } = 400;

    /// <summary>RL steps per arm (the same budget for every arm). Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Prompts per task per step (B_l). Default 8.</summary>
    public int PromptsPerStep { get; init; } = 8;

    /// <summary>Generations per prompt (K) for every arm in the stratified setup. Default 4.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Evaluate every this many steps (and at step 0 and the end). Default 20.</summary>
    public int EvalEvery { get; init; } = 20;

    /// <summary>Held-out prompts per task in each evaluation. Default 48.</summary>
    public int EvalPrompts { get; init; } = 48;

    /// <summary>RL learning rate (AdamW). Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Maximum new tokens per response. Default 24.</summary>
    public int MaxNewTokens { get; init; } = 24;

    /// <summary>The proxy's planted length flaw: bonus per response word. Default 0.15 (docs/experiments.md#reward-hacking).</summary>
    public double LengthBonus { get; init; } = 0.15;

    /// <summary>The proxy's planted keyword flaw: bonus per occurrence of <see cref="Keyword"/>. Default 0.3.</summary>
    public double KeywordBonus { get; init; } = 0.3;

    /// <summary>The keyword the proxy likes. Default "!".</summary>
    public string Keyword { get; init; } = "!";

    /// <summary>KL budget KL_max for CGPO arms on the math and instruction tasks (lenient: docs/cgpo.md#multi-task). Default 8 nats.</summary>
    public double KlMax { get; init; } = 8.0;

    /// <summary>Per-token KL penalty β of the PPO baseline. Default 0.05.</summary>
    public double PpoKlCoef { get; init; } = 0.05;

    /// <summary>
    /// Arms to run: <c>ppo</c>, <c>crpg</c>, <c>crraft</c>, <c>codpo</c>, <c>crpg-no-judges</c> (the MoJ ablation) and
    /// <c>unified</c> (one summed proxy reward and one shared K/KL for all tasks). Default: all six.
    /// </summary>
    public IReadOnlyList<string> Arms { get; init; } = ["ppo", "crpg", "crraft", "codpo", "crpg-no-judges", "unified"];

    /// <summary>The smallest meaningful version (one seed, small budgets) used by CI to check the direction of the claims.</summary>
    public static RewardHackingOptions Smoke { get; } = new()
    {
        Seeds = 1, Steps = 100, EvalEvery = 50, Arms = ["ppo", "crpg"],
    };
}
