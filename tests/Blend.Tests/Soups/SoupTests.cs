using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Soups;

[Collection("Torch")]
public class SoupTests
{
    /// <summary>A policy's logits on one fixed (prompt, response) pair: what soups and model tests compare.</summary>
    internal static float[] Logits(Blend.Policy policy)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = policy.Codec.EncodeChat("What is 23 + 45?", "The answer is 68.").Ids.Select(i => (long)i).ToArray();
        return policy.Model.forward(tensor(ids, [1, ids.Length], device: policy.Device)).data<float>().ToArray();
    }

    [Fact]
    public void Interpolating_two_models_at_lambda_0_and_1_reproduces_each_models_logits_exactly()
    {
        using var a = TinyPolicy.Create(21);
        using var b = TinyPolicy.Create(22);
        Assert.NotEqual(Logits(a), Logits(b));
        var soup = Soup.Of(a, b);
        using (var first = soup.Mix(1, 0)) Assert.Equal(Logits(a), Logits(first));
        using (var second = soup.Mix(0, 1)) Assert.Equal(Logits(b), Logits(second));
        using var half = soup.Mix(0.5, 0.5);
        var mid = Logits(half);
        Assert.NotEqual(Logits(a), mid);
        Assert.NotEqual(Logits(b), mid);
    }

    [Fact]
    public void Task_arithmetic_soup_with_a_base_on_the_simplex_equals_the_linear_soup()
    {
        using var sft = TinyPolicy.Create(34);
        using var a = TinyPolicy.Create(35);
        using var b = TinyPolicy.Create(36);
        using var linear = Soup.Of(a, b).Mix(0.25, 0.75);
        using var viaBase = Soup.Of(a, b).Method(Merge.TaskArithmetic()).Base(sft).Mix(0.25, 0.75);
        using var viaFactory = Soup.Of(a, b).Method(Merge.TaskArithmetic(sft)).Mix(0.25, 0.75);
        var expected = Logits(linear);
        foreach (var actual in new[] { Logits(viaBase), Logits(viaFactory) })
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"logit {i}: {expected[i]} vs {actual[i]}");
        // Half of each task vector moves away from the base: θ₀ + ½τ₁ differs from both.
        using var half = Soup.Of(a, b).Method(Merge.TaskArithmetic(sft)).Mix(0.5, 0);
        Assert.NotEqual(Logits(sft), Logits(half));
        Assert.NotEqual(Logits(a), Logits(half));
    }

    [Fact]
    public void Soup_from_checkpoints_streams_the_same_weights_as_in_memory()
    {
        var dirA = TinyPolicy.TempDir();
        var dirB = TinyPolicy.TempDir();
        try
        {
            using var a = TinyPolicy.Create(23);
            using var b = TinyPolicy.Create(24);
            a.Save(dirA);
            b.Save(dirB);
            using (var onDisk = Soup.Of(dirA, dirB).Mix(0, 1)) Assert.Equal(Logits(b), Logits(onDisk));
            using var fromDisk = Soup.Of(dirA, dirB).Mix(0.3, 0.7);
            using var inMemory = Soup.Of(a, b).Mix(0.3, 0.7);
            Assert.Equal(Logits(inMemory), Logits(fromDisk));
        }
        finally
        {
            if (Directory.Exists(dirA)) Directory.Delete(dirA, true);
            if (Directory.Exists(dirB)) Directory.Delete(dirB, true);
        }
    }

    [Fact]
    public void A_mismatched_pair_of_checkpoints_gives_an_error_that_names_the_tensor()
    {
        var dirA = TinyPolicy.TempDir();
        var dirB = TinyPolicy.TempDir();
        try
        {
            using (var a = TinyPolicy.Create(25)) a.Save(dirA);
            using (var b = TinyPolicy.Create(26, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { Width = 32 })) b.Save(dirB);
            // The configs differ first (named with both folders); allowed, the tensors still cannot line up.
            var c0 = Assert.Throws<ArgumentException>(() => Soup.Of(dirA, dirB).Mix(0.5, 0.5));
            Assert.Contains("different model configs (n_embd 64 vs 32)", c0.Message, StringComparison.Ordinal);
            Assert.Contains(dirA, c0.Message, StringComparison.Ordinal);
            Assert.Contains(dirB, c0.Message, StringComparison.Ordinal);
            var e = Assert.Throws<ArgumentException>(() => Soup.Of(dirA, dirB).AllowDifferentConfigs().Mix(0.5, 0.5));
            Assert.Contains("tensor 'wte.weight' has shape [" + TinyPolicy.Codec.VocabSize + ", 64]", e.Message, StringComparison.Ordinal);
            Assert.Contains(", 32] in '", e.Message, StringComparison.Ordinal);
            // A missing layer is named too.
            using (var c = TinyPolicy.Create(27, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { Layers = 1 })) c.Save(dirB);
            var e2 = Assert.Throws<ArgumentException>(() => Soup.Of(dirA, dirB).AllowDifferentConfigs().Mix(0.5, 0.5));
            Assert.Matches("tensor 'h\\.1\\.[^']+' is in '.*' but missing from", e2.Message);
        }
        finally
        {
            if (Directory.Exists(dirA)) Directory.Delete(dirA, true);
            if (Directory.Exists(dirB)) Directory.Delete(dirB, true);
        }
    }

    sealed class CharShare(string name, string chars) : IRewardModel
    {
        public string Name => name;
        public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples) =>
            samples.Select(s => s.Response.Length == 0 ? 0.0 : s.Response.Count(chars.Contains) / (double)s.Response.Length).ToList();
    }

    [Fact]
    public void Sweep_returns_a_frame_per_lambda_and_a_front_that_no_point_dominates()
    {
        using var a = TinyPolicy.Create(28);
        using var b = TinyPolicy.Create(29);
        var prompts = new PromptSet([new PromptItem("p1", "chat", "Name a color."), new PromptItem("p2", "chat", "Say hello in French.")]);
        var sweep = Soup.Of(a, b).Named("a", "b")
            .Lambdas(Lambda.Grid(steps: 5))
            .Objective(new CharShare("vowels", "aeiou"))
            .Objective(new CharShare("digits", "0123456789"))
            .Generation(new GenerationOptions { MaxNewTokens = 6 })
            .SamplesPerPrompt(2)
            .Sweep(prompts);
        Assert.Equal(5, sweep.Points.Count);
        var frame = sweep.Frame;
        Assert.Equal(5, frame.RowCount);
        Assert.Equal(new[] { "lambda_0", "lambda_1", "vowels", "digits", "pareto" }, frame.ColumnKeys.ToArray());
        Assert.Equal(0.25, frame.GetColumn<double>("lambda_1").Get(1), 12);
        Assert.InRange(sweep.Front.Count, 1, 5);
        foreach (var i in sweep.Front.Indices)
            Assert.DoesNotContain(sweep.Points, p => ParetoFront.Dominates(p.Rewards, sweep.Points[i].Rewards));
        Assert.True(sweep.Hypervolume >= 0);
        // Sweeping is deterministic: common random numbers for every λ, the same seed gives the same frame.
        var again = Soup.Of(a, b).Lambdas(Lambda.Grid(steps: 5)).Objective(new CharShare("vowels", "aeiou")).Objective(new CharShare("digits", "0123456789"))
            .Generation(new GenerationOptions { MaxNewTokens = 6 }).SamplesPerPrompt(2).Sweep(prompts);
        Assert.Equal(sweep.Points.SelectMany(p => p.Rewards), again.Points.SelectMany(p => p.Rewards));
    }

    [Fact]
    public void Interpolation_path_records_loss_and_is_exact_at_the_endpoints()
    {
        using var a = TinyPolicy.Create(32);
        using var b = TinyPolicy.Create(33);
        var prompts = new PromptSet([new PromptItem("p1", "chat", "Name a color.")]);
        var texts = new PromptSet([new PromptItem("t1", "chat", "Name a color."), new PromptItem("t2", "chat", "Say hello in French.")], ["Blue.", "Bonjour!"]);
        var path = Soup.Of(a, b).Lambdas(Lambda.Grid(steps: 3)).Objective(new CharShare("vowels", "aeiou"))
            .Generation(new GenerationOptions { MaxNewTokens = 4 }).SamplesPerPrompt(1).Loss(texts).Path(prompts);
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, path.Lambda);
        Assert.Equal(SoupEvaluation.Nll(a, texts), path.Sweep.Points[0].Nll!.Value, 6);
        Assert.Equal(SoupEvaluation.Nll(b, texts), path.Sweep.Points[2].Nll!.Value, 6);
        Assert.Equal(0, path.LossGaps![0], 12);
        Assert.Equal(0, path.LossGaps![2], 12);
        Assert.Equal(0, path.RewardGaps[0][2], 12);
        Assert.Contains("gap_nll", path.Frame.ColumnKeys);
        Assert.Contains("nll", path.Sweep.Frame.ColumnKeys);
    }

    [Fact]
    public void Sweep_names_the_missing_part()
    {
        using var a = TinyPolicy.Create(30);
        var prompts = new PromptSet([new PromptItem("p1", "chat", "Name a color.")]);
        var e = Assert.Throws<InvalidOperationException>(() => Soup.Of(a, a).Sweep(prompts));
        Assert.Contains(".Objective(", e.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<InvalidOperationException>(() => Soup.Of(a, a).Objective(new CharShare("v", "aeiou")).Lambdas(Lambda.Simplex(3)).Sweep(prompts));
        Assert.Contains("3 entries for 2 experts", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<InvalidOperationException>(() => Soup.Of(a, a).Method(Merge.Ties(0.5)).Mix(0.5, 0.5));
        Assert.Contains(".Base(", e3.Message, StringComparison.Ordinal);
    }
}
