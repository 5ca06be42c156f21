using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Cli.Demo;

/// <summary>
/// Every budget of <c>blend demo</c>, fixed in steps (never in seconds, so the same seed gives the same numbers on any
/// machine). <see cref="Full"/> is the default, <see cref="QuickRun"/> is <c>--quick</c>; the report prints the one used.
/// </summary>
internal sealed record DemoBudget
{
    /// <summary>SFT steps of the shared start policy (2-layer, width-64 GPT) on all four tasks.</summary>
    public int SftSteps { get; init; }

    /// <summary>SFT batch size.</summary>
    public int SftBatch { get; init; }

    /// <summary>Held-out prompts per task judged in the judges stage.</summary>
    public int JudgePromptsPerTask { get; init; }

    /// <summary>Bradley–Terry reward-model steps.</summary>
    public int RewardSteps { get; init; }

    /// <summary>RL steps of each CGPO-stage arm (PPO and CRPG).</summary>
    public int CgpoSteps { get; init; }

    /// <summary>Evaluate the CGPO-stage arms every this many steps (and at step 0).</summary>
    public int CgpoEvalEvery { get; init; }

    /// <summary>Prompts per task per step in the CGPO stage.</summary>
    public int CgpoPromptsPerStep { get; init; }

    /// <summary>Held-out prompts per task in each CGPO-stage evaluation.</summary>
    public int CgpoEvalPrompts { get; init; }

    /// <summary>RL learning rate of the CGPO stage.</summary>
    public double CgpoLearningRate { get; init; } = 1e-3;

    /// <summary>CRPG's KL budget KL_max (nats per response).</summary>
    public double CgpoKlMax { get; init; } = 8;

    /// <summary>Steps of each soup expert (and of each MORL run).</summary>
    public int ExpertSteps { get; init; }

    /// <summary>Prompts per expert step.</summary>
    public int ExpertPromptsPerStep { get; init; }

    /// <summary>Expert learning rate.</summary>
    public double ExpertLearningRate { get; init; } = 1e-3;

    /// <summary>λ grid size of the soup sweep.</summary>
    public int SoupLambdas { get; init; }

    /// <summary>MORL preference weights μ (of the first reward) trained for comparison.</summary>
    public IReadOnlyList<double> MorlWeights { get; init; } = [];

    /// <summary>Held-out chat prompts the soups, experts and the start are scored on.</summary>
    public int SoupEvalPrompts { get; init; }

    /// <summary>Sampled responses per prompt when scoring a soup.</summary>
    public int SoupSamples { get; init; }

    /// <summary>Generations per prompt K, everywhere.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Maximum new tokens per sampled response, everywhere.</summary>
    public int MaxNewTokens { get; init; } = 24;

    /// <summary>The default budgets (about 5 minutes on 2 idle cores).</summary>
    public static DemoBudget Full { get; } = new()
    {
        SftSteps = 500, SftBatch = 32, JudgePromptsPerTask = 40, RewardSteps = 100,
        CgpoSteps = 100, CgpoEvalEvery = 20, CgpoPromptsPerStep = 8, CgpoEvalPrompts = 48,
        ExpertSteps = 50, ExpertPromptsPerStep = 8, SoupLambdas = 11, MorlWeights = [0.25, 0.5, 0.75], SoupEvalPrompts = 48, SoupSamples = 2,
    };

    /// <summary><c>--quick</c> (under a minute on 2 idle cores): the same pipeline with the smallest budgets that still train.</summary>
    public static DemoBudget QuickRun { get; } = new()
    {
        SftSteps = 150, SftBatch = 16, JudgePromptsPerTask = 8, RewardSteps = 20,
        CgpoSteps = 12, CgpoEvalEvery = 6, CgpoPromptsPerStep = 4, CgpoEvalPrompts = 12, CgpoLearningRate = 3e-3,
        ExpertSteps = 8, ExpertPromptsPerStep = 4, ExpertLearningRate = 3e-3, SoupLambdas = 5, MorlWeights = [0.5], SoupEvalPrompts = 12, SoupSamples = 1,
        MaxNewTokens = 16,
    };

    /// <summary>The budgets as JSON (metrics.json) .</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!.AsObject();

    /// <summary>The budgets as one line of text for the report.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"SFT {SftSteps} steps × batch {SftBatch}; judges {JudgePromptsPerTask} prompts/task; reward model {RewardSteps} steps; "
        + $"CGPO stage {CgpoSteps} steps per arm, {CgpoPromptsPerStep} prompts/task/step × K = {SamplesPerPrompt}, lr {CgpoLearningRate:G3}, KL_max {CgpoKlMax:G3}, eval every {CgpoEvalEvery} steps on {CgpoEvalPrompts} prompts/task; "
        + $"soups: experts {ExpertSteps} steps × {ExpertPromptsPerStep} prompts × K = {SamplesPerPrompt}, lr {ExpertLearningRate:G3}, {SoupLambdas} λ, MORL μ = {string.Join(", ", MorlWeights.Select(m => m.ToString("0.##", CultureInfo.InvariantCulture)))}, "
        + $"{SoupEvalPrompts} eval prompts × {SoupSamples}; at most {MaxNewTokens} new tokens per response.");
}
