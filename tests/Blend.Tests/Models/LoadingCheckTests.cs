using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using TorchSharp;

namespace Blend.Tests.Models;

/// <summary>Checkpoint loading refuses what cannot be right before allocating, and never loads non-finite weights silently.</summary>
[Collection("Torch")]
public class LoadingCheckTests
{
    static void Unmanifest(string dir) => File.Delete(Path.Combine(dir, "manifest.json")); // hand-edited: as an older Blend wrote it

    [Fact]
    public void A_huge_config_beside_small_weights_is_refused_before_building_the_model()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using (var policy = TinyPolicy.Create(3)) policy.Save(dir);
            Unmanifest(dir);
            var cfgPath = Path.Combine(dir, "config.json");
            var cfg = JsonNode.Parse(File.ReadAllText(cfgPath))!;
            cfg["n_embd"] = 4096;
            cfg["n_head"] = 64;
            File.WriteAllText(cfgPath, cfg.ToJsonString());
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir));
            Assert.Contains("checked before building the model", e.Message, StringComparison.Ordinal);
            Assert.Contains("wte.weight", e.Message, StringComparison.Ordinal);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_shape_whose_element_count_overflows_is_a_format_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "blend-overflow-" + Guid.NewGuid().ToString("N")[..8] + ".safetensors");
        try
        {
            var header = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387905,4],\"data_offsets\":[0,16]}}");
            var bytes = new byte[8 + header.Length + 16];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<FormatException>(() => SafetensorsFile.Open(path));
            Assert.Contains("overflows", e.Message, StringComparison.Ordinal);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_weights_are_refused_naming_the_tensor(float bad)
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using (var policy = TinyPolicy.Create(4))
            {
                using (torch.no_grad()) policy.Model.state_dict()["ln_f.weight"][3] = torch.tensor(bad);
                policy.Save(dir);
            }
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir));
            Assert.Contains("'ln_f.weight' (1 of", e.Message, StringComparison.Ordinal);
            Assert.Contains("BLEND_ALLOW_NONFINITE_WEIGHTS", e.Message, StringComparison.Ordinal);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_reward_model_checkpoint_does_not_load_as_a_policy()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            using (var policy = TinyPolicy.Create(5))
            using (var rm = RewardModel.FromPolicy(policy, "helpful")) rm.Save(dir);
            var e = Assert.Throws<FormatException>(() => Blend.Policy.Load(dir));
            Assert.Contains("reward-model checkpoint; load it with RewardModel.Load", e.Message, StringComparison.Ordinal);
            using var loaded = RewardModel.Load(dir);
            Assert.Equal("helpful", loaded.Name);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
