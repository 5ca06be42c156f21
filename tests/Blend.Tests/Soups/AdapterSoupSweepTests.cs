using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Soups;

/// <summary>
/// Sweeps over soups of LoRA adapters: λ and the task-vector scale as axes, fronts with hypervolume against the experts; the
/// λ = 0/1 points are each adapter's merged model exactly (logits and rewards).
/// </summary>
[Collection("Torch")]
public class AdapterSoupSweepTests
{
    static PromptSet Prompts() => new(TinyPolicy.Corpus.Where((_, i) => i % 2 == 0).Take(3).Select((t, i) => new PromptItem($"p{i}", "chat", t)));

    static (Blend.Policy Base, Blend.Policy First, Blend.Policy Second, LoraAdapter A, LoraAdapter B) Experts()
    {
        var @base = Tiny(21);
        var first = @base.Clone();
        var second = @base.Clone();
        var a = Randomize(LoraAdapter.Attach(first, new LoraOptions { Rank = 2, Alpha = 4, TargetModules = ["c_attn"], Seed = 1 }), 31, std: 0.3);
        var b = Randomize(LoraAdapter.Attach(second, new LoraOptions { Rank = 4, Alpha = 4, TargetModules = ["c_attn", "c_fc"], Seed = 2 }), 32, std: 0.3);
        return (@base, first, second, a, b);
    }

    static AdapterSoup Scored(AdapterSoup soup) => soup.Named("vowels", "digits")
        .Objective("v", new CharShareReward("v", "aeiou")).Objective("d", new CharShareReward("d", "0123456789"))
        .Generation(new GenerationOptions { MaxNewTokens = 6 }).SamplesPerPrompt(2).WithSeed(4);

    [Fact]
    public void A_lambda_sweep_of_adapters_has_each_adapters_merged_model_at_its_ends_exactly()
    {
        var (@base, first, second, a, b) = Experts();
        try
        {
            var prompts = Prompts();
            var soup = Scored(AdapterSoup.Of(@base, a, b)).Lambdas(Lambda.Grid(5));
            var reported = new List<SoupPoint>();
            var sweep = soup.Sweep(prompts, new SyncPoints(reported.Add));
            Assert.Equal(sweep.Points, reported);
            Assert.Equal(5, sweep.Points.Count);
            Assert.Equal(["vowels", "digits"], sweep.Experts);
            Assert.Equal("lora_linear", sweep.Method);
            using var mergedA = a.Merge();
            using var mergedB = b.Merge();
            // λ = (1, 0) and (0, 1): the rewards of each merged expert, scored alone with the same settings
            Assert.Equal(soup.Score(mergedA, prompts), sweep.Points[0].Rewards);
            Assert.Equal(soup.Score(mergedB, prompts), sweep.Points[^1].Rewards);
            Assert.Equal(2, sweep.ExpertPoints.Count);
            // and the in-place mix of the sweep's target has the merged experts' logits bit for bit
            using var target = @base.Clone();
            soup.MixInto(target, [0.5, 0.5]);
            soup.MixInto(target, [1, 0]);
            using (var x = Logits(target)) using (var y = Logits(mergedA)) Assert.True(x.eq(y).all().item<bool>());
            soup.MixInto(target, [0, 1]);
            using (var x = Logits(target)) using (var y = Logits(mergedB)) Assert.True(x.eq(y).all().item<bool>());
            AssertSameWeights(mergedB, target);
            // the front and its hypervolume are over the soups, the experts' hypervolume over the two ends
            Assert.True(sweep.Hypervolume >= sweep.ExpertsHypervolume - 1e-12, sweep.ToString());
            Assert.Equal(ParetoFront.Of([sweep.Points[0].Rewards, sweep.Points[^1].Rewards]).Hypervolume(sweep.HypervolumeReference), sweep.ExpertsHypervolume, 12);
            Assert.True(sweep.Points.Select(p => p.Rewards[0]).Distinct().Count() > 1, "the soups differ");
        }
        finally { foreach (var p in new[] { @base, first, second }) p.Dispose(); }
    }

    [Fact]
    public void A_scale_sweep_reaches_the_base_at_zero_and_the_soup_at_one_and_scores_the_experts_apart()
    {
        var (@base, first, second, a, b) = Experts();
        try
        {
            var prompts = Prompts();
            var soup = Scored(AdapterSoup.Of(@base, a, b)).AlongScale([0, 0.5, 1, 1.5], 0.5, 0.5);
            var sweep = soup.Sweep(prompts);
            Assert.Equal("scale", sweep.Parameter);
            Assert.Equal([0, 0.5, 1, 1.5], sweep.Points.Select(p => p.Setting!.Value));
            Assert.Equal([0.75, 0.75], sweep.Points[3].Lambda);
            Assert.Equal(soup.Score(@base, prompts), sweep.Points[0].Rewards);   // s = 0: the base
            using (var half = soup.Mix(0.5, 0.5)) Assert.Equal(soup.Score(half, prompts), sweep.Points[2].Rewards);
            using (var mergedA = a.Merge()) Assert.Equal(soup.Score(mergedA, prompts), sweep.ExpertPoints[0].Rewards);
            using (var mergedB = b.Merge()) Assert.Equal(soup.Score(mergedB, prompts), sweep.ExpertPoints[1].Rewards);
            Assert.False(double.IsNaN(sweep.ExpertsHypervolume));
            Assert.Equal(4, sweep.Frame.RowCount);
        }
        finally { foreach (var p in new[] { @base, first, second }) p.Dispose(); }
    }

    [Fact]
    public void A_sweep_without_objectives_or_with_wrong_lambdas_is_refused()
    {
        var (@base, first, second, a, b) = Experts();
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => AdapterSoup.Of(@base, a, b).Sweep(Prompts()));
            Assert.Contains(".Objective(", e.Message, StringComparison.Ordinal);
            var wrong = Assert.Throws<InvalidOperationException>(() => Scored(AdapterSoup.Of(@base, a, b)).Lambdas(Lambda.Simplex(3)).Sweep(Prompts()));
            Assert.Contains("2 entries", wrong.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => AdapterSoup.Of(@base, a, b).AlongScale([1.0], 1, 0, 0));
        }
        finally { foreach (var p in new[] { @base, first, second }) p.Dispose(); }
    }

    sealed class SyncPoints(Action<SoupPoint> report) : IProgress<SoupPoint>
    {
        public void Report(SoupPoint value) => report(value);
    }
}
