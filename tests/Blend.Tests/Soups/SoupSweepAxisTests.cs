using Blend.Tests.Policy;

namespace Blend.Tests.Soups;

/// <summary>Fronts over a merge method's parameter (SLERP's t, TIES density) instead of λ, with the experts evaluated alone.</summary>
[Collection("Torch")]
public class SoupSweepAxisTests
{
    static readonly PromptSet Prompts = new(SoupFrontTests.Prompts.Take(6));
    static readonly CharShareReward Vowels = new("vowels", "aeiouAEIOU");
    static readonly CharShareReward Spaces = new("spaces", " ");

    static Soup Base(Blend.Policy a, Blend.Policy b) => Soup.Of(a, b).Named("a", "b").Objective(Vowels).Objective(Spaces)
        .Generation(new GenerationOptions { MaxNewTokens = 6 }).SamplesPerPrompt(2).WithSeed(4);

    [Fact]
    public void A_slerp_t_sweep_has_the_experts_exactly_at_t_0_and_1_and_a_front_with_a_hypervolume()
    {
        using var a = TinyPolicy.Create(41);
        using var b = TinyPolicy.Create(42);
        var sweep = Base(a, b).Along(SweepAxis.Slerp(steps: 5)).Sweep(Prompts);

        Assert.Equal("slerp", sweep.Method);
        Assert.Equal("t", sweep.Parameter);
        Assert.Equal(new double?[] { 0, 0.25, 0.5, 0.75, 1 }, sweep.Points.Select(p => p.Setting));
        Assert.Equal(new[] { 1.0, 0.0 }, sweep.Points[0].Lambda);
        // SLERP at t = 0 and t = 1 is each expert bit for bit, so the same seed gives the same rewards as the expert alone.
        Assert.Equal(2, sweep.ExpertPoints.Count);
        Assert.Equal(sweep.ExpertPoints[0].Rewards, sweep.Points[0].Rewards);
        Assert.Equal(sweep.ExpertPoints[1].Rewards, sweep.Points[4].Rewards);
        using (var t0 = Soup.Of(a, b).Method(Merge.Slerp()).Mix(1, 0)) Assert.Equal(SoupTests.Logits(a), SoupTests.Logits(t0));
        using (var t1 = Soup.Of(a, b).Method(Merge.Slerp()).Mix(0, 1)) Assert.Equal(SoupTests.Logits(b), SoupTests.Logits(t1));
        // The front is the non-dominated soups; its hypervolume is at least the experts' alone (the experts are soups here).
        Assert.InRange(sweep.Front.Count, 1, 5);
        Assert.True(sweep.Hypervolume > 0, sweep.ToString());
        Assert.True(sweep.Hypervolume >= sweep.ExpertsHypervolume - 1e-12, sweep.ToString());
        Assert.Equal(new double[] { 0, 0.25, 0.5, 0.75, 1 }, sweep.Frame.GetColumn<double>("t").Values);
        Assert.Contains("t=0.25", sweep.Points[1].Label, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ties_density_sweep_merges_each_point_with_its_density_and_reads_the_front_against_the_experts()
    {
        using var sft = TinyPolicy.Create(43);
        using var a = TinyPolicy.Create(44);
        using var b = TinyPolicy.Create(45);
        var densities = new[] { 0.2, 0.6, 1.0 };
        var sweep = Base(a, b).Base(sft).Along(SweepAxis.Of("density", densities, d => Merge.Ties(density: d)), 0.5, 0.5).Sweep(Prompts);

        Assert.Equal(("ties", "density"), (sweep.Method, sweep.Parameter));
        Assert.All(sweep.Points, p => Assert.Equal(new[] { 0.5, 0.5 }, p.Lambda));
        // Each point is the TIES merge at its density: the same rewards as that soup scored on its own.
        for (int i = 0; i < densities.Length; i++)
        {
            var soup = Base(a, b).Base(sft).Method(Merge.Ties(density: densities[i]));
            using var mixed = soup.Mix(0.5, 0.5);
            Assert.Equal(soup.Score(mixed, Prompts), sweep.Points[i].Rewards);
        }
        // The experts alone, each exactly itself (linear at a vertex), on the same reference point as the soups.
        Assert.Equal(Base(a, b).Score(a, Prompts), sweep.ExpertPoints[0].Rewards);
        Assert.Equal(Base(a, b).Score(b, Prompts), sweep.ExpertPoints[1].Rewards);
        Assert.False(double.IsNaN(sweep.ExpertsHypervolume));
        var all = sweep.Points.Concat(sweep.ExpertPoints).ToList();
        for (int k = 0; k < 2; k++) Assert.True(sweep.HypervolumeReference[k] < all.Min(p => p.Rewards[k]));
        Assert.Equal(sweep.Front.Hypervolume(sweep.HypervolumeReference), sweep.Hypervolume);
        Assert.Contains("over density", sweep.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Axis_inputs_are_checked()
    {
        using var a = TinyPolicy.Create(46);
        using var b = TinyPolicy.Create(47);
        Assert.Throws<ArgumentException>(() => SweepAxis.Of("density", [], d => Merge.Ties(d)));
        Assert.Throws<ArgumentException>(() => SweepAxis.Of("density", [double.NaN], d => Merge.Ties(d)));
        Assert.Throws<ArgumentException>(() => SweepAxis.Of("pareto", [0.5], d => Merge.Ties(d)));
        Assert.Throws<ArgumentException>(() => Base(a, b).Along(SweepAxis.Slerp(), 1, 0, 0));
        var noBase = Base(a, b).Along(SweepAxis.Of("density", [0.5], d => Merge.Ties(density: d)));
        Assert.Contains("base model", Assert.Throws<InvalidOperationException>(() => noBase.Sweep(Prompts)).Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 0.1, 0.55, 1.0 }, SweepAxis.Steps(0.1, 1.0, 3));
    }

    [Fact]
    public void A_sweep_reports_each_soup_and_stops_before_the_next_when_cancelled()
    {
        using var a = TinyPolicy.Create(48);
        using var b = TinyPolicy.Create(49);
        var seen = new List<SoupPoint>();
        using var stop = new CancellationTokenSource();
        var soup = Base(a, b).Along(SweepAxis.Slerp(steps: 3)).Cancellation(stop.Token);
        var sweep = soup.Sweep(Prompts, new Reporter(p => seen.Add(p)));
        // Three soups, then the two experts alone, in order.
        Assert.Equal(sweep.Points.Concat(sweep.ExpertPoints), seen);

        seen.Clear();
        var e = Assert.Throws<OperationCanceledException>(() => soup.Sweep(Prompts, new Reporter(p => { seen.Add(p); if (seen.Count == 2) stop.Cancel(); })));
        Assert.Equal(2, seen.Count);
        Assert.Contains("after 2 of 5", e.Message, StringComparison.Ordinal);
    }

    sealed class Reporter(Action<SoupPoint> report) : IProgress<SoupPoint>
    {
        public void Report(SoupPoint value) => report(value);
    }
}
