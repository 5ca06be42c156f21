using Blend.Tests.Policy;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Tests.Training;

[Collection("Torch")]
public class SftTests
{
    static readonly Lazy<(PromptSet Train, PromptSet Test, TextCodec Codec)> Data = new(() =>
    {
        var train = SyntheticTasks.LoadShipped(RepoRoot.Data("tasks"), "train");
        var test = SyntheticTasks.LoadShipped(RepoRoot.Data("tasks"), "test");
        var corpus = train.Select(i => i.Text).Concat(train.Responses!).Concat(test.Select(i => i.Text)).Concat(test.Responses!);
        return (Every(train, 4), Every(test, 2), TextCodec.Cl100k().Compact(corpus!));
    });

    static PromptSet Every(PromptSet set, int stride)
    {
        var idx = Enumerable.Range(0, set.Count).Where(i => i % stride == 0).ToList();
        return new PromptSet(idx.Select(i => set[i]), idx.Select(i => set.Responses[i]));
    }

    sealed class Recorder(Action<SftStep>? onStep = null) : IProgress<SftStep>
    {
        public List<SftStep> Steps { get; } = [];
        public void Report(SftStep value) { Steps.Add(value); onStep?.Invoke(value); }
    }

    [Fact]
    public void Held_out_loss_falls_by_half_on_the_shipped_tasks()
    {
        var (train, test, codec) = Data.Value;
        using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 1);
        var recorder = new Recorder();
        var result = Sft.Train(policy, train, Every(test, 2), new SftOptions { Steps = 80, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 10, EvalEvery = 40, Seed = 2 }, recorder);
        Assert.Equal(80, recorder.Steps.Count);
        Assert.Equal(Enumerable.Range(1, 80), recorder.Steps.Select(s => s.Step));
        Assert.NotNull(result.InitialEvalLoss);
        Assert.True(result.FinalEvalLoss <= 0.5 * result.InitialEvalLoss, $"held-out loss {result.InitialEvalLoss:F3} -> {result.FinalEvalLoss:F3}");
        Assert.Equal(2, recorder.Steps.Count(s => s.EvalLoss is not null));
        Assert.All(recorder.Steps, s => Assert.True(s.Tokens > 0 && double.IsFinite(s.GradNorm)));
        Assert.Equal(result.FinalEvalLoss!.Value, Sft.Loss(policy, Every(test, 2)), 4);
    }

    [Fact]
    public void Same_seed_gives_the_same_losses()
    {
        var (train, _, codec) = Data.Value;
        double[] Run()
        {
            using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { Dropout = 0.1 }, seed: 3);
            return Sft.Train(policy, train.Take(64), null, new SftOptions { Steps = 4, BatchSize = 8, Seed = 9 }).Steps.Select(s => s.Loss).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Gradient_accumulation_matches_one_big_batch()
    {
        var (train, _, codec) = Data.Value;
        Tensor Weights(int batch, int accumulation)
        {
            using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 4);
            Sft.Train(policy, train, null, new SftOptions { Steps = 1, BatchSize = batch, GradientAccumulation = accumulation, WarmupSteps = 0, GradClip = 0, Seed = 5 });
            return policy.Model.state_dict()["h.0.attn.c_attn.weight"].detach().clone();
        }
        using var one = Weights(16, 1);
        using var four = Weights(4, 4);
        Assert.True(one.allclose(four, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void Schedule_warms_up_linearly_then_decays_by_cosine()
    {
        var o = new SftOptions { Steps = 110, WarmupSteps = 10, LearningRate = 1e-3, MinLearningRate = 1e-4 };
        Assert.Equal(1e-4, Sft.Schedule(1, o), 12);
        Assert.Equal(1e-3, Sft.Schedule(10, o), 12);
        Assert.Equal(1e-4 + 0.5 * 9e-4 * (1 + Math.Cos(Math.PI * 0.5)), Sft.Schedule(60, o), 12);
        Assert.Equal(1e-4, Sft.Schedule(110, o), 12);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_equals_the_uninterrupted_run()
    {
        var (train, _, codec) = Data.Value;
        var dir = TinyPolicy.TempDir();
        try
        {
            // Warmup 3 and cosine over 12 steps: the restored AdamW moments and the schedule position both matter.
            var options = new SftOptions { Steps = 12, BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 3, Seed = 5 };
            using var whole = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 8);
            var full = new Recorder();
            Sft.Train(whole, train, null, options, full);

            using var first = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 8);
            var stopped = Sft.Train(first, train, null, options with { MaxSeconds = 1e-9, CheckpointDir = dir }); // stops after step 1
            Assert.True(stopped.StoppedEarly);
            using var second = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 99); // other weights: all restored
            var rest = new Recorder();
            Sft.Train(second, train, null, options with { ResumeFrom = dir }, rest);

            Assert.Equal(full.Steps.Skip(1).Select(s => s.Step), rest.Steps.Select(s => s.Step));
            Assert.Equal(full.Steps.Skip(1).Select(s => s.Loss), rest.Steps.Select(s => s.Loss));
            using var scope = NewDisposeScope();
            var a = whole.Model.state_dict();
            foreach (var (name, t) in second.Model.state_dict())
                Assert.True(t.eq(a[name]).all().item<bool>(), $"{name} differs after resume");

            var e = Assert.Throws<InvalidOperationException>(() => Sft.Train(second, train, null, options with { ResumeFrom = dir, BatchSize = 4 }));
            Assert.Contains("batch_size", e.Message, StringComparison.Ordinal);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Nan_loss_stops_with_a_clear_error_and_keeps_the_last_good_checkpoint()
    {
        var (train, _, codec) = Data.Value;
        var dir = TinyPolicy.TempDir();
        try
        {
            using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 6);
            var poison = new Recorder(s =>
            {
                if (s.Step != 2) return;
                using var noGrad = no_grad();
                policy.Model.state_dict()["ln_f.weight"].fill_(float.NaN);
            });
            var e = Assert.Throws<InvalidOperationException>(() =>
                Sft.Train(policy, train, null, new SftOptions { Steps = 10, BatchSize = 4, CheckpointDir = dir, CheckpointEvery = 1 }, poison));
            Assert.Contains("step 3", e.Message, StringComparison.Ordinal);
            Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
            Assert.Contains("step 2", e.Message, StringComparison.Ordinal);
            using var good = Blend.Policy.Load(dir);
            using var scope = NewDisposeScope();
            Assert.False(good.Model.state_dict()["ln_f.weight"].isnan().any().item<bool>());
            using var s = good.Score(["What is 2 + 3?"], ["The answer is 5."]);
            Assert.True(double.IsFinite(s.SequenceLogProbs[0].item<float>()));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Missing_gold_responses_and_frozen_policies_are_rejected()
    {
        var (_, _, codec) = Data.Value;
        using var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), seed: 7);
        var set = new PromptSet([new PromptItem("p1", "chat", "Hi")]);
        var e = Assert.Throws<ArgumentException>(() => Sft.Train(policy, set));
        Assert.Contains("'p1'", e.Message, StringComparison.Ordinal);
        using var frozen = policy.Clone().Freeze();
        Assert.Throws<InvalidOperationException>(() => Sft.Train(frozen, [new Sample("chat", "Hi", "Hello!")]));
        Assert.Throws<ArgumentException>(() => Sft.Train(policy, [new Sample("chat", "Hi", "Hello!")], null, new SftOptions { Steps = 0 }));
    }
}
