using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;
using static TorchSharp.torch;

namespace Blend.Tests.Soups;

/// <summary>Soups of LoRA adapters interpolate the weight deltas ΔWᵢ = (α/r)·Bᵢ·Aᵢ over one base; λ = 0 and 1 give each adapter's merged model exactly.</summary>
[Collection("Torch")]
public class AdapterSoupTests
{
    [Fact]
    public void A_soup_of_two_adapters_at_lambda_0_and_1_equals_each_adapters_merged_model_exactly()
    {
        using var @base = Tiny(21);
        using var first = @base.Clone();
        using var second = @base.Clone();
        // Two experts from the same base: one adapts attention only, the other attention and MLP, with different ranks.
        var a = Randomize(LoraAdapter.Attach(first, new LoraOptions { Rank = 2, Alpha = 4, TargetModules = ["c_attn"], Seed = 1 }), 31);
        var b = Randomize(LoraAdapter.Attach(second, new LoraOptions { Rank = 4, Alpha = 4, TargetModules = ["c_attn", "c_fc"], Seed = 2 }), 32);
        var soup = AdapterSoup.Of(@base, a, b);
        using var mergedA = a.Merge();
        using var mergedB = b.Merge();
        using (var at1 = soup.Mix(1, 0)) AssertSameWeights(mergedA, at1);
        using (var at0 = soup.Mix(0, 1)) AssertSameWeights(mergedB, at0);
        // and the adapted forward of each expert is its merged model's, to rounding
        using (var x = Logits(first)) using (var y = Logits(mergedA)) Assert.True(MaxAbsDiff(x, y) < 1e-5);

        // λ = ½: W + ½ΔA + ½ΔB on every target, and the base where neither adapts (c_proj).
        using var half = soup.Mix(0.5, 0.5);
        var w = @base.Model.state_dict();
        var h = half.Model.state_dict();
        var dA = a.Layers.ToDictionary(l => l.ParameterPrefix + ".weight", l => l.Delta());
        var dB = b.Layers.ToDictionary(l => l.ParameterPrefix + ".weight", l => l.Delta());
        foreach (var (name, t) in w)
        {
            var expected = t.clone();
            if (dA.TryGetValue(name, out var da)) expected.add_(da * 0.5);
            if (dB.TryGetValue(name, out var db)) expected.add_(db * 0.5);
            Assert.True(MaxAbsDiff(expected, h[name]) < 1e-6, name);
        }
        Assert.True(w["h.0.attn.c_proj.weight"].eq(h["h.0.attn.c_proj.weight"]).all().item<bool>());
        // Interpolating the factors instead is a different model: (½B₁+½B₂)(½A₁+½A₂) ≠ ½B₁A₁ + ½B₂A₂ (same rank needed to even try).
        var la = a.Layers[0];
        var lb = b.Layers[0];
        var factorMix = (0.5 * lb.B.Weight[.., ..2] + 0.5 * la.B.Weight).matmul(0.5 * lb.A.Weight[..2] + 0.5 * la.A.Weight);
        var deltaMix = 0.5 * la.B.Weight.matmul(la.A.Weight) + 0.5 * lb.B.Weight[.., ..2].matmul(lb.A.Weight[..2]);
        Assert.True(MaxAbsDiff(factorMix, deltaMix) > 1e-4);
    }

    [Fact]
    public void Lora_experts_fine_tuned_per_reward_keep_the_base_and_soup_into_a_plain_policy()
    {
        using var @base = Tiny(24);
        var prompts = new PromptSet(TinyPolicy.Corpus.Where((_, i) => i % 2 == 0).Select((t, i) => new PromptItem($"p{i}", "chat", t)));
        var recipe = new ExpertTrainingOptions { Steps = 2, PromptsPerStep = 2, SamplesPerPrompt = 2, MaxNewTokens = 4, LearningRate = 5e-3, Seed = 3, Lora = new LoraOptions { Rank = 2, TargetModules = ["c_attn", "c_fc"] } };
        var frozen = BaseSnapshot(@base);
        using var brief = ExpertTraining.FineTune(@base, Reward.Brevity(maxWords: 2), prompts, recipe);
        using var wordy = ExpertTraining.FineTune(@base, Reward.Detail(targetDistinctWords: 6), prompts, recipe);
        var a = LoraAdapter.Of(brief.Policy)!;
        var b = LoraAdapter.Of(wordy.Policy)!;
        AssertBitIdentical(frozen, brief.Policy);
        AssertBitIdentical(frozen, wordy.Policy);
        Assert.True(a.Layers.Any(l => l.B.Weight.abs().max().item<float>() > 0) && b.Layers.Any(l => l.B.Weight.abs().max().item<float>() > 0), "both adapters moved");
        using var soup = AdapterSoup.Of(@base, a, b).Mix(0.5, 0.5);
        Assert.Null(LoraAdapter.Of(soup));
        using var mergedA = a.Merge();
        using var at1 = AdapterSoup.Of(@base, a, b).Mix(1, 0);
        AssertSameWeights(mergedA, at1);
    }

    [Fact]
    public void A_soup_refuses_an_adapter_of_another_base_and_a_lambda_per_adapter_is_required()
    {
        using var @base = Tiny(22);
        using var other = Tiny(23);
        using var expert = @base.Clone();
        var good = LoraAdapter.Attach(expert, new LoraOptions { Rank = 2 });
        var foreign = LoraAdapter.Attach(other, new LoraOptions { Rank = 2 });
        var e = Assert.Throws<ArgumentException>(() => AdapterSoup.Of(@base, good, foreign));
        Assert.Contains("adapter 1", e.Message);
        Assert.Contains("another base", e.Message);
        Assert.Throws<ArgumentException>(() => AdapterSoup.Of(@base, good).Mix(0.5, 0.5));
        Assert.Throws<ArgumentException>(() => AdapterSoup.Of(expert, good));   // the base itself carries an adapter
        var s = Assert.Throws<ArgumentException>(() => Soup.Of(expert, @base));
        Assert.Contains("AdapterSoup", s.Message);
    }
}
