namespace Blend.Tests.Rewards;

public class RewardMixtureTests
{
    static readonly Sample[] Batch =
    [
        new("math", "What is 2+3?", "The answer is 5."),
        new("chat", "Tell me about tea.", "Tea is a drink brewed from leaves."),
        new("math", "What is 7+1?", "8"),
        new("chat", "Say hi.", "Hi!"),
    ];

    [Fact]
    public void Breakdown_sums_to_the_total_for_every_sample()
    {
        var mix = RewardMixture.Create()
            .Add("length", Reward.From("len", s => s.Response.Length), weight: 0.1)
            .Task("math", t => t.Add("digits", Reward.From("d", s => s.Response.Count(char.IsDigit)), weight: 2.0))
            .Task("chat", t => t.Add("bang", Reward.From("b", s => s.Response.Contains('!') ? 1 : 0), weight: -0.5));
        var b = mix.Evaluate(Batch);
        Assert.Equal(4, b.Count);
        for (int i = 0; i < b.Count; i++)
        {
            double sum = b.Components.Sum(c => c.Weighted[i] ?? 0.0);
            Assert.Equal(b.Total[i], sum, 12);
        }
        // Hand values: sample 0 = 0.1·16 + 2·1 = 3.6; sample 3 = 0.1·3 − 0.5·1 = −0.2.
        Assert.Equal(3.6, b.Total[0], 12);
        Assert.Equal(-0.2, b.Total[3], 12);
        Assert.Null(b.Component("digits").Raw[1]);
        Assert.Equal(1.0, b.Component("bang").Raw[3]);
        Assert.Equal(mix.Score(Batch), b.Total);
    }

    [Fact]
    public void Configuring_a_task_again_refines_it_and_leaves_the_earlier_mixture_unchanged()
    {
        var digits = Reward.From("d", s => s.Response.Count(char.IsDigit));
        var a = RewardMixture.Create().Task("math", t => t.Add("digits", digits, weight: 2.0));
        var b = a.Task("math", t => t.Add("length", Reward.From("len", s => s.Response.Length), weight: 0.1));
        Assert.Equal(["digits"], a.Components.Select(c => c.Name));
        Assert.Equal(["digits", "length"], b.Components.Select(c => c.Name));
        // Sample 0 ("The answer is 5."): a = 2·1 = 2; b = 2·1 + 0.1·16 = 3.6.
        Sample[] math = [Batch[0]];
        Assert.Equal(2.0, a.Score(math)[0], 12);
        Assert.Equal(3.6, b.Score(math)[0], 12);
        // The task's components so far reach the configure function; adding the same name again is refused.
        Assert.Throws<ArgumentException>(() => a.Task("math", t => t.Add("digits", digits)));
    }

    [Fact]
    public void Frame_has_a_row_per_sample_and_row_sums_equal_the_total()
    {
        var mix = RewardMixture.Create()
            .Add("a", Reward.From("a", s => s.Response.Length), 0.5)
            .Task("math", t => t.Add("b", Reward.From("b", _ => 1.0), 3));
        var frame = mix.Evaluate(Batch).Frame;
        Assert.Equal(4, frame.RowCount);
        Assert.Equal(["a", "b", "total"], frame.ColumnKeys.ToArray());
        var a = frame.GetColumn<double>("a");
        var b = frame.GetColumn<double>("b");
        var total = frame.GetColumn<double>("total");
        for (int i = 0; i < 4; i++)
        {
            double bi = b.TryGet(i).HasValue ? b[i] : 0.0;
            Assert.Equal(total[i], a[i] + bi, 12);
        }
        Assert.False(b.TryGet(1).HasValue); // chat row: b does not apply
    }

    [Fact]
    public void Running_normalization_uses_welford_mean_and_std()
    {
        var mix = RewardMixture.Create().Add("x", Reward.From("x", s => s.Response.Length)).Normalize();
        var samples = new[] { "a", "abc" }.Select(r => new Sample("chat", "p", r)).ToArray();
        var b1 = mix.Evaluate(samples);
        // Scores 1, 3: μ = 2, σ = 1 → z = −1, +1.
        Assert.Equal(-1.0, b1.Total[0], 6);
        Assert.Equal(1.0, b1.Total[1], 6);
        var b2 = mix.Evaluate([new Sample("chat", "p", "abcde")]);
        // Scores so far 1, 3, 5: μ = 3, σ = sqrt(8/3) = 1.632993 → z(5) = 1.224745.
        Assert.Equal(1.224745, b2.Total[0], 5);
        Assert.Equal(5.0, b2.Component("x").Raw[0]);
        Assert.Equal(3, mix.Statistics[0].Count);
        Assert.Equal(3.0, mix.Statistics[0].Mean, 12);
    }

    [Fact]
    public void Clipping_bounds_each_component_before_weighting()
    {
        var mix = RewardMixture.Create().Add("x", Reward.From("x", s => s.Response.Length), weight: 2).Clip(0, 3);
        var b = mix.Evaluate(Batch);
        // Lengths 16, 34, 1, 3 → clipped to 3, 3, 1, 3 → × 2.
        Assert.Equal(new[] { 6.0, 6.0, 2.0, 6.0 }, b.Total);
        Assert.Equal(16.0, b.Component("x").Raw[0]);
    }

    [Fact]
    public void Builder_is_immutable()
    {
        var a = RewardMixture.Create().Add("x", Reward.From("x", _ => 1));
        var b = a.Add("y", Reward.From("y", _ => 2));
        Assert.Single(a.Components);
        Assert.Equal(2, b.Components.Count);
        Assert.False(a.Normalize().Clip(-1, 1) == a);
        Assert.False(a.Normalized);
    }

    [Fact]
    public void NaN_or_infinite_scores_name_the_component_and_sample()
    {
        var mix = RewardMixture.Create()
            .Add("ok", Reward.From("ok", _ => 1))
            .Add("bad", Reward.From("bad", s => s.Response == "8" ? double.NaN : 0));
        var e = Assert.Throws<RewardScoreException>(() => mix.Evaluate(Batch));
        Assert.Equal("bad", e.Component);
        Assert.Equal(2, e.SampleIndex);
        Assert.Contains("What is 7+1?", e.Message, StringComparison.Ordinal);
        Assert.Contains("sample 2", e.Message, StringComparison.Ordinal);
        var inf = RewardMixture.Create().Add("inf", Reward.From("inf", _ => double.PositiveInfinity));
        Assert.Throws<RewardScoreException>(() => inf.Evaluate(Batch));
    }

    sealed class ShortReward : IRewardModel
    {
        public string Name => "short";
        public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples) => [1.0];
    }

    [Fact]
    public void Mismatched_batch_size_is_a_clear_error()
    {
        var mix = RewardMixture.Create().Add(new ShortReward());
        var e = Assert.Throws<InvalidOperationException>(() => mix.Evaluate(Batch));
        Assert.Contains("'short' returned 1 scores for a batch of 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_task_is_a_clear_error()
    {
        var mix = RewardMixture.Create().Task("math", t => t.Add("m", Reward.From("m", _ => 1)));
        var e = Assert.Throws<InvalidOperationException>(() => mix.Evaluate(Batch));
        Assert.Contains("task 'chat'", e.Message, StringComparison.Ordinal);
        Assert.Contains("sample 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_mixture_and_duplicate_names_are_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => RewardMixture.Create().Evaluate(Batch));
        var mix = RewardMixture.Create().Add("x", Reward.From("x", _ => 1));
        Assert.Throws<ArgumentException>(() => mix.Add("x", Reward.From("x", _ => 1)));
        Assert.Throws<ArgumentException>(() => mix.Task("math", t => t.Add("x", Reward.From("x", _ => 1))));
        Assert.Throws<ArgumentException>(() => mix.Add("total", Reward.From("t", _ => 1)));
        // Same name on two different tasks is one column.
        var routed = RewardMixture.Create()
            .Task("math", t => t.Add("rm", Reward.From("a", _ => 1)))
            .Task("chat", t => t.Add("rm", Reward.From("b", _ => 2)));
        var b = routed.Evaluate(Batch);
        Assert.Single(b.Components);
        Assert.Equal(new[] { 1.0, 2.0, 1.0, 2.0 }, b.Total);
    }

    [Fact]
    public void Text_forms_name_components()
    {
        var mix = RewardMixture.Create().Add("len", Reward.From("len", s => s.Response.Length), 0.5).Normalize();
        Assert.Contains("len×0.5", mix.ToString(), StringComparison.Ordinal);
        var text = mix.Evaluate(Batch).ToString();
        Assert.Contains("len", text, StringComparison.Ordinal);
        Assert.Contains("total", text, StringComparison.Ordinal);
    }
}
