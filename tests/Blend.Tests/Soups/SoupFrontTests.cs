using Blend.Tests.Policy;
using Xunit.Abstractions;

namespace Blend.Tests.Soups;

/// <summary>Two conflicting synthetic rewards: the share of response characters in two disjoint sets (R₁ + R₂ ≤ 1).</summary>
internal sealed class CharShareReward(string name, string chars) : IRewardModel
{
    public string Name => name;

    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples) =>
        samples.Select(s => s.Response.Length == 0 ? 0.0 : s.Response.Count(chars.Contains) / (double)s.Response.Length).ToList();
}

[Collection("Torch")]
public class SoupFrontTests(ITestOutputHelper output)
{
    internal static readonly PromptSet Prompts = new(TinyPolicy.Corpus.Select((t, i) => new PromptItem("p" + i, "chat", t)));

    [Fact]
    public void Sweep_over_two_experts_fine_tuned_on_conflicting_rewards_has_at_least_5_non_dominated_points()
    {
        BlendRuntime.Seed(3);
        using var init = TinyPolicy.Create(31);
        var vowels = new CharShareReward("vowels", "aeiouAEIOU");
        var digits = new CharShareReward("digits", "0123456789");
        var options = new ExpertTrainingOptions { Steps = 15, PromptsPerStep = 6, SamplesPerPrompt = 4, MaxNewTokens = 6, LearningRate = 1e-2, Beta = 0.02, Seed = 1 };
        using var a = ExpertTraining.FineTune(init, vowels, Prompts, options);
        using var b = ExpertTraining.FineTune(init, digits, Prompts, options);
        output.WriteLine(a.ToString());
        output.WriteLine(b.ToString());

        var sweep = Soup.Of(a.Policy, b.Policy).Named("vowels", "digits")
            .Lambdas(Lambda.Grid(steps: 11))
            .Objective(vowels)
            .Objective(digits)
            .Generation(new GenerationOptions { MaxNewTokens = 6 })
            .SamplesPerPrompt(8)
            .WithSeed(5)
            .Sweep(Prompts);
        foreach (var p in sweep.Points) output.WriteLine($"{p.LambdaText} {p.Rewards[0]:0.000} {p.Rewards[1]:0.000}");
        output.WriteLine(sweep.ToString());

        // Each expert learned its reward, and the soup path trades one for the other.
        Assert.True(a.RewardCurve.TakeLast(5).Average() > a.RewardCurve.Take(5).Average() + 0.1, a.ToString());
        Assert.True(b.RewardCurve.TakeLast(5).Average() > b.RewardCurve.Take(5).Average() + 0.1, b.ToString());
        Assert.True(sweep.Points[0].Rewards[0] > sweep.Points[10].Rewards[0] + 0.1);
        Assert.True(sweep.Points[10].Rewards[1] > sweep.Points[0].Rewards[1] + 0.1);
        Assert.True(sweep.Front.Count >= 5, sweep.ToString());
        Assert.True(sweep.Hypervolume > 0);
    }
}
