using TorchSharp;

namespace Blend.Tests.Cgpo;

[Collection("Torch")]
public class CgpoTrainerTests
{
    public static TheoryData<string> Optimizers => ["crpg", "crraft", "codpo", "ppo", "grpo", "rloo", "online-dpo"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Every_optimizer_trains_in_the_loop_and_reports_metrics(string name)
    {
        using var policy = CgpoFixture.Policy();
        var before = policy.Model.parameters().Select(p => p.detach().clone()).ToList();
        var reported = new List<StepMetrics>();
        var result = CgpoFixture.TwoTasks(policy, CgpoFixture.Options(name), new CrpgOptions { SamplesPerPrompt = 2 }).Steps(2).Train(new SyncProgress(reported.Add));
        Assert.Equal(4, result.Metrics.Count);
        Assert.Equal(result.Metrics, reported);
        Assert.All(result.Metrics, m => Assert.True(double.IsFinite(m.Loss) && double.IsFinite(m.Kl) && double.IsFinite(m.GradNorm), m.ToString()));
        Assert.Equal(name, result.Metrics[0].Optimizer);
        Assert.Equal(2, result.Metrics[1].Judges.Count);
        // the starting policy is untouched; the trained copy moved
        Assert.All(policy.Model.parameters().Zip(before), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        var trained = result.Policy.Model.state_dict();
        var original = policy.Model.state_dict();
        Assert.Contains(original.Keys, k => !trained[k].allclose(original[k], 0, 0));
        var frame = result.Frame;
        Assert.Equal(4, frame.RowCount);
        Assert.Contains("pass/no-question", frame.ColumnKeys);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        using var policy = CgpoFixture.Policy();
        var a = CgpoFixture.TwoTasks(policy, new CrpgOptions { SamplesPerPrompt = 2 }, new CodpoOptions { SamplesPerPrompt = 2 }).Steps(2).Train();
        var b = CgpoFixture.TwoTasks(policy, new CrpgOptions { SamplesPerPrompt = 2 }, new CodpoOptions { SamplesPerPrompt = 2 }).Steps(2).Train();
        Assert.Equal(a.Metrics.Select(Numbers), b.Metrics.Select(Numbers));
    }

    [Fact]
    public void Evaluating_the_reference_against_itself_gives_equal_numbers_and_a_half_win_rate()
    {
        using var policy = CgpoFixture.Policy();
        var run = CgpoFixture.TwoTasks(policy, new CrpgOptions { SamplesPerPrompt = 2 }, new CrpgOptions { SamplesPerPrompt = 2 })
            .Task("math", t => t.EvalPrompts(CgpoFixture.MathPrompts(6, offset: 20)))
            .Task("chat", t => t.EvalPrompts(CgpoFixture.ChatPrompts(4, offset: 20)));
        var evaluation = run.Evaluate();
        Assert.Equal(["math", "chat"], evaluation.Tasks.Select(t => t.Task));
        foreach (var e in evaluation.Tasks)
        {
            Assert.Equal(e.ReferenceReward, e.Reward);
            Assert.Equal(e.ReferenceCalibratedReward, e.CalibratedReward);
            Assert.Equal(e.ReferencePassRate, e.PassRate);
            Assert.Equal(0.5, e.WinRate);
        }
        Assert.Equal(6, evaluation["math"].Prompts);
        Assert.Equal(2, evaluation.Frame.RowCount);
        // after training, the run's own evaluation compares the trained copy with the reference on the same prompts
        var trained = run.Steps(1).Train();
        Assert.NotNull(trained.Evaluation);
        Assert.Equal(evaluation["math"].ReferenceReward, trained.Evaluation!["math"].ReferenceReward);
    }

    [Fact]
    public void Builders_are_immutable_values_and_a_task_can_be_refined_by_name()
    {
        using var policy = CgpoFixture.Policy();
        var basic = CgpoFixture.TwoTasks(policy, new CrpgOptions(), new CrpgOptions());
        var ppo = basic.Task("math", t => t.Optimizer(new PpoOptions()));
        Assert.Equal(["math", "chat"], ppo.Tasks);
        Assert.IsType<CrpgOptions>(basic.TaskList[0].Options);
        Assert.IsType<PpoOptions>(ppo.TaskList[0].Options);
        Assert.Equal(60, basic.StepCount);
        Assert.Equal(5, basic.Steps(5).StepCount);
        Assert.Equal(60, basic.StepCount);
    }

    [Fact]
    public void Offline_dpo_trains_on_preference_pairs_in_the_same_loop()
    {
        using var policy = CgpoFixture.Policy();
        var pairs = Enumerable.Range(0, 6).Select(i => new PreferencePair("math", $"What is {i} + 1?", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "hello")).ToList();
        var result = global::Blend.Cgpo.Create(policy, seed: 2)
            .Task("math", t => t.Pairs(pairs).Optimizer(new DpoOptions { Beta = 0.5, PairsPerStep = 4 }))
            .Task("chat", t => t.Prompts(CgpoFixture.ChatPrompts()).Reward(CgpoFixture.Letters).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 4).LearningRate(1e-2).Steps(3).Train();
        var dpo = result.ForTask("math");
        Assert.Equal(3, dpo.Count);
        Assert.All(dpo, m => Assert.Equal("dpo", m.Optimizer));
        Assert.Equal(Math.Log(2), dpo[0].Loss, 4);  // π = π_ref at the first step: −log σ(0) = ln 2
        Assert.True(dpo[^1].Loss < dpo[0].Loss, $"DPO loss did not fall: {dpo[0].Loss} → {dpo[^1].Loss}");
    }

    internal static string Numbers(StepMetrics m) =>
        $"{m.Step} {m.Task} {m.Reward:R} {m.CalibratedReward:R} {m.PassRate:R} {m.Kl:R} {m.Length:R} {m.Entropy:R} {m.Loss:R} {m.GradNorm:R} {m.Skipped} {m.Fallbacks}";
}

/// <summary>An IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress(Action<StepMetrics> report) : IProgress<StepMetrics>
{
    public void Report(StepMetrics value) => report(value);
}
