using Blend.Tests.Policy;

namespace Blend.Tests.Soups;

[Collection("Torch")]
public class MorlBaselineTests
{
    [Fact]
    public void Weighted_reward_is_the_linear_scalarization_of_the_objectives()
    {
        var objectives = new[] { new SoupObjective("v", new CharShareReward("v", "ae")), new SoupObjective("d", new CharShareReward("d", "12")) };
        var r = new WeightedReward(objectives, [0.25, 0.75]);
        // "a1b2": v = 1/4, d = 2/4 → 0.25·0.25 + 0.75·0.5 = 0.4375
        Assert.Equal(0.4375, r.Score([new Sample("chat", "p", "a1b2")])[0], 12);
        Assert.StartsWith("morl(0.25·v,0.75·d", r.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Morl_trains_one_policy_per_preference_and_evaluates_it_like_the_soups()
    {
        using var init = TinyPolicy.Create(41);
        var soup = Soup.Of(init, init)
            .Objective(new CharShareReward("vowels", "aeiou"))
            .Objective(new CharShareReward("digits", "0123456789"))
            .Generation(new GenerationOptions { MaxNewTokens = 4 })
            .SamplesPerPrompt(2);
        var options = new ExpertTrainingOptions { Steps = 2, PromptsPerStep = 2, SamplesPerPrompt = 2, MaxNewTokens = 4 };
        var morl = soup.Morl(init, Lambda.Of([0.3, 0.7], [0.8, 0.2]), SoupFrontTests.Prompts, SoupFrontTests.Prompts.Take(2), options);
        Assert.Equal(2, morl.TrainingRuns);
        Assert.Equal(new[] { 0.8, 0.2 }, morl.Points[1].Lambda);
        Assert.All(morl.RewardCurves, c => Assert.Equal(2, c.Count));
        Assert.Equal(new[] { "mu_0", "mu_1", "vowels", "digits", "pareto" }, morl.Frame.ColumnKeys.ToArray());
        Assert.InRange(morl.Front.Count, 1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => soup.Morl(init, Lambda.Simplex(3), SoupFrontTests.Prompts, SoupFrontTests.Prompts, options));
        Assert.Contains("3 entries for 2 objectives", e.Message, StringComparison.Ordinal);
    }
}
