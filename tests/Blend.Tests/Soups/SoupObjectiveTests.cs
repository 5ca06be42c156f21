namespace Blend.Tests.Soups;

public class SoupObjectiveTests
{
    [Fact]
    public void Mixture_components_become_objectives_scored_from_the_breakdown()
    {
        var mixture = RewardMixture.Create()
            .Add("len", Reward.From("len", s => s.Response.Length), weight: 0.5)
            .Task("math", t => t.Add("exact", Reward.From("exact", s => s.Response == s.Reference ? 1 : 0)));
        var soup = Soup.Of(Path.GetTempPath()).ObjectivesFrom(mixture);
        Assert.Equal(new[] { "len", "exact" }, soup.Objectives.Select(o => o.Name).ToArray());
        var samples = new[]
        {
            new Sample("math", "1+1?", "2") { Reference = "2" },
            new Sample("chat", "hi", "hello"),
        };
        var scores = SoupEvaluation.Scores(soup.Objectives, samples, Deadline.DefaultPerBatch);
        Assert.Equal(new double?[] { 1, 5 }, scores[0]);          // raw, not weighted
        Assert.Equal(new double?[] { 1, null }, scores[1]);       // the math component does not cover chat
        var morl = new WeightedReward(soup.Objectives, [0.5, 0.5]);
        Assert.Equal(new[] { 1.0, 2.5 }, morl.Score(samples));
    }
}
