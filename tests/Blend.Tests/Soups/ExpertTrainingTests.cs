using Blend.Tests.Policy;

namespace Blend.Tests.Soups;

/// <summary>Expert training is a one-task CGPO run with RLOO: the same numbers as that run written out by hand.</summary>
[Collection("Torch")]
public class ExpertTrainingTests
{
    [Fact]
    public void Fine_tune_equals_a_one_task_cgpo_run_with_rloo()
    {
        using var init = TinyPolicy.Create(41);
        var reward = new CharShareReward("vowels", "aeiou");
        var options = new ExpertTrainingOptions { Steps = 3, PromptsPerStep = 3, SamplesPerPrompt = 3, MaxNewTokens = 5, LearningRate = 1e-2, Beta = 0.1, Seed = 7 };
        var steps = new List<ExpertStep>();
        using var expert = ExpertTraining.FineTune(init, reward, SoupFrontTests.Prompts, options, new SyncProgress<ExpertStep>(steps.Add));

        var byHand = Blend.Cgpo.Create(init, reference: init, seed: 7)
            .Steps(3).LearningRate(1e-2).MaxGradNorm(1.0).Sampling(maxNewTokens: 5, temperature: 1.0)
            .Task("chat", t => t.Prompts(SoupFrontTests.Prompts).Reward(reward).PromptsPerStep(3).Optimizer(new RlooOptions { SamplesPerPrompt = 3, Beta = 0.1 }))
            .Train();
        using var cgpo = byHand.Policy;

        Assert.Equal(byHand.Metrics.Select(m => m.Reward), expert.RewardCurve);
        Assert.Equal(byHand.Metrics.Select(m => m.Kl), expert.KlCurve);
        Assert.Equal(new[] { 0, 1, 2 }, steps.Select(s => s.Step));
        Assert.Equal(expert.RewardCurve, steps.Select(s => s.Reward));
        var mine = expert.Policy.Model.parameters().Select(p => p.data<float>().ToArray()).ToList();
        var theirs = cgpo.Model.parameters().Select(p => p.data<float>().ToArray()).ToList();
        Assert.Equal(theirs.Count, mine.Count);
        for (int i = 0; i < mine.Count; i++) Assert.Equal(theirs[i], mine[i]);
        // The run moved the weights (the comparison is not between two untouched copies) and left the initialization alone.
        Assert.Contains(Enumerable.Range(0, mine.Count), i => !mine[i].SequenceEqual(init.Model.parameters().ElementAt(i).data<float>().ToArray()));
    }

    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
