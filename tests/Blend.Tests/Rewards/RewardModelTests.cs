using static TorchSharp.torch;

namespace Blend.Tests.Rewards;

[Collection("Torch")]
public sealed class RewardModelTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-rm-" + Guid.NewGuid().ToString("N")[..8]);
    readonly int _threads = BlendRuntime.Threads;

    // These models are tiny: one intra-op thread is about as fast as two on an idle machine, and far faster when the CI box
    // is oversubscribed (OpenMP barriers spin). Results do not depend on the thread count.
    public RewardModelTests() => BlendRuntime.SetThreads(1);

    public void Dispose()
    {
        BlendRuntime.SetThreads(_threads);
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    static readonly GptConfig TinyConfig = new(1) { Layers = 1, Heads = 2, Width = 32, ContextLength = 96 };

    static IReadOnlyList<PreferencePair> ToyPairs() =>
        Enumerable.Range(0, 24).Select(i => new PreferencePair("chat", $"Question number {i}?", $"A clear helpful answer about {i}.", $"no {i}!!") { Source = "toy" }).ToList();

    [Fact]
    public void Reward_model_trained_on_shipped_pairs_beats_75_percent_held_out()
    {
        var pairs = PreferencePairs.Load(RepoRoot.Data("preferences"));
        var result = RewardModel.Train(pairs, new RewardTrainingOptions { Steps = 80, EvalEvery = 40, Seed = 0 });
        using var model = result.Model;
        Assert.True(result.HeldOutAccuracy >= 0.75, result.ToString());
        Assert.True(result.HeldOutMeanMargin > 0, result.ToString());
        Assert.True(result.HeldOutPairs >= 100, result.ToString());
        Assert.Equal(4, result.HeldOut.ByTask.Count);
        Assert.Equal(2, result.History.Count);
        Assert.True(result.History[^1].Loss < result.History[0].Loss + 1e-9 || result.History[^1].Loss < 0.693, result.ToString());
        Assert.Equal(result.HeldOut.Pairs, result.HeldOut.Margins.Count);
        Assert.Equal(result.HeldOut.Pairs, result.HeldOut.MarginHistogram(10).Sum(b => b.Count));
        Assert.Contains("held-out", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Training_moves_every_parameter_and_lowers_the_loss()
    {
        var pairs = ToyPairs();
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(pairs.SelectMany(p => new[] { p.Prompt, p.Chosen, p.Rejected }));
        BlendRuntime.Seed(1);
        using var model = RewardModel.Create(codec, TinyConfig, seed: 1, name: "toy");
        var before = model.Backbone.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var result = RewardModel.Train(model, pairs, new RewardTrainingOptions { Steps = 40, BatchSize = 8, EvalEvery = 10, HeldOutFraction = 0.25, WarmupSteps = 5, LearningRate = 3e-3 });
        foreach (var (name, p) in model.Backbone.Model.named_parameters())
            Assert.False(before[name].allclose(p.detach(), 0, 0), $"parameter {name} did not change");
        Assert.True(result.History[^1].Loss < result.History[0].Loss, string.Join("\n", result.History));
        Assert.True(result.Train.Accuracy > 0.9, result.ToString());
        Assert.Equal(40, result.Steps);
        Assert.Equal(4, result.HistoryFrame.RowCount);
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void Same_seed_gives_the_same_model()
    {
        var pairs = ToyPairs();
        var options = new RewardTrainingOptions { Steps = 6, BatchSize = 4, EvalEvery = 3, Config = TinyConfig, Seed = 3 };
        using var a = RewardModel.Train(pairs, options).Model;
        using var b = RewardModel.Train(pairs, options).Model;
        var samples = pairs.Take(5).Select(p => p.ChosenSample()).ToList();
        Assert.Equal(a.Score(samples), b.Score(samples));
    }

    [Fact]
    public void Checkpoint_round_trips_scores_and_name()
    {
        var pairs = ToyPairs();
        using var model = RewardModel.Train(pairs, new RewardTrainingOptions { Steps = 3, BatchSize = 4, Config = TinyConfig, Name = "helpful" }).Model;
        var samples = pairs.Take(6).Select(p => p.RejectedSample()).ToList();
        model.Save(_dir);
        model.Save(_dir); // overwriting is atomic and allowed
        using var loaded = RewardModel.Load(_dir);
        Assert.Equal("helpful", loaded.Name);
        Assert.Equal(model.Score(samples), loaded.Score(samples));
        // Without reward.json (a reward model from another tool) the folder's name is the name.
        File.Delete(Path.Combine(_dir, "reward.json"));
        File.Delete(Path.Combine(_dir, "manifest.json"));
        using var unnamed = RewardModel.Load(_dir);
        Assert.Equal(Path.GetFileName(_dir), unnamed.Name);
        Assert.Equal(model.Score(samples), unnamed.Score(samples));
    }

    [Fact]
    public void FromPolicy_copies_the_backbone_and_adds_a_reward_head()
    {
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(["hello world"]);
        using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 4);
        using var rm = RewardModel.FromPolicy(policy, "from-sft");
        Assert.True(rm.Backbone.Config.RewardHead);
        Assert.False(policy.Config.RewardHead);
        var src = policy.Model.state_dict();
        foreach (var (name, t) in rm.Backbone.Model.state_dict())
            if (src.TryGetValue(name, out var s)) Assert.True(s.allclose(t, 0, 0), name);
        Assert.Single(rm.Score([new Sample("chat", "hello", "world")]));
    }

    [Fact]
    public void Long_inputs_are_trimmed_to_the_context()
    {
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(["word "]);
        using var rm = RewardModel.Create(codec, TinyConfig with { ContextLength = 32 });
        var longText = string.Join(" ", Enumerable.Repeat("word", 200));
        var scores = rm.Score([new Sample("chat", longText, longText), new Sample("chat", longText, "word")]);
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        var (p, r) = rm.Encode(longText, "word");
        Assert.Equal(32, p.Count + r.Count);
        Assert.Equal(codec.Bos, p[0]);
        Assert.Equal(codec.Sep, p[^1]);
    }

    [Fact]
    public void Scores_plug_into_a_mixture_and_calibration()
    {
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(["a b c"]);
        using var rm = RewardModel.Create(codec, TinyConfig, name: "rm");
        var samples = new[] { new Sample("chat", "a", "b"), new Sample("chat", "a", "c") };
        var raw = rm.Score(samples);
        var calibrated = rm.Calibrated(_ => "b").Score(samples);
        Assert.Equal(0.5, calibrated[0], 6);
        Assert.Equal(BradleyTerry.Sigmoid(raw[1] - raw[0]), calibrated[1], 6);
        var total = RewardMixture.Create().Add(rm, weight: 2).Score(samples);
        Assert.Equal(2 * raw[0], total[0], 9);
    }
}
