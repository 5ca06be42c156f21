using System.Text.Json.Nodes;
using Blend.Cli;

namespace Blend.Tests.Cli;

/// <summary><c>blend rm train</c>: a real process on the shipped pairs, the checkpoint re-measured in process, and every bad input.</summary>
[Collection("Torch")]
public sealed class RewardModelCommandTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-rm-" + Guid.NewGuid().ToString("N"));
    static readonly string Pairs = RepoRoot.Data("preferences/chat.jsonl");

    public RewardModelCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Trains_on_the_shipped_pairs_and_the_saved_checkpoint_has_the_printed_held_out_accuracy()
    {
        var outDir = Path.Combine(_dir, "rm");
        var (code, stdout, stderr) = CliRun.Process("rm", "train", "--pairs", Pairs, "--out", outDir, "--steps", "20", "--batch-size", "8", "--eval-every", "10", "--seed", "3", "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal([10, 20], lines.Where(l => l.ContainsKey("step")).Select(l => l["step"]!.GetValue<int>()));
        var done = lines[^1];
        Assert.True(done["done"]!.GetValue<bool>());

        // The checkpoint on disk, measured again on the same split (seed 3, 15 % of prompts held out), gives the printed accuracy.
        var split = PreferencePairs.Split(PreferencePairs.Load(Pairs), 0.15, seed: 3);
        using var model = RewardModel.Load(Path.Combine(outDir, "reward-model"));
        var heldOut = model.Evaluate(split.HeldOut);
        Assert.Equal(split.HeldOut.Count, done["heldout_pairs"]!.GetValue<int>());
        Assert.Equal(heldOut.Accuracy, done["heldout_accuracy"]!.GetValue<double>(), 12);
        Assert.True(heldOut.Accuracy > 0.6, $"held-out accuracy {heldOut.Accuracy} after 20 steps");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.Equal(heldOut.Accuracy, metrics["heldout_accuracy"]!.GetValue<double>(), 12);
        Assert.Equal(20, metrics["steps"]!.GetValue<int>());
        ReportAssert.Offline(File.ReadAllText(Path.Combine(outDir, "report.html")), plotly: false);
        Assert.Contains("held-out", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_a_policy_start_keeps_its_architecture()
    {
        string Train(string name, params string[] extra)
        {
            var r = CliRun.Invoke(["rm", "train", "--pairs", Pairs, "--out", Path.Combine(_dir, name), "--batch-size", "8", .. extra]);
            Assert.True(r.ExitCode == 0, r.Err);
            return Path.Combine(_dir, name, "reward-model");
        }
        var a = Train("a", "--steps", "6", "--seed", "1");
        var b = Train("b", "--steps", "6", "--seed", "1");
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));

        // From a policy checkpoint (CGPO: SFT model + reward head), by epochs: ⌈0.5 × training pairs / 16⌉ steps.
        var pairs = PreferencePairs.Load(Pairs);
        var codec = TextCodec.Cl100k().Compact(pairs.SelectMany(p => new[] { p.Prompt, p.Chosen, p.Rejected }));
        var start = Path.Combine(_dir, "policy");
        using (var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { Width = 32, Layers = 1, Heads = 2, ContextLength = 96 }, seed: 2))
            policy.Save(start);
        var r = CliRun.Invoke("rm", "train", "--pairs", Pairs, "--out", Path.Combine(_dir, "c"), "--model", start, "--epochs", "0.5", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        using var model = RewardModel.Load(Path.Combine(_dir, "c", "reward-model"));
        var config = Assert.IsType<GptConfig>(model.Backbone.Config);
        Assert.Equal((32, 1, 96, codec.VocabSize), (config.Width, config.Layers, config.ContextLength, config.VocabSize));
        int train = PreferencePairs.Split(pairs, 0.15, 0).Train.Count;
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "c", "metrics.json")))!;
        Assert.Equal((int)Math.Ceiling(0.5 * train / 16), metrics["steps"]!.GetValue<int>());
        Assert.Equal(Path.GetFullPath(start), metrics["start"]!.GetValue<string>());
    }

    [Fact]
    public void A_recipe_gives_the_size_of_a_fresh_model_its_seed_and_its_output_folder()
    {
        var math = RepoRoot.Data("tasks/math.train.jsonl").Replace("\\", "/", StringComparison.Ordinal);
        var recipe = Path.Combine(_dir, "rm.json");
        File.WriteAllText(recipe, $$$"""
            {"name": "rm", "seed": 9, "output": "runs", "model": {"tiny": {"width": 32, "layers": 1, "heads": 2, "context_length": 64}},
             "tasks": [{"name": "math", "prompts": "{{{math}}}", "rewards": [{"type": "brevity"}], "optimizer": {"type": "crpg"}}]}
            """);
        var r = CliRun.Invoke("rm", "train", "--pairs", Pairs, "--recipe", recipe, "--steps", "2");
        Assert.True(r.ExitCode == 0, r.Err);
        var outDir = Path.Combine(_dir, "runs", "rm");
        using var model = RewardModel.Load(Path.Combine(outDir, "reward-model"));
        Assert.Equal((32, 1, 64), (model.Backbone.Config.Width, model.Backbone.Config.Layers, model.Backbone.Config.ContextLength));
        Assert.Equal(9, JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!["seed"]!.GetValue<int>());
    }

    [Fact]
    public void Bad_input_exits_2_naming_file_line_and_field_and_writes_nothing()
    {
        var outDir = Path.Combine(_dir, "out");
        var broken = Path.Combine(_dir, "broken.jsonl");
        File.WriteAllText(broken, "{\"task\": \"chat\", \"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"task\": \"chat\", \"prompt\": \"p\", \"chosen\": \"a\"}\n");
        void Refused(string expected, params string[] args)
        {
            var r = CliRun.Invoke(["rm", "train", .. args]);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Err}");
            Assert.Contains(expected, r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(outDir), "nothing is written");
        }
        Refused($"{broken}:2: field 'rejected' is missing", "--pairs", broken, "--out", outDir);
        Refused("does not exist", "--pairs", Path.Combine(_dir, "none.jsonl"), "--out", outDir);
        Refused("--lr must be positive", "--pairs", Pairs, "--out", outDir, "--lr", "-1");
        Refused("--batch-size must be at least 1", "--pairs", Pairs, "--out", outDir, "--batch-size", "0");
        Refused("--held-out must be in [0, 1)", "--pairs", Pairs, "--out", outDir, "--held-out", "1");
        Refused("give --steps or --epochs, not both", "--pairs", Pairs, "--out", outDir, "--steps", "3", "--epochs", "1");
        Refused("--epochs must be a positive number", "--pairs", Pairs, "--out", outDir, "--epochs", "0");
        Refused("give --model DIR or --recipe R, not both", "--pairs", Pairs, "--out", outDir, "--model", _dir, "--recipe", "r.json");
        Refused("--model: folder", "--pairs", Pairs, "--out", outDir, "--model", Path.Combine(_dir, "nope"));
        Refused("does not end in .html", "--pairs", Pairs, "--out", outDir, "--report", Path.Combine(_dir, "r.txt"));
        Refused("is a file; the output must be a folder", "--pairs", Pairs, "--out", Path.Combine(broken, "x"));
        Refused("'--pairs' is required", "--out", outDir);
        // Ctrl-C (the command's token) stops training at the next logged step: exit 130, nothing written.
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            var log = new StringWriter();
            Assert.Equal(ExitCodes.Interrupted, RewardModelCommand.Run(new RewardModelCommand.Request(Pairs) { Out = outDir, Steps = 4, EvalEvery = 2 }, log, cancelled.Token));
            Assert.Contains("interrupted: nothing was written", log.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(outDir));
        }
        Directory.CreateDirectory(Path.Combine(outDir, "reward-model"));
        var again = CliRun.Invoke("rm", "train", "--pairs", Pairs, "--out", outDir, "--steps", "1");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a reward model; pass --force", again.Err, StringComparison.Ordinal);
    }
}
