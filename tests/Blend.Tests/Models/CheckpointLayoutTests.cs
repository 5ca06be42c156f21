using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Models;

/// <summary>
/// Every Blend checkpoint is a Hugging Face model folder: Blend's own GPT, reward models (as <c>…ForSequenceClassification</c>)
/// and value heads; load → save → load keeps every tensor; folders of the earlier <c>blend-policy/1</c> layout still load; a
/// reward model and a policy each name the other's loader; an independent NumPy reader of the transformers layout agrees.
/// </summary>
[Collection("Torch")]
public class CheckpointLayoutTests(TinyHuggingFace hf) : IClassFixture<TinyHuggingFace>
{
    static JsonObject Config(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();

    static IReadOnlyList<string> TensorNames(string dir)
    {
        using var f = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        return f.Names;
    }

    static void AssertSameTensors(Blend.Policy a, Blend.Policy b)
    {
        var x = a.Model.state_dict();
        var y = b.Model.state_dict();
        Assert.Equal(x.Keys, y.Keys);
        foreach (var (name, t) in x)
        {
            Assert.Equal(t.dtype, y[name].dtype);
            Assert.True(t.eq(y[name]).all().item<bool>(), $"tensor {name} differs");
        }
    }

    static void Delete(params string[] dirs)
    {
        foreach (var d in dirs) if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    [Fact]
    public void Blends_gpt_saves_the_hugging_face_layout_and_load_save_load_keeps_every_tensor()
    {
        string a = TinyPolicy.TempDir(), b = TinyPolicy.TempDir();
        try
        {
            using var policy = TinyPolicy.Create(40, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { ValueHead = true, Positions = GptPositions.Rotary, TieEmbeddings = false });
            policy.Save(a);
            var cfg = Config(a);
            Assert.Equal("blend_gpt", (string?)cfg["model_type"]);
            Assert.Equal("BlendGptForCausalLM", (string?)cfg["architectures"]![0]);
            Assert.Equal("float32", (string?)cfg["torch_dtype"]);
            Assert.Equal("rotary", (string?)cfg["position_embedding_type"]);
            Assert.True((bool)cfg["blend_value_head"]!);
            Assert.Null(cfg["format"]);
            Assert.Contains("v_head.summary.weight", TensorNames(a));   // TRL's name for a value head
            Assert.Contains("lm_head.weight", TensorNames(a));
            Assert.Equal("policy", CheckpointFolder.Kind(a));
            using var once = Blend.Policy.Load(a, CPU);
            Assert.Equal(policy.Config, once.Config);
            AssertSameTensors(policy, once);
            once.Save(b);
            using var twice = Blend.Policy.Load(b, CPU);
            AssertSameTensors(policy, twice);
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
            Assert.Equal(File.ReadAllText(Path.Combine(a, "config.json")), File.ReadAllText(Path.Combine(b, "config.json")));
        }
        finally { Delete(a, b); }
    }

    [Fact]
    public void Sharded_saves_write_an_index_and_load_back_the_same_tensors()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = TinyPolicy.Create(41);
            policy.Save(dir, maxShardBytes: 40_000);
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.safetensors.index.json")))!;
            var shards = index["weight_map"]!.AsObject().Select(kv => (string)kv.Value!).Distinct().ToList();
            Assert.True(shards.Count > 1, $"{shards.Count} shard(s)");
            Assert.All(shards, s => Assert.Matches(@"^model-\d{5}-of-\d{5}\.safetensors$", s));
            Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")));
            using var loaded = Blend.Policy.Load(dir, CPU);
            AssertSameTensors(policy, loaded);
            using var set = WeightSet.Load(dir);
            using var live = WeightSet.FromPolicy(policy);
            Assert.Equal(live.Tensors.Select(t => t.Name).Order(), set.Tensors.Select(t => t.Name).Order());
            foreach (var t in live.Tensors)
            {
                using var x = set.Read(t.Name, CPU);
                using var y = live.Read(t.Name, CPU);
                Assert.True(x.eq(y).all().item<bool>(), t.Name);
            }
        }
        finally { Delete(dir); }
    }

    [Fact]
    public void A_reward_model_is_saved_as_a_sequence_classifier_and_round_trips()
    {
        string a = TinyPolicy.TempDir(), b = TinyPolicy.TempDir();
        try
        {
            using var policy = TinyPolicy.Create(42);
            using var rm = RewardModel.FromPolicy(policy, "helpful", seed: 3);
            using (no_grad()) rm.Backbone.Model.state_dict()["reward_head.bias"].fill_(0.25);
            rm.Save(a);
            var cfg = Config(a);
            Assert.Equal("BlendGptForSequenceClassification", (string?)cfg["architectures"]![0]);
            Assert.Equal("LABEL_0", (string?)cfg["id2label"]!["0"]);
            Assert.Equal(TinyPolicy.Codec.Pad, (int)cfg["pad_token_id"]!);
            Assert.Contains("score.weight", TensorNames(a));
            Assert.DoesNotContain(TensorNames(a), n => n.StartsWith("reward_head", StringComparison.Ordinal));
            Assert.Equal("reward-model", CheckpointFolder.Kind(a));
            using var once = RewardModel.Load(a, CPU);
            AssertSameTensors(rm.Backbone, once.Backbone);
            once.Save(b);
            using var twice = RewardModel.Load(b, CPU);
            AssertSameTensors(rm.Backbone, twice.Backbone);
            Assert.Equal("helpful", twice.Name);
            var samples = new[] { new Sample("chat", "Name a color.", "Blue."), new Sample("chat", "Say hello in French.", "Bonjour!") };
            Assert.Equal(rm.Score(samples), twice.Score(samples));
        }
        finally { Delete(a, b); }
    }

    [Fact]
    public void A_reward_model_and_a_policy_each_name_the_others_loader()
    {
        string rmDir = TinyPolicy.TempDir(), policyDir = TinyPolicy.TempDir();
        try
        {
            using (var policy = TinyPolicy.Create(43))
            {
                policy.Save(policyDir);
                using var rm = RewardModel.FromPolicy(policy, "r");
                rm.Save(rmDir);
            }
            // with and without the manifest (a folder another tool wrote has none): config.json alone says what it is
            foreach (var manifest in new[] { true, false })
            {
                if (!manifest) { File.Delete(Path.Combine(rmDir, "manifest.json")); File.Delete(Path.Combine(policyDir, "manifest.json")); }
                var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(rmDir));
                Assert.Contains("load it with RewardModel.Load", e.Message, StringComparison.Ordinal);
                var f = Assert.Throws<FormatException>(() => RewardModel.Load(policyDir));
                Assert.Contains("load it with Policy.Load", f.Message, StringComparison.Ordinal);
                Assert.Contains("RewardModel.FromPolicy", f.Message, StringComparison.Ordinal);
            }
        }
        finally { Delete(rmDir, policyDir); }
    }

    [Fact]
    public void A_folder_of_the_earlier_blend_policy_layout_still_loads_and_saves_in_the_new_one()
    {
        string legacy = TinyPolicy.TempDir(), resaved = TinyPolicy.TempDir();
        try
        {
            using var rm = RewardModel.FromPolicy(TinyPolicy.Create(44, GptConfig.Tiny(TinyPolicy.Codec.VocabSize) with { Positions = GptPositions.Rotary }), "old", seed: 2);
            // Written exactly as Blend wrote checkpoints before the Hugging Face layout: parameter names, a "format" config, reward.json.
            Directory.CreateDirectory(legacy);
            var config = rm.Backbone.Config;
            var json = new JsonObject
            {
                ["format"] = "blend-policy/1", ["dtype"] = "F32", ["parameters"] = rm.Backbone.Model.ParameterCount,
                ["config"] = JsonSerializer.SerializeToNode(config, config.GetType(), new JsonSerializerOptions { WriteIndented = true }),
            };
            File.WriteAllText(Path.Combine(legacy, "config.json"), json.ToJsonString());
            Safetensors.Write(Path.Combine(legacy, "model.safetensors"), rm.Backbone.Model.state_dict().Select(kv => new NamedTensor(kv.Key, kv.Value)));
            rm.Backbone.Codec.Save(legacy);
            File.WriteAllText(Path.Combine(legacy, "reward.json"), "{\"format\": \"blend-reward/1\", \"name\": \"old\", \"head\": \"last-token\"}");
            Assert.Contains("reward_head.bias", TensorNames(legacy));

            using var loaded = RewardModel.Load(legacy, CPU);
            Assert.Equal(config, loaded.Backbone.Config);
            AssertSameTensors(rm.Backbone, loaded.Backbone);
            loaded.Save(resaved);
            Assert.Equal("blend_gpt", (string?)Config(resaved)["model_type"]);
            using var again = RewardModel.Load(resaved, CPU);
            AssertSameTensors(rm.Backbone, again.Backbone);
            Assert.Equal("old", again.Name);
        }
        finally { Delete(legacy, resaved); }
    }

    [Fact]
    public void A_classifier_with_more_than_one_label_is_refused_naming_the_field()
    {
        var dir = hf.Copy("qwen2-bias");
        try
        {
            var path = Path.Combine(dir, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            config["architectures"] = new JsonArray("Qwen2ForSequenceClassification");
            config["id2label"] = new JsonObject { ["0"] = "NEG", ["1"] = "POS" };
            File.WriteAllText(path, config.ToJsonString());
            var e = Assert.Throws<FormatException>(() => RewardModel.Load(dir, CPU));
            Assert.Contains("2 labels", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally { Delete(dir); }
    }

    static long[] Ids(int count, int vocab) => Enumerable.Range(0, count).Select(i => (long)(7 + 13 * i) % vocab).ToArray();

    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2-bias")]
    public void An_independent_reader_of_the_transformers_layout_computes_blends_scores_and_logits(string variant)
    {
        string rmDir = TinyPolicy.TempDir(), policyDir = TinyPolicy.TempDir();
        try
        {
            using var backbone = Blend.Policy.Load(hf.Dir(variant), CPU);
            var ids = Ids(9, backbone.Config.VocabSize);
            // A policy Blend saved (sharded): the script's logits at the last position are Blend's.
            backbone.Save(policyDir, maxShardBytes: 30_000);
            var reference = TinyHuggingFace.Score(policyDir, ids);
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var logits = backbone.Model.forward(tensor(ids, [1, ids.Length]))[0, -1].data<float>().ToArray();
                var expected = reference["logits"]!.AsArray().Select(n => (double)n!).ToArray();
                Assert.Equal(expected.Length, logits.Length);
                for (int i = 0; i < logits.Length; i++) Assert.True(Math.Abs(expected[i] - logits[i]) < 1e-4, $"logit {i}: {expected[i]} vs {logits[i]}");
            }
            // A reward model: transformers' sequence classifier has score.weight and no bias; Blend's score is that plus its bias.
            using var rm = RewardModel.FromPolicy(backbone, "rm", seed: 5);
            using (no_grad()) rm.Backbone.Model.state_dict()["reward_head.bias"].fill_(0.5);
            rm.Save(rmDir);
            var scored = TinyHuggingFace.Score(rmDir, ids);
            Assert.EndsWith("ForSequenceClassification", (string)scored["architectures"]![0]!, StringComparison.Ordinal);
            double blend;
            using (var scope = NewDisposeScope())
            using (no_grad()) blend = rm.Backbone.Model.Rewards(rm.Backbone.Model.Hidden(tensor(ids, [1, ids.Length])))[0, -1].item<float>();
            Assert.Equal(blend - 0.5, (double)scored["score"]!, 4);

            // The same folder as another tool writes it (no score.bias, no reward.json, no manifest) loads with bias 0: Blend then scores as transformers does.
            var stripped = Path.Combine(rmDir + "-foreign");
            Directory.CreateDirectory(stripped);
            foreach (var f in Directory.GetFiles(rmDir).Where(f => Path.GetFileName(f) is not ("model.safetensors" or "manifest.json" or "reward.json")))
                File.Copy(f, Path.Combine(stripped, Path.GetFileName(f)));
            using (var file = SafetensorsFile.Open(Path.Combine(rmDir, "model.safetensors")))
            {
                var kept = file.Names.Where(n => n != "score.bias").Select(n => new NamedTensor(n, file.Read(n, CPU))).ToList();
                Safetensors.Write(Path.Combine(stripped, "model.safetensors"), kept);
                foreach (var t in kept) t.Tensor.Dispose();
            }
            try
            {
                using var foreign = RewardModel.Load(stripped, CPU);
                Assert.Equal(Path.GetFileName(stripped), foreign.Name);
                var samples = new[] { new Sample("chat", "Name a color.", "Blue."), new Sample("chat", "q", "no no") };
                var expected = rm.Score(samples);
                var actual = foreign.Score(samples);
                for (int i = 0; i < samples.Length; i++) Assert.Equal(expected[i] - 0.5, actual[i], 5);
            }
            finally { Delete(stripped); }
        }
        finally { Delete(rmDir, policyDir); }
    }
}
