using System.Text.Json.Nodes;
using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;

namespace Blend.Tests.Cli;

/// <summary><c>blend sweep --adapters A,B --base BASE</c>: soups of PEFT adapters, whose λ = 0/1 points score as each adapter's merged checkpoint swept as a plain expert.</summary>
[Collection("Torch")]
public sealed class AdapterSweepCommandTests(SweepFixture fx) : IClassFixture<SweepFixture>
{
    [Fact]
    public void An_adapter_sweep_scores_its_ends_as_the_merged_experts_and_sweeps_the_scale()
    {
        var dir = TinyPolicy.TempDir();
        try
        {
            string[] adapters = [Path.Combine(dir, "a"), Path.Combine(dir, "b")];
            string[] merged = [Path.Combine(dir, "merged-a"), Path.Combine(dir, "merged-b")];
            for (int i = 0; i < 2; i++)
            {
                using var host = Blend.Policy.Load(fx.Start);
                var adapter = Randomize(LoraAdapter.Attach(host, EveryProjection with { Seed = i }), 40 + i, std: 0.3);
                adapter.Save(adapters[i]);
                using var m = adapter.Merge();
                m.Save(merged[i]);
            }
            var lora = Path.Combine(dir, "lora");
            var r = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--adapters", string.Join(",", adapters), "--base", fx.Start, "--out", lora, "--json");
            Assert.True(r.ExitCode == 0, r.Err);
            var plain = Path.Combine(dir, "plain");
            var p = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--experts", string.Join(",", merged), "--out", plain, "--json");
            Assert.True(p.ExitCode == 0, p.Err);
            var a = JsonNode.Parse(File.ReadAllText(Path.Combine(lora, "sweep.json")))!;
            var b = JsonNode.Parse(File.ReadAllText(Path.Combine(plain, "sweep.json")))!;
            Assert.Equal("lora_linear", (string?)a["method"]);
            Assert.Equal(["a", "b"], a["experts"]!.AsArray().Select(e => (string)e!));
            var pa = a["points"]!.AsArray();
            var pb = b["points"]!.AsArray();
            Assert.Equal(3, pa.Count);
            Assert.Equal(pb[0]!["rewards"]!.ToJsonString(), pa[0]!["rewards"]!.ToJsonString());
            Assert.Equal(pb[2]!["rewards"]!.ToJsonString(), pa[2]!["rewards"]!.ToJsonString());
            Assert.Equal(b["start"]!.ToJsonString(), a["start"]!.ToJsonString());   // the base is the recipe's start
            Assert.Equal(2, a["expert_points"]!.AsArray().Count);

            var scale = Path.Combine(dir, "scale");
            var s = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--adapters", string.Join(",", adapters), "--base", fx.Start, "--method", "scale", "--from", "0", "--to", "1", "--lambdas", "3", "--out", scale, "--json");
            Assert.True(s.ExitCode == 0, s.Err);
            var sc = JsonNode.Parse(File.ReadAllText(Path.Combine(scale, "sweep.json")))!;
            Assert.Equal("scale", (string?)sc["parameter"]);
            Assert.Equal([0.0, 0.5, 1.0], sc["points"]!.AsArray().Select(x => x!["setting"]!.GetValue<double>()));
            Assert.Equal(a["start"]!.ToJsonString(), JsonNode.Parse(sc["points"]![0]!["rewards"]!.ToJsonString())!.ToJsonString());   // s = 0 is the base
            Assert.Equal(pa[0]!["rewards"]!.ToJsonString(), sc["expert_points"]![0]!["rewards"]!.ToJsonString());
            Assert.NotNull(sc["experts_hypervolume"]);

            // a recipe reaches it with sweep.adapters: its experts are the adapter folders, its model the base
            var recipe = Path.Combine(dir, "adapters.json");
            var root = JsonNode.Parse(File.ReadAllText(fx.Recipe))!.AsObject();
            root["model"] = new JsonObject { ["checkpoint"] = fx.Start };
            root["sweep"]!["experts"] = new JsonArray(adapters[0], adapters[1]);
            root["sweep"]!["adapters"] = true;
            File.WriteAllText(recipe, root.ToJsonString());
            var fromRecipe = Path.Combine(dir, "recipe");
            var rr = CliRun.Invoke("sweep", "--recipe", recipe, "--out", fromRecipe, "--json");
            Assert.True(rr.ExitCode == 0, rr.Err);
            var ra = JsonNode.Parse(File.ReadAllText(Path.Combine(fromRecipe, "sweep.json")))!;
            Assert.Equal(a["points"]!.ToJsonString(), ra["points"]!.ToJsonString());

            var bad = CliRun.Invoke("sweep", "--recipe", fx.Recipe, "--adapters", string.Join(",", adapters), "--out", Path.Combine(dir, "x"));
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("--base", bad.Err, StringComparison.Ordinal);
        }
        finally { Delete(dir); }
    }
}
