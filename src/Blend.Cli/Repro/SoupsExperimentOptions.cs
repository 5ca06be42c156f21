namespace Blend.Cli.Repro;

/// <summary>Settings of the rewarded-soups experiment (docs/experiments.md#soups-experiment): soup front vs MORL on two conflicting rewards.</summary>
public sealed record SoupsExperimentOptions
{
    /// <summary>Seeds (one shared SFT init per seed). Default 3.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>First seed. Default 1.</summary>
    public int FirstSeed { get; init; } = 1;

    /// <summary>SFT steps of each initialization. Default 300.</summary>
    public int SftSteps { get; init; } = 300;

    /// <summary>The fine-tuning recipe shared by the experts and the MORL policies (only the reward differs).</summary>
    public ExpertTrainingOptions Training { get; init; } = new() { Steps = 60, PromptsPerStep = 8, SamplesPerPrompt = 4, MaxNewTokens = 24, LearningRate = 1e-3 };

    /// <summary>λ grid points of the soup (λ ∈ {0, 0.1, …, 1} with 11). Default 11.</summary>
    public int SoupLambdas { get; init; } = 11;

    /// <summary>MORL preference grid points (μ ∈ {0, 0.25, …, 1} with 5). Default 5.</summary>
    public int MorlPreferences { get; init; } = 5;

    /// <summary>Held-out prompts per evaluation. Default 48.</summary>
    public int EvalPrompts { get; init; } = 48;

    /// <summary>Samples per prompt in evaluation. Default 2.</summary>
    public int SamplesPerPrompt { get; init; } = 2;

    /// <summary>Run the different-initialization control (negative control). Default true.</summary>
    public bool Control { get; init; } = true;

    /// <summary>The smallest meaningful version (one seed, small budgets) used by CI to check the direction of the claims.</summary>
    public static SoupsExperimentOptions Smoke { get; } = new()
    {
        Seeds = 1, SftSteps = 200, SoupLambdas = 6, MorlPreferences = 3, EvalPrompts = 24,
        Training = new ExpertTrainingOptions { Steps = 25, PromptsPerStep = 8, SamplesPerPrompt = 4, MaxNewTokens = 24, LearningRate = 1e-3 },
    };
}
