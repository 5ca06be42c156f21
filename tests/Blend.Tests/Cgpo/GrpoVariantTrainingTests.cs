using System.Globalization;
using Xunit.Abstractions;

namespace Blend.Tests.Cgpo;

/// <summary>Each GRPO variant, run in the loop with several clipped updates per rollout, still raises a simple reward.</summary>
[Collection("Torch")]
public class GrpoVariantTrainingTests(ITestOutputHelper output)
{
    public static TheoryData<string> Variants => ["grpo", "dr_grpo", "dapo", "gspo"];

    static GrpoOptions Options(string variant) => variant switch
    {
        "dr_grpo" => new GrpoOptions { LossType = GrpoLossType.DrGrpo, Epochs = 2 },
        "dapo" => new GrpoOptions { LossType = GrpoLossType.Dapo, DynamicSampling = true, OverlongBuffer = 2, Epochs = 2 },
        "gspo" => new GrpoOptions { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence, Epochs = 2, MiniBatches = 2 },
        _ => new GrpoOptions(),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_variant_raises_the_fraction_of_digits(string variant)
    {
        using var policy = CgpoFixture.Policy();
        var result = global::Blend.Cgpo.Create(policy, seed: 5)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Reward(CgpoFixture.Digits).Optimizer(Options(variant) with { SamplesPerPrompt = 4 }).PromptsPerStep(4))
            .Sampling(maxNewTokens: 6).LearningRate(3e-3).Steps(Steps).Train();
        double first = result.Metrics.Take(5).Average(m => m.Reward), last = result.Metrics.TakeLast(5).Average(m => m.Reward);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{variant}: reward {first:F3} → {last:F3}; clip fraction {result.Metrics.Average(m => m.ClipFraction):F4}; approx KL {result.Metrics.Average(m => m.ApproxKl):G3}; skipped groups {result.Metrics.Sum(m => m.Skipped)}"));
        Assert.True(last > first + 0.1, $"{variant}: the mean reward of the last 5 steps {last:F3} is not 0.1 above the first 5 steps' {first:F3}");
    }

    const int Steps = 25;
}
