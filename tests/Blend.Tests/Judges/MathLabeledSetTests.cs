using System.Globalization;
using Xunit.Abstractions;

namespace Blend.Tests.Judges;

/// <summary>The math judge against its labeled set (data/judges/math.jsonl): no wrong answer may pass.</summary>
public sealed class MathLabeledSetTests(ITestOutputHelper output)
{
    [Fact]
    public void Math_judge_passes_no_negative_and_agrees_on_at_least_97_percent()
    {
        var rows = JudgeQuality.Load(RepoRoot.Data(Path.Combine("judges", "math.jsonl")));
        var report = JudgeQuality.Evaluate(Judge.MathAnswer(), rows);
        output.WriteLine(JudgeQualityReport.Table([report]));
        var byCategory = rows.Select((r, i) => (r, i)).GroupBy(x => Category(x.r.Note)).OrderBy(g => g.Key, StringComparer.Ordinal);
        var mistakes = report.Mistakes.Select(m => m.Labeled).ToHashSet();
        output.WriteLine($"{"category",-28} {"n",4} {"neg",4} {"agree",6}");
        foreach (var g in byCategory)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g.Key,-28} {g.Count(),4} {g.Count(x => !x.r.ExpectedPass),4} {g.Count(x => !mistakes.Contains(x.r)) * 100.0 / g.Count(),5:0.0}%"));
        foreach (var m in report.Mistakes)
            output.WriteLine($"MISTAKE expected {(m.Labeled.ExpectedPass ? "pass" : "fail")} got {m.Verdict.Outcome} ({m.Verdict.Reason}): {m.Labeled.Sample.Response} | ref {m.Labeled.Sample.Reference}");

        Assert.True(rows.Count >= 300, $"{rows.Count} labeled rows, needs ≥ 300");
        int hard = rows.Count(r => !r.ExpectedPass && r.Note.StartsWith("hard negative", StringComparison.Ordinal));
        Assert.True(hard >= 80, $"{hard} hard negatives, needs ≥ 80");
        Assert.Equal(0, report.FalseNegatives);                       // a labeled violation that passed: a wrong answer paid for
        Assert.True(report.Accuracy >= 0.97, $"agreement {report.Accuracy:P1} < 97 %");
    }

    static string Category(string note)
    {
        var n = note.StartsWith("hard negative: ", StringComparison.Ordinal) ? note["hard negative: ".Length..] : note;
        int colon = n.IndexOf(':', StringComparison.Ordinal);
        n = colon > 0 ? n[..colon] : n;
        return n.Length == 0 || n.Length > 28 ? "other" : n;
    }
}
