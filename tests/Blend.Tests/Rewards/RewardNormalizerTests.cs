namespace Blend.Tests.Rewards;

/// <summary>The explicit running normalizer of a reward mixture: today's Welford numbers, visible state, checkpoint round trip.</summary>
public class RewardNormalizerTests
{
    static readonly IRewardModel Length = Reward.From("len", s => s.Response.Length);

    static Sample[] Batch(params string[] responses) => [.. responses.Select(r => new Sample("chat", "p", r))];

    /// <summary>The running normalization RewardMixture had before the normalizer existed, written out as it was (Welford, σ population, z with the batch included).</summary>
    static double[] Before(List<double> seen, IReadOnlyList<double> batch, double epsilon)
    {
        int count = 0;
        double mean = 0, m2 = 0;
        foreach (var x in seen.Concat(batch))
        {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
        }
        seen.AddRange(batch);
        double sd = Math.Sqrt(m2 / count);
        return [.. batch.Select(r => (r - mean) / (sd + epsilon))];
    }

    [Fact]
    public void Welford_normalization_gives_bit_identical_numbers_to_the_previous_mixture()
    {
        var mix = RewardMixture.Create().Add("len", Length, 0.7).Normalize();
        var seen = new List<double>();
        var random = new Random(3);
        for (int step = 0; step < 5; step++)
        {
            var batch = Batch([.. Enumerable.Range(0, 1 + step).Select(_ => new string('x', random.Next(1, 40)))]);
            var expected = Before(seen, [.. batch.Select(s => (double)s.Response.Length)], 1e-8);
            var b = mix.Evaluate(batch);
            for (int i = 0; i < batch.Length; i++)
            {
                Assert.Equal(expected[i], b.Component("len").Value[i]!.Value); // exact
                Assert.Equal(0.7 * expected[i], b.Total[i]);
            }
        }
        Assert.Equal(15, mix.Statistics[0].Count);
    }

    [Fact]
    public void Without_normalization_the_totals_are_the_weighted_raw_scores()
    {
        var mix = RewardMixture.Create().Add("len", Length, 0.5);
        Assert.Null(mix.Normalizer);
        Assert.Equal(new[] { 0.5, 1.5 }, mix.Evaluate(Batch("a", "abc")).Total);
        Assert.Equal(new[] { 0.5, 1.5 }, mix.Evaluate(Batch("a", "abc")).Total);
    }

    [Fact]
    public void State_is_visible_and_restoring_it_resumes_the_same_numbers()
    {
        var normalizer = RewardNormalizer.Welford();
        var mix = RewardMixture.Create().Add("len", Length).Normalize(normalizer);
        mix.Evaluate(Batch("a", "abc"));
        // Scores 1, 3: μ = 2, M2 = 2.
        var m = Assert.Single(normalizer.State.Components);
        Assert.Equal(new RewardMoments("len", null, 2, 2.0, 2.0), m);

        var saved = normalizer.State;
        var path = Path.Combine(Path.GetTempPath(), $"gdpo-normalizer-{Guid.NewGuid():N}.json");
        try
        {
            saved.Save(path);
            var next = mix.Evaluate(Batch("abcde")).Total[0];                      // 1, 3, 5 → z(5) = 2/√(8/3)
            Assert.Equal(2 / Math.Sqrt(8.0 / 3), next, 6);

            var resumed = RewardNormalizer.Welford();
            resumed.Restore(RewardNormalizerState.Load(path));
            Assert.Equal(saved, resumed.State);
            var again = RewardMixture.Create().Add("len", Length).Normalize(resumed).Evaluate(Batch("abcde")).Total[0];
            Assert.Equal(next, again); // exact: the JSON round trip keeps every bit
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void The_mixture_is_immutable_and_derived_mixtures_share_the_explicit_normalizer()
    {
        var normalizer = RewardNormalizer.Welford();
        var a = RewardMixture.Create().Add("len", Length).Normalize(normalizer);
        var b = a.Clip(-1, 1);
        b.Evaluate(Batch("a", "abc"));
        Assert.Same(a.Normalizer, b.Normalizer);
        Assert.Equal(2, a.Statistics[0].Count);
        Assert.Null(a.ClipMin);
        var fresh = a.Normalize(normalizer.Fresh());
        Assert.Equal(0, fresh.Statistics[0].Count);
        a.ResetStatistics();
        Assert.Empty(normalizer.State.Components);
    }

    [Fact]
    public void Ema_follows_its_recurrence()
    {
        var normalizer = RewardNormalizer.Ema(decay: 0.5);
        var m = normalizer.Update(new RewardMoments("x", null, 0, 0, 0), [2.0, 4.0, 0.0]);
        // x=2: μ=2, v=0; x=4: δ=2, μ=3, v=0.5·(0+0.5·4)=1; x=0: δ=−3, μ=1.5, v=0.5·(1+0.5·9)=2.75.
        Assert.Equal(new RewardMoments("x", null, 3, 1.5, 2.75), m);
        Assert.Equal(Math.Sqrt(2.75), normalizer.StandardDeviation(m), 12);
        var mix = RewardMixture.Create().Add("len", Length).Normalize(normalizer);
        var z = mix.Evaluate(Batch("xx", "xxxx", "")).Total;
        Assert.Equal((0 - 1.5) / (Math.Sqrt(2.75) + 1e-8), z[2], 12);
    }

    [Fact]
    public void Bad_state_files_name_the_field()
    {
        Assert.Contains("format", Assert.Throws<FormatException>(() => RewardNormalizerState.FromJson("{}", "s.json")).Message);
        var bad = """{"format":"blend-reward-normalizer/1","components":[{"name":"x","count":1,"mean":"nan","m2":"0"}]}""";
        var e = Assert.Throws<FormatException>(() => RewardNormalizerState.FromJson(bad, "s.json"));
        Assert.Contains("s.json: components[0].mean", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RewardNormalizer.Ema(decay: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RewardNormalizer.Welford(epsilon: 0));
    }
}
