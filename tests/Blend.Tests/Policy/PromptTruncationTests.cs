using System.Text;

namespace Blend.Tests.Policy;

/// <summary>
/// A prompt longer than the room the context leaves it is truncated from the left (first token and last tokens kept), up
/// front, wherever it enters a model: generation, policy scoring, the reward model and SFT. A megabyte of prompt finishes
/// within a deadline (the issue saw generation hang for 600 s).
/// </summary>
[Collection("Torch")]
public class PromptTruncationTests
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(90); // a loaded 2-core box; linear tokenization of 1 MB takes about a second

    [Fact]
    public void KeepEnd_keeps_the_first_and_the_last_tokens()
    {
        int[] ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal([1, 8, 9, 10], PromptTruncation.KeepEnd(ids, 4));
        Assert.Equal([1, 10], PromptTruncation.KeepEnd(ids, 2));
        Assert.Same(ids, PromptTruncation.KeepEnd(ids, 10));
        Assert.Same(ids, PromptTruncation.KeepEnd(ids, 11));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PromptTruncation.KeepEnd(ids, 1));
        Assert.Contains("at least its first and last token", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("letter")]
    [InlineData("newlines")]
    public void A_megabyte_prompt_is_truncated_from_the_left_before_generation(string shape)
    {
        using var policy = TinyPolicy.Create(7);
        const string question = " What is 23 + 45?";
        var filler = shape == "letter" ? new string('a', 1 << 20) : new string('\n', 1 << 20); // no spaces at all; only newlines
        int ctx = policy.Config.ContextLength, maxNew = 4;
        var g = Deadline.Run(() => policy.Generate([filler + question], new GenerationOptions { MaxNewTokens = maxNew, Seed = 3 })[0], Limit,
            () => $"generation from a 1 MB '{shape}' prompt took over {Limit.TotalSeconds} s");
        Assert.Equal(ctx - maxNew, g.PromptTokens.Count);
        Assert.Equal(policy.Codec.Bos, g.PromptTokens[0]);
        Assert.Equal(policy.Codec.Sep, g.PromptTokens[^1]);
        if (shape == "letter")
        {
            // the kept tokens are the end of the whole prompt's encoding (a run of one letter is cut every TextChunks.MaxRun
            // characters from its start, so its last 4096 letters encode as they do inside the megabyte)
            var tail = policy.Codec.EncodeChat(filler[..4096] + question).PromptIds;
            Assert.Equal(tail.Skip(tail.Count - (ctx - maxNew - 1)), g.PromptTokens.Skip(1));
        }
        Assert.InRange(g.Tokens.Count, 1, maxNew);
        // generating from the truncated ids directly gives the same answer: nothing but the rule changed the prompt
        var again = policy.GenerateFrom([g.PromptTokens], new GenerationOptions { MaxNewTokens = maxNew, Seed = 3 })[0];
        Assert.Equal(g.Tokens, again.Tokens);
    }

    [Fact]
    public void Scoring_truncates_a_long_prompt_by_the_same_rule_and_refuses_a_response_without_room()
    {
        using var policy = TinyPolicy.Create(8);
        int ctx = policy.Config.ContextLength;
        var prompt = policy.Codec.EncodeChat(string.Concat(Enumerable.Repeat("Name a color. ", 200))).PromptIds;
        var response = policy.Codec.EncodeResponse("Blue.");
        Assert.True(prompt.Count + response.Count > ctx);
        using var scores = policy.Score([prompt], [response]);
        using var expected = policy.Score([PromptTruncation.KeepEnd(prompt, ctx - response.Count)], [response]);
        Assert.Equal(expected.SequenceLogProbs.data<float>().ToArray(), scores.SequenceLogProbs.data<float>().ToArray());
        var tooLong = Enumerable.Repeat(response[0], ctx - 1).ToArray();
        var e = Assert.Throws<ArgumentException>(() => policy.Score([prompt], [tooLong]));
        Assert.Contains($"response 0 has {ctx - 1} tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_megabyte_prompt_and_response_through_the_reward_model_finish_and_keep_the_ends()
    {
        var codec = TinyPolicy.Codec;
        using var rm = RewardModel.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 32 }, seed: 2);
        var big = new string('\n', 1 << 20);
        var scores = Deadline.Run(() => rm.Score([new Sample("chat", big + "Name a color.", "Blue."), new Sample("chat", "Name a color.", big)]), Limit,
            () => $"reward model on a 1 MB input took over {Limit.TotalSeconds} s");
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        var (p, r) = rm.Encode(big + "Name a color.", "Blue.");
        Assert.Equal(32, p.Count + r.Count);
        Assert.Equal(codec.EncodeResponse("Blue."), r);                          // the response is whole
        Assert.Equal(codec.Bos, p[0]);                                           // the prompt: BOS + its end
        Assert.Equal(codec.EncodeChat("Name a color.").PromptIds.Skip(1), p.TakeLast(codec.EncodeChat("Name a color.").PromptIds.Count - 1));
        var (p2, r2) = rm.Encode("Name a color.", big);
        Assert.Equal([codec.Bos, codec.Sep], p2);                                // a response with no room keeps its end
        Assert.Equal(codec.Eos, r2[^1]);
        Assert.Equal(32, p2.Count + r2.Count);
    }

    [Fact]
    public void Sft_truncates_a_long_prompt_from_the_left_and_still_learns_the_response()
    {
        using var policy = TinyPolicy.Create(9, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { ContextLength = 24 });
        var longPrompt = new StringBuilder().Insert(0, "Say hello in French. ", 300).ToString();
        var train = new[] { new Sample("chat", longPrompt, "Bonjour!") };
        var result = Sft.Train(policy, train, null, new SftOptions { Steps = 2, BatchSize = 1, Seed = 1 });
        Assert.All(result.Steps, s => Assert.True(double.IsFinite(s.Loss)));
    }
}
