namespace Blend.Tests.Policy;

/// <summary>
/// Tiny contexts: below <see cref="ModelConfig.MinContextLength"/> construction refuses with a message naming the field
/// (the issue saw <c>ArgumentOutOfRangeException (Parameter 'startingIndex')</c> at context 2); at the minimum, construction,
/// SFT, generation and a CGPO step all work.
/// </summary>
[Collection("Torch")]
public class ContextLengthTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_context_below_the_minimum_is_refused_at_construction_naming_the_field(int ctx)
    {
        var e = Assert.Throws<ArgumentException>(() => TinyPolicy.Create(1, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { ContextLength = ctx }));
        Assert.Contains($"GptConfig.ContextLength must be at least {ModelConfig.MinContextLength}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"(is {ctx})", e.Message, StringComparison.Ordinal);
        var llama = Assert.Throws<ArgumentException>(() => new LlamaConfig("llama") { VocabSize = 64, ContextLength = ctx, Width = 16, Heads = 2, KvHeads = 2, Layers = 1, IntermediateSize = 32 }.Validate());
        Assert.Contains("max_position_embeddings must be at least", llama.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_minimum_context_works_for_generation_scoring_sft_and_cgpo()
    {
        int ctx = ModelConfig.MinContextLength;
        using var policy = TinyPolicy.Create(3, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { ContextLength = ctx });
        var g = policy.Generate(["What is 23 + 45?"], new GenerationOptions { MaxNewTokens = 8 })[0];
        Assert.Equal([policy.Codec.Bos, policy.Codec.Sep], g.PromptTokens);
        Assert.Single(g.Tokens);
        using (var scores = policy.Score([g.PromptTokens], [g.Tokens])) Assert.Equal(1, scores.Lengths[0]);

        var sft = Sft.Train(policy, [new Sample("chat", "What is 23 + 45?", "The answer is 68.")], null, new SftOptions { Steps = 1, BatchSize = 1 });
        Assert.True(double.IsFinite(sft.Steps[^1].Loss));

        var prompts = new PromptSet([new PromptItem("a", "chat", "Name a color."), new PromptItem("b", "chat", "Say hello in French.")]);
        var result = global::Blend.Cgpo.Create(policy, seed: 1)
            .Task("chat", t => t.Prompts(prompts).Reward(Reward.From("len", s => s.Response.Length)).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 4).Steps(1).Train();
        Assert.True(double.IsFinite(Assert.Single(result.Metrics).Loss));
    }
}
