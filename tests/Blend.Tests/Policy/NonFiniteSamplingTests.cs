using static TorchSharp.torch;

namespace Blend.Tests.Policy;

/// <summary>
/// NaN or ±inf logits while sampling give Blend's non-finite message naming where (generation step; phase, task and step in
/// the trainer, the CGPO evaluation and the soup sweep), never torch's raw "probability tensor contains either inf, nan".
/// </summary>
[Collection("Torch")]
public class NonFiniteSamplingTests
{
    static Blend.Policy Poisoned(int seed)
    {
        var policy = TinyPolicy.Create(seed);
        using var noGrad = no_grad();
        foreach (var p in policy.Model.parameters()) p.fill_(double.NaN); // as a diverged update leaves them
        return policy;
    }

    static void NotTorchs(Exception e)
    {
        Assert.DoesNotContain("probability tensor", e.Message, StringComparison.Ordinal);
        Assert.Contains("not finite (NaN or ±inf)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Generation_from_nan_weights_names_the_step_whether_sampled_or_greedy(bool greedy, bool uncached)
    {
        using var policy = Poisoned(4);
        var e = Assert.Throws<NonFiniteSamplingException>(() => policy.Generate(["Name a color."], new GenerationOptions { MaxNewTokens = 4, Greedy = greedy, UseKvCache = !uncached }));
        NotTorchs(e);
        Assert.StartsWith("Policy.Generate (new token 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cgpo_evaluation_names_the_phase_and_task()
    {
        using var start = TinyPolicy.Create(5);
        using var poisoned = Poisoned(5);
        var prompts = new PromptSet([new PromptItem("a", "chat", "Name a color."), new PromptItem("b", "chat", "Say hello in French.")]);
        var run = global::Blend.Cgpo.Create(start, seed: 1)
            .Task("chat", t => t.Prompts(prompts).EvalPrompts(prompts).Reward(Reward.From("len", s => s.Response.Length)).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 4).Steps(1);
        var e = Assert.Throws<NonFiniteSamplingException>(() => run.Evaluate(poisoned));
        NotTorchs(e);
        Assert.StartsWith("Task 'chat', evaluation: Policy.Generate (new token 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Soup_sweep_names_the_lambda()
    {
        using var a = Poisoned(6);
        using var b = TinyPolicy.Create(7);
        var prompts = new PromptSet([new PromptItem("p1", "chat", "Name a color.")]);
        var soup = Soup.Of(a, b).Lambdas(Lambda.Of([1.0, 0.0])).Objective(Reward.From("len", s => s.Response.Length))
            .Generation(new GenerationOptions { MaxNewTokens = 4 });
        var e = Assert.ThrowsAny<InvalidOperationException>(() => soup.Sweep(prompts));
        NotTorchs(e);
        Assert.StartsWith("Soup.Sweep, λ = (1, 0): ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Policy.Generate (new token 1)", e.Message, StringComparison.Ordinal);
    }
}
