using System.Diagnostics;

namespace Blend.Tests.Cgpo;

/// <summary>Judge and reward calls have per-batch deadlines: a call that never returns cannot stop a run.</summary>
[Collection("Torch")]
public class CgpoDeadlineTests
{
    static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    static CgpoRun Math(Blend.Policy policy, Func<CgpoTask, CgpoTask> more) =>
        global::Blend.Cgpo.Create(policy, seed: 3)
            .Task("math", t => more(t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits)
                .Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2)))
            .Sampling(maxNewTokens: 4)
            .Steps(1);

    [Fact]
    public void A_judge_that_never_returns_gives_error_verdicts_within_its_deadline_and_training_goes_on()
    {
        using var policy = CgpoFixture.Policy();
        using var never = new ManualResetEventSlim(false);
        var hanging = new FuncJudge("hangs", s => { never.Wait(); return true; });
        var clock = Stopwatch.StartNew();
        var result = Math(policy, t => t.Judges(CgpoFixture.Short(100), hanging)).Timeouts(judge: Short).Train();
        clock.Stop();
        never.Set(); // releases the abandoned worker
        var m = Assert.Single(result.Metrics);
        Assert.Equal(4, m.JudgeErrors);
        Assert.Equal(0, m.PassRate);                            // an error is a violation
        Assert.Equal(new JudgePassRate("hangs", 0, 4), m.Judges[1]);
        Assert.Equal(1, m.Judges[0].PassRate);                  // the other judge still counts
        Assert.True(double.IsFinite(m.Loss));
        // one step: the baselines' judging and the rollouts' judging each wait at most the deadline
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_reward_that_never_returns_stops_the_step_naming_the_task_and_reward()
    {
        using var policy = CgpoFixture.Policy();
        using var never = new ManualResetEventSlim(false);
        var hanging = Reward.From("stuck", s => { never.Wait(); return 0; });
        var before = policy.Model.state_dict()["wte.weight"].clone();
        var e = Assert.Throws<DeadlineExceededException>(() => Math(policy, t => t.Reward(hanging)).Timeouts(reward: Short).Train());
        never.Set();
        Assert.Contains("Task 'math'", e.Message, StringComparison.Ordinal);
        Assert.Contains("reward 'stuck'", e.Message, StringComparison.Ordinal);
        Assert.Contains("300 ms", e.Message, StringComparison.Ordinal);
        Assert.True(before.eq(policy.Model.state_dict()["wte.weight"]).all().item<bool>()); // training works on a copy; the start is untouched
    }

    [Fact]
    public void A_reward_that_throws_keeps_its_context()
    {
        using var policy = CgpoFixture.Policy();
        var boom = Reward.From("boom", _ => throw new InvalidOperationException("reward boom"));
        var e = Assert.Throws<InvalidOperationException>(() => Math(policy, t => t.Reward(boom)).Train());
        Assert.Contains("Task 'math'", e.Message, StringComparison.Ordinal);
        Assert.Contains("reward 'boom' threw InvalidOperationException: reward boom", e.Message, StringComparison.Ordinal);
        Assert.Equal("reward boom", e.InnerException!.Message);

        var mixture = RewardMixture.Create("mix").Task("math", t => t.Add("digits", CgpoFixture.Digits, 1).Add("broken", boom, 1));
        var m = Assert.Throws<InvalidOperationException>(() => Math(policy, t => t.Reward(mixture)).Train());
        Assert.Contains("Task 'math'", m.Message, StringComparison.Ordinal);
        Assert.Contains("component 'broken' (task 'math')", m.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_soup_objective_whose_reward_never_returns_stops_the_evaluation_within_its_deadline()
    {
        using var policy = CgpoFixture.Policy();
        using var never = new ManualResetEventSlim(false);
        var hanging = Reward.From("stuck", s => { never.Wait(); return 0; });
        var soup = Soup.Of(policy).Objective("quality", hanging).SamplesPerPrompt(1).Timeouts(reward: Short);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<DeadlineExceededException>(() => soup.Score(policy, CgpoFixture.MathPrompts()));
        never.Set();
        Assert.Contains("Objective 'quality'", e.Message, StringComparison.Ordinal);
        Assert.Contains("reward 'stuck'", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Deadlines_must_be_positive()
    {
        using var policy = CgpoFixture.Policy();
        Assert.Throws<ArgumentOutOfRangeException>(() => Math(policy, t => t).Timeouts(judge: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Math(policy, t => t).Timeouts(reward: TimeSpan.FromSeconds(-1)));
        _ = Math(policy, t => t).Timeouts(judge: Timeout.InfiniteTimeSpan); // no deadline is allowed
    }

    [Fact]
    public void Huge_learning_rate_gives_the_trainers_non_finite_message_not_torchs()
    {
        using var policy = CgpoFixture.Policy();
        var run = global::Blend.Cgpo.Create(policy, seed: 3)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Reward(CgpoFixture.Digits).Optimizer(new GrpoOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 4).LearningRate(1e30).MaxGradNorm(1e30).Steps(4);
        var e = Assert.ThrowsAny<InvalidOperationException>(() => run.Train());
        Assert.Contains("Task 'math', step", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("probability tensor", e.Message, StringComparison.Ordinal);
    }
}
