using System.Text.Json.Nodes;
using Blend.Models;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Models;

/// <summary>
/// Reward models in transformers' sequence-classification layout (<c>GPT2ForSequenceClassification</c>,
/// <c>LlamaForSequenceClassification</c>, <c>Qwen2ForSequenceClassification</c>: backbone + <c>score.weight</c>, no LM head),
/// against the NumPy reference of <c>tests/reference/hf_tiny.py</c>, which pools at the rightmost non-pad token as transformers does.
/// </summary>
[Collection("Torch")]
public class SequenceClassifierTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    public static TheoryData<string> Variants => new(TinyHuggingFace.RewardVariants);

    static (long[][] Rows, float[] Scores) Reference(string dir)
    {
        using var file = SafetensorsFile.Open(Path.Combine(dir, "reference.safetensors"));
        using var ids = file.Read("input_ids", CPU);
        using var scores = file.Read("scores", CPU);
        var flat = ids.data<long>().ToArray();
        int t = (int)ids.shape[1];
        return (Enumerable.Range(0, (int)ids.shape[0]).Select(i => flat[(i * t)..((i + 1) * t)]).ToArray(), scores.data<float>().ToArray());
    }

    /// <summary>Blend's scores of whole rows (as one prompt each, no response): read at the rightmost token that is not the pad id.</summary>
    static float[] Scores(RewardModel rm, long[][] rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prompts = rows.Select(r => (IReadOnlyList<int>)r.Select(i => (int)i).ToArray()).ToList();
        var responses = rows.Select(_ => (IReadOnlyList<int>)[]).ToList();
        return rm.Backbone.ScoreRewardHead(prompts, responses).data<float>().ToArray();
    }

    static string[] TensorNames(string dir)
    {
        using var f = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        return [.. f.Names];
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_transformers_sequence_classifier_loads_and_scores_as_the_numpy_reference(string variant)
    {
        var dir = hf.Dir(variant);
        Assert.DoesNotContain("lm_head.weight", TensorNames(dir));
        using var rm = RewardModel.Load(dir, CPU);
        Assert.True(rm.Backbone.Config.RewardHead);
        Assert.Equal(3, rm.Backbone.RewardPadId);        // config.json's pad_token_id, not the codec's
        var (rows, expected) = Reference(dir);
        Assert.Equal(3, rows[1][^1]);                      // the second row is right-padded
        var actual = Scores(rm, rows);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{variant} row {i}: NumPy {expected[i]} vs Blend {actual[i]}");
        Assert.True(Math.Abs(expected[0] - expected[1]) > 1e-3, "the two rows score apart");
        // The pooling position matters: the padded row read at its very last position (a pad) scores differently.
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var ids = tensor(rows[1], [1, rows[1].Length]);
            var atEnd = rm.Backbone.Model.Rewards(rm.Backbone.Model.Hidden(ids))[0, -1].item<float>();
            Assert.True(Math.Abs(atEnd - expected[1]) > 1e-3, "reading the pad position would give another score");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_bf16_sequence_classifier_scores_within_bf16_precision(string variant)
    {
        using var rm = RewardModel.Load(hf.Dir(variant, bf16: true), CPU);
        Assert.Equal(ScalarType.BFloat16, rm.Backbone.Model.DType);
        var (rows, expected) = Reference(hf.Dir(variant, bf16: true));
        var actual = Scores(rm, rows);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 0.05 * Math.Max(scale, 1), $"{variant} row {i}: NumPy {expected[i]} vs Blend bf16 {actual[i]}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Load_save_load_keeps_the_classifier_layout_and_every_tensor(string variant)
    {
        string a = TinyPolicy.TempDir(), b = TinyPolicy.TempDir();
        try
        {
            using var rm = RewardModel.Load(hf.Dir(variant), CPU);
            rm.Save(a);
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(a, "config.json")))!;
            var original = JsonNode.Parse(File.ReadAllText(Path.Combine(hf.Dir(variant), "config.json")))!;
            Assert.Equal((string?)original["architectures"]![0], (string?)config["architectures"]![0]);
            Assert.Equal(3, (int)config["pad_token_id"]!);
            var names = TensorNames(a);
            Assert.Contains("score.weight", names);
            Assert.DoesNotContain("lm_head.weight", names);
            using var again = RewardModel.Load(a, CPU);
            again.Save(b);
            using var third = RewardModel.Load(b, CPU);
            var x = rm.Backbone.Model.state_dict();
            foreach (var (name, t) in third.Backbone.Model.state_dict())
                Assert.True(t.eq(x[name]).all().item<bool>(), $"{variant}: {name} changed across load → save → load");
            // The independent reader scores Blend's saved folder as Blend does (Blend adds score.bias = 0, which transformers ignores).
            var (rows, expected) = Reference(hf.Dir(variant));
            var scored = TinyHuggingFace.Score(a, rows[1]);
            Assert.Equal(expected[1], (double)scored["score"]!, 4);
        }
        finally
        {
            foreach (var d in new[] { a, b }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void A_reward_model_trained_on_an_untied_llama_saves_without_an_lm_head_and_scores_alike_in_the_reference()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Load(hf.Dir("llama-linear-bias"), CPU);     // untied: the policy has lm_head
            using var rm = RewardModel.FromPolicy(policy, "rm", seed: 4);
            Assert.Throws<InvalidOperationException>(() => rm.Backbone.Model.Logits(zeros(1, rm.Backbone.Config.Width)));
            rm.Save(dir);
            Assert.DoesNotContain("lm_head.weight", TensorNames(dir));
            var ids = rm.Encode("Name a color.", "Blue.");
            var row = ids.Prompt.Concat(ids.Response).Select(i => (long)i).ToArray();
            var reference = (double)TinyHuggingFace.Score(dir, row)["score"]!;
            using var loaded = RewardModel.Load(dir, CPU);
            double bias;
            using (no_grad()) bias = loaded.Backbone.Model.state_dict()["reward_head.bias"].item<float>();
            Assert.Equal(reference + bias, loaded.Score([new Sample("chat", "Name a color.", "Blue.")])[0], 4);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_causal_lm_labelled_as_a_classifier_is_refused_before_building_it()
    {
        var dir = hf.Copy("qwen2-bias");
        try
        {
            TinyHuggingFace.EditConfig(dir, c => c["architectures"] = new JsonArray("Qwen2ForSequenceClassification"));
            var e = Assert.Throws<FormatException>(() => RewardModel.Load(dir, CPU));
            Assert.Contains("no reward head 'score.weight'", e.Message, StringComparison.Ordinal);
            Assert.Contains("'lm_head.weight', a causal LM's head", e.Message, StringComparison.Ordinal);
            Assert.Contains("RewardModel.FromPolicy", e.Message, StringComparison.Ordinal);
            Assert.Contains("checked before building the model", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("llama-gqa-untied-reward", "LlamaForCausalLM")]
    [InlineData("gpt2-reward", "GPT2LMHeadModel")]
    public void A_classifier_labelled_as_a_causal_lm_is_refused_naming_its_head(string variant, string causal)
    {
        var dir = hf.Copy(variant);
        try
        {
            TinyHuggingFace.EditConfig(dir, c =>
            {
                c["architectures"] = new JsonArray(causal);
                foreach (var key in new[] { "id2label", "label2id" }) c.Remove(key);
            });
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir, CPU));
            Assert.Contains("tensor 'score.weight' is a reward model's head", e.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(dir, "model.safetensors"), e.Message, StringComparison.Ordinal);
            Assert.Contains("RewardModel.Load", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_reward_model_does_not_load_as_a_policy(string variant)
    {
        var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(hf.Dir(variant), CPU));
        Assert.Contains("load it with RewardModel.Load", e.Message, StringComparison.Ordinal);
    }
}
