using Xunit.Abstractions;

namespace Blend.Tests.Judges;

public sealed class JudgeQualityTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_built_in_judge_reaches_f1_of_at_least_0_95_on_its_labeled_set()
    {
        var labeled = JudgeQuality.LoadFolder(RepoRoot.Data("judges"));
        var judges = JudgeQuality.LabeledSetJudges(includeCode: true)
            .Select(j => j is CodeJudge ? Judge.Code(new CodeJudgeOptions { TimeoutSeconds = 60, MaxParallel = 2 }) : j).ToList();
        var reports = JudgeQuality.Evaluate(judges, labeled);
        output.WriteLine(JudgeQualityReport.Table(reports));
        foreach (var r in reports)
            foreach (var m in r.Mistakes)
                output.WriteLine($"MISTAKE {r.Judge}: expected {(m.Labeled.ExpectedPass ? "pass" : "fail")} got {m.Verdict.Outcome} ({m.Verdict.Reason}) on {m.Labeled.Sample.Response[..Math.Min(60, m.Labeled.Sample.Response.Length)]}");
        Assert.Equal(judges.Count, reports.Count);
        Assert.All(labeled, l => Assert.Contains(judges, j => j.Name == l.Judge));
        Assert.All(reports, r => Assert.True(r.F1 >= 0.95, $"{r.Judge}: F1 {r.F1:0.000} < 0.95"));
        Assert.All(reports, r => Assert.True(r.TruePositives > 0 && r.TrueNegatives > 0, $"{r.Judge} needs both classes in its set"));
    }

    [Fact]
    public void Confusion_matrix_treats_violation_as_the_positive_class()
    {
        var judge = Judge.From("short", s => s.Response.Length < 5);
        LabeledSample L(string response, bool pass) => new(new Sample("chat", "p", response), "short", pass);
        var report = JudgeQuality.Evaluate(judge, [L("ok", true), L("too long", false), L("longer text", true), L("no", false)]);
        // "too long": violation flagged (TP); "longer text": pass flagged (FP); "ok": TN; "no": violation missed (FN).
        Assert.Equal((1, 1, 1, 1), (report.TruePositives, report.FalsePositives, report.TrueNegatives, report.FalseNegatives));
        Assert.Equal(0.5, report.Precision);
        Assert.Equal(0.5, report.Recall);
        Assert.Equal(0.5, report.F1);
        Assert.Equal(2, report.Mistakes.Count);
    }

    [Fact]
    public void Labeled_files_report_the_line_of_a_bad_row()
    {
        var path = Path.Combine(Path.GetTempPath(), $"blend-labeled-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, "{\"judge\":\"x\",\"expected\":\"pass\",\"task\":\"chat\",\"response\":\"a\"}\n{\"judge\":\"x\",\"expected\":\"maybe\",\"task\":\"chat\",\"response\":\"b\"}\n");
        try
        {
            var e = Assert.Throws<FormatException>(() => JudgeQuality.Load(path));
            Assert.Contains(":2:", e.Message);
            Assert.Contains("expected", e.Message);
        }
        finally { File.Delete(path); }
    }
}
