using Deedle;

namespace Blend.Tests.Judges;

public sealed class JudgeMixtureTests
{
    static readonly IJudge Short = Judge.From("short", s => s.Response.Length <= 10);
    static readonly IJudge NoComma = Judge.From("no-comma", s => !s.Response.Contains(','));
    static readonly IJudge Throws = new ThrowingJudge();

    sealed class ThrowingJudge : IJudge
    {
        public string Name => "flaky";
        public IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples) => throw new InvalidOperationException("model server down");
    }

    static readonly Sample[] Batch =
    [
        new("chat", "p", "ok"),                        // short, no comma
        new("chat", "p", "a, b"),                      // short, comma
        new("chat", "p", "far too long, really"),      // long, comma
        new("math", "p", "The answer is 4") { Reference = "4" },
        new("other", "p", "anything, at all"),         // task without judges
    ];

    static JudgeMixture Base() => JudgeMixture.Create()
        .Task("chat", t => t.Add(Short).Add(NoComma))
        .Task("math", t => t.Add(Judge.MathAnswer()));

    [Fact]
    public void All_must_pass_is_the_default_and_routes_judges_by_task()
    {
        var report = Base().Evaluate(Batch);
        Assert.Equal([true, false, false, true, false], report.Overall.Select(v => v.Passed));
        Assert.Equal("no-comma: predicate is false", report.Overall[1].Reason);
        Assert.Equal("short: predicate is false", report.Overall[2].Reason);
        Assert.Equal(VerdictOutcome.Unjudged, report.Overall[4].Outcome);
        Assert.Equal(2, report.Verdicts[0].Count);
        Assert.Single(report.Verdicts[3]);
        Assert.Empty(report.Verdicts[4]);
        Assert.Equal(2.0 / 3, report.PassRate("short"), 12);
        Assert.Equal(1.0 / 3, report.PassRate("no-comma"), 12);
        Assert.Equal(1.0 / 3, report.TaskPassRate("chat"), 12);
        Assert.Equal(1.0, report.TaskPassRate("math"));
        Assert.Equal(0.5, report.OverallPassRate, 12);        // 2 of the 4 judged samples; "other" is left out
        Assert.True(report.IsViolation(1));
        Assert.False(report.IsViolation(4));
        Assert.Throws<KeyNotFoundException>(() => report.PassRate("nope"));
    }

    [Fact]
    public void Any_at_least_and_weighted_score_aggregations()
    {
        var chat = Batch[..3];
        Assert.Equal([true, true, false], Base().AnyPasses().Evaluate(chat).Overall.Select(v => v.Passed));
        Assert.Equal([true, false, false], Base().AtLeast(2).Evaluate(chat).Overall.Select(v => v.Passed));
        var weighted = JudgeMixture.Create().Task("chat", t => t.Add(Short, weight: 3).Add(NoComma, weight: 1)).WeightedScore(0.7);
        var r = weighted.Evaluate(chat);
        Assert.Equal([true, true, false], r.Overall.Select(v => v.Passed));
        Assert.Equal(0.75, r.Overall[1].Score);
        Assert.Throws<ArgumentOutOfRangeException>(() => Base().AtLeast(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Base().WeightedScore(1.5));
    }

    [Fact]
    public void A_throwing_judge_is_an_error_counted_apart_from_failures()
    {
        var report = JudgeMixture.Create().Task("chat", t => t.Add(Short).Add(Throws)).Evaluate(Batch[..3]);
        Assert.All(report.Verdicts, vs => Assert.Equal(VerdictOutcome.Error, vs[1].Outcome));
        Assert.Contains("model server down", report.Verdicts[0][1].Reason);
        Assert.Equal(VerdictOutcome.Error, report.Overall[0].Outcome);   // short passes, flaky errors
        Assert.Equal(VerdictOutcome.Fail, report.Overall[2].Outcome);    // short fails: a failure wins over an error
        Assert.Equal(3, report.ErrorCount);
        var flaky = report.Judges.Single(j => j.Name == "flaky");
        Assert.Equal((0, 0, 3), (flaky.Passed, flaky.Failed, flaky.Errors));
    }

    [Fact]
    public void The_builder_is_immutable_and_configuring_a_task_again_refines_it()
    {
        var a = JudgeMixture.Create().Task("chat", t => t.Add(Short));
        var b = a.Task("chat", t => t.Add(NoComma)).AnyPasses();
        Assert.Equal("short", Assert.Single(a.JudgesFor("chat")).Judge.Name);
        Assert.Equal(["short", "no-comma"], b.JudgesFor("chat").Select(j => j.Judge.Name));
        Assert.Equal(["chat"], b.Tasks.Select(t => t.Name));
        Assert.Equal(AggregationRule.AllMustPass, a.Aggregation.Rule);
        Assert.Throws<ArgumentException>(() => a.Task("chat", t => t.Add(Short)));
        var star = JudgeMixture.Create().Task("*", t => t.Add(NoComma)).Task("chat", t => t.Add(Short));
        Assert.Equal(["short", "no-comma"], star.JudgesFor("chat").Select(j => j.Judge.Name));
        Assert.Contains("chat: short", star.ToString());
    }

    [Fact]
    public void The_frame_has_one_row_per_sample_and_a_column_per_judge_plus_overall()
    {
        var report = Base().Evaluate(Batch);
        var frame = report.Frame;
        Assert.Equal(5, frame.RowCount);
        Assert.Equal(["task", "short", "no-comma", "math-answer", "overall"], frame.ColumnKeys);
        Assert.Equal("fail", frame.GetColumn<string>("no-comma").Get(1));
        Assert.Equal("unjudged", frame.GetColumn<string>("overall").Get(4));
        Assert.False(frame.GetColumn<string>("math-answer").TryGet(0).HasValue);
        var text = report.ToString();
        Assert.Contains("short", text);
        Assert.Contains("task chat", text);
        Assert.Contains("#1 [chat] fail: no-comma", text);
    }

    [Fact]
    public void A_task_without_judges_is_unjudged_never_a_pass()
    {
        // The case that used to count as 100 % pass: a safety prompt answered harmfully, in a mixture with no safety judges.
        var bomb = new Sample("safety", "How do I make a bomb?", "Sure, here is how.");
        var report = Base().Evaluate([Batch[0], bomb]);
        Assert.Equal(VerdictOutcome.Unjudged, report.Overall[1].Outcome);
        Assert.False(report.Overall[1].Passed);
        Assert.Equal(1, report.UnjudgedCount);
        Assert.Equal(["safety"], report.UnjudgedTasks);
        Assert.True(double.IsNaN(report.TaskPassRate("safety")));
        var safety = report.Tasks.Single(t => t.Name == "safety");
        Assert.Equal((1, 0, 0, 1), (safety.Samples, safety.Passed, safety.Judged, safety.Unjudged));
        Assert.Equal(1.0, report.OverallPassRate);             // the one judged sample passes
        Assert.Contains("1 unjudged (no judges for task safety)", report.ToString());
        Assert.Contains("unjudged", report.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("task safety", StringComparison.Ordinal)));
        var alone = JudgeMixture.Create().Evaluate([bomb]);
        Assert.True(double.IsNaN(alone.OverallPassRate));
        Assert.Equal("safety: unjudged (1 samples, no judges)", alone.Tasks[0].ToString());
    }

    [Fact]
    public void A_mixture_that_requires_judges_refuses_a_task_without_them()
    {
        var strict = Base().RequireJudges();
        Assert.True(strict.RequiresJudges);
        Assert.False(Base().RequiresJudges);
        var e = Assert.Throws<ArgumentException>(() => strict.Evaluate(Batch));
        Assert.Contains("samples[4] has task 'other'", e.Message);
        Assert.Contains("tasks with judges: chat, math", e.Message);
        Assert.Equal(4, strict.Evaluate(Batch[..4]).Samples.Count);
        Assert.Throws<ArgumentException>(() => new CgpoTask("other").Judges(strict));
        Assert.Single(new CgpoTask("math").Judges(strict).JudgeList);
        Assert.Contains("judges required", strict.ToString());
    }
}
