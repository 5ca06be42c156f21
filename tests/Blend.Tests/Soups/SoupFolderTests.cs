using System.Text.Json.Nodes;
using Blend.Tests.Models;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Soups;

/// <summary>Soups of checkpoint folders (Blend's and Hugging Face's, sharded or not), and the refusal to soup experts whose tokenizers or configs differ.</summary>
[Collection("Torch")]
public class SoupFolderTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    static void Delete(params string[] dirs)
    {
        foreach (var d in dirs) if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    [Fact]
    public void A_soup_of_a_hugging_face_folder_and_a_sharded_blend_save_equals_the_in_memory_soup()
    {
        var sharded = TinyPolicy.TempDir();
        try
        {
            using var a = Blend.Policy.Load(hf.Dir("gpt2"), CPU);   // written by the reference script, not by Blend
            using var b = a.Clone();
            using (no_grad()) foreach (var (_, t) in b.Model.state_dict()) t.mul_(0.5).add_(0.01);
            b.Save(sharded, maxShardBytes: 30_000);
            Assert.True(File.Exists(Path.Combine(sharded, "model.safetensors.index.json")));
            using var fromFolders = Soup.Of(hf.Dir("gpt2"), sharded).Mix(0.3, 0.7);
            using var inMemory = Soup.Of(a, b).Mix(0.3, 0.7);
            Assert.IsType<Blend.Models.Gpt2>(fromFolders.Model);
            var x = fromFolders.Model.state_dict();
            foreach (var (name, t) in inMemory.Model.state_dict())
                Assert.True(t.eq(x[name]).all().item<bool>(), $"{name}: max |diff| {(t - x[name]).abs().max().item<float>()}");
            Assert.Equal(SoupTests.Logits(inMemory), SoupTests.Logits(fromFolders));
            // a folder mixes with an in-memory base too (names are the model's parameter names on both sides)
            using var viaBase = Soup.Of(sharded, sharded).Method(Merge.TaskArithmetic()).Base(a).Mix(0.5, 0.5);
            var (expected, actual) = (SoupTests.Logits(b), SoupTests.Logits(viaBase));   // θ₀ + ½(θ_b − θ₀) + ½(θ_b − θ₀) = θ_b up to rounding
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"logit {i}: {expected[i]} vs {actual[i]}");
        }
        finally { Delete(sharded); }
    }

    [Fact]
    public void Experts_whose_tokenizers_differ_are_refused_naming_both_folders_unless_allowed()
    {
        string dirA = TinyPolicy.TempDir(), dirB = TinyPolicy.TempDir();
        try
        {
            using (var a = TinyPolicy.Create(50)) a.Save(dirA);
            using (var b = TinyPolicy.Create(51)) b.Save(dirB);
            // B's tokenizer: the same vocabulary size, two ids swapped — equal shapes, different meanings (hand-edited, so no manifest).
            var path = Path.Combine(dirB, "tokenizer.json");
            var codec = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var map = codec["compact"]!.AsArray();
            var (first, second) = ((int)map[0]!, (int)map[1]!);
            map[0] = second;
            map[1] = first;
            File.WriteAllText(path, codec.ToJsonString());
            File.Delete(Path.Combine(dirB, "manifest.json"));
            using (var loadedB = Blend.Policy.Load(dirB)) Assert.NotEqual(TinyPolicy.Codec.Identity, loadedB.Codec.Identity);

            var e = Assert.Throws<ArgumentException>(() => Soup.Of(dirA, dirB).Mix(0.5, 0.5));
            Assert.Contains("different tokenizers (compact map)", e.Message, StringComparison.Ordinal);
            Assert.Contains(dirA, e.Message, StringComparison.Ordinal);
            Assert.Contains(dirB, e.Message, StringComparison.Ordinal);
            Assert.Contains("AllowDifferentTokenizers", e.Message, StringComparison.Ordinal);
            // in memory too, and for the base model of a task-vector merge
            using var pa = Blend.Policy.Load(dirA);
            using var pb = Blend.Policy.Load(dirB);
            Assert.Throws<ArgumentException>(() => Soup.Of(pa, pb).Mix(0.5, 0.5));
            var viaBase = Assert.Throws<ArgumentException>(() => Soup.Of(dirA, dirA).Method(Merge.TaskArithmetic()).Base(dirB).Mix(0.5, 0.5));
            Assert.Contains("'base'", viaBase.Message, StringComparison.Ordinal);

            using var allowed = Soup.Of(dirA, dirB).AllowDifferentTokenizers().Mix(0.5, 0.5);
            Assert.Equal(TinyPolicy.Codec.Identity, allowed.Codec.Identity);   // the first expert's tokenizer
            // the same tokenizer saved and loaded again is the same identity (no false refusal)
            using var same = Soup.Of(dirA, dirA).Mix(0.5, 0.5);
        }
        finally { Delete(dirA, dirB); }
    }

    [Fact]
    public void A_hugging_face_tokenizer_differs_from_blends_codec_and_equals_itself()
    {
        var dir = hf.Copy("qwen2-bias");
        try
        {
            using var blendCodec = Blend.Policy.Load(dir, CPU);
            // Replace Blend's codec with a tiny Hugging Face tokenizer.json (byte-level BPE over 160 ids).
            var vocab = new JsonObject();
            for (int i = 0; i < 160; i++) vocab[((char)(0x100 + i)).ToString()] = i;
            var tokenizer = new JsonObject
            {
                ["version"] = "1.0", ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 159, ["content"] = "<|end|>", ["special"] = true, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false }),
                ["normalizer"] = null, ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
                ["post_processor"] = null, ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
                ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
            };
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tokenizer.ToJsonString());
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"eos_token\": \"<|end|>\"}");
            TextCodec hfCodec;
            try { hfCodec = TextCodec.FromHuggingFace(dir); }
            catch (FormatException e) { Assert.Fail("the hand-made tokenizer.json should load: " + e.Message); return; }
            Assert.Equal(hfCodec.Identity, TextCodec.FromHuggingFace(dir).Identity);
            Assert.NotEqual(blendCodec.Codec.Identity, hfCodec.Identity);
            var diff = TextCodec.Difference(blendCodec.Codec, hfCodec);
            Assert.Contains("base tokenizer", diff, StringComparison.Ordinal);
        }
        finally { Delete(dir); }
    }
}
