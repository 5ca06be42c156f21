using System.Globalization;
using System.Text;
using Deedle;

namespace Blend;

/// <summary>
/// What a <see cref="JudgeMixture"/> decided about a batch: per-sample per-judge verdicts, the overall verdict per sample,
/// a Deedle frame (one row per sample; columns <c>task</c>, one per judge, <c>overall</c>, holding "pass"/"fail"/"error"/"unjudged",
/// missing where a judge does not apply), and pass rates per judge and per task.
/// </summary>
/// <remarks>A sample whose task has no judges is unjudged: not a pass, not a violation, left out of every pass rate and
/// counted in <see cref="UnjudgedCount"/>; a task with no judged sample has a NaN pass rate.</remarks>
public sealed class JudgeReport
{
    internal JudgeReport(JudgeMixture mixture, IReadOnlyList<Sample> samples, IReadOnlyList<IReadOnlyList<Verdict>> verdicts, IReadOnlyList<Verdict> overall)
    {
        Mixture = mixture;
        Samples = samples;
        Verdicts = verdicts;
        Overall = overall;
        JudgeNames = [.. verdicts.SelectMany(v => v).Select(v => v.Judge).Distinct()];
        Judges = [.. JudgeNames.Select(name => JudgeStats.Of(name, verdicts.SelectMany(v => v).Where(v => v.Judge == name)))];
        Tasks = [.. samples.Select(s => s.Task).Distinct().Select(task =>
            JudgeStats.Of(task, Enumerable.Range(0, samples.Count).Where(i => samples[i].Task == task).Select(i => overall[i])))];
        _frame = new Lazy<Frame<int, string>>(BuildFrame);
    }

    readonly Lazy<Frame<int, string>> _frame;

    /// <summary>The mixture that produced this report.</summary>
    public JudgeMixture Mixture { get; }

    /// <summary>The judged samples, in order.</summary>
    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Per sample, the verdicts of the judges that apply to its task (in mixture order).</summary>
    public IReadOnlyList<IReadOnlyList<Verdict>> Verdicts { get; }

    /// <summary>The overall verdict per sample (CGPO: a sample is a violation unless its overall verdict passes).</summary>
    public IReadOnlyList<Verdict> Overall { get; }

    /// <summary>The judge names (frame columns), in first-seen order.</summary>
    public IReadOnlyList<string> JudgeNames { get; }

    /// <summary>Pass/fail/error counts per judge.</summary>
    public IReadOnlyList<JudgeStats> Judges { get; }

    /// <summary>Overall pass/fail/error counts per task.</summary>
    public IReadOnlyList<JudgeStats> Tasks { get; }

    /// <summary>Overall counts over the batch.</summary>
    public JudgeStats Total => JudgeStats.Of("overall", Overall);

    /// <summary>The fraction of judged samples whose overall verdict passes (unjudged samples left out; NaN when none was judged).</summary>
    public double OverallPassRate => Total.PassRate;

    /// <summary>The number of samples no judge applied to (their task has no judges).</summary>
    public int UnjudgedCount => Overall.Count(v => v.Outcome == VerdictOutcome.Unjudged);

    /// <summary>The tasks of the batch that no judge applied to.</summary>
    public IReadOnlyList<string> UnjudgedTasks => [.. Tasks.Where(t => t.Samples > 0 && t.Judged == 0).Select(t => t.Name)];

    /// <summary>The number of judge verdicts that are errors (not failures), over all samples and judges.</summary>
    public int ErrorCount => Judges.Sum(j => j.Errors);

    /// <summary>True when sample <paramref name="index"/> violates the mixture (its overall verdict is fail or error; an unjudged sample is no violation, and no pass either).</summary>
    public bool IsViolation(int index) => Overall[index].Outcome is VerdictOutcome.Fail or VerdictOutcome.Error;

    /// <summary>The pass rate of one judge over the samples it judged.</summary>
    /// <exception cref="KeyNotFoundException">No judge of that name ran.</exception>
    public double PassRate(string judge) => (Judges.FirstOrDefault(j => j.Name == judge)
        ?? throw new KeyNotFoundException($"No judge named '{judge}' in this report; judges: {string.Join(", ", JudgeNames)}.")).PassRate;

    /// <summary>The overall pass rate of one task.</summary>
    /// <exception cref="KeyNotFoundException">No sample has that task.</exception>
    public double TaskPassRate(string task) => (Tasks.FirstOrDefault(t => t.Name == task)
        ?? throw new KeyNotFoundException($"No samples of task '{task}' in this report; tasks: {string.Join(", ", Tasks.Select(t => t.Name))}.")).PassRate;

    /// <summary>One row per sample: <c>task</c>, one column per judge, <c>overall</c> ("pass"/"fail"/"error"; missing where a judge does not apply).</summary>
    public Frame<int, string> Frame => _frame.Value;

    Frame<int, string> BuildFrame()
    {
        var rows = Enumerable.Range(0, Samples.Count).ToArray();
        var columns = new List<KeyValuePair<string, Series<int, string>>>
        {
            new("task", new Series<int, string>(rows, Samples.Select(s => s.Task))),
        };
        foreach (var name in JudgeNames)
        {
            if (name is "task" or "overall") continue;
            columns.Add(new(name, new Series<int, string>(rows, Verdicts.Select(vs => Label(vs.FirstOrDefault(v => v.Judge == name))!))));
        }
        columns.Add(new("overall", new Series<int, string>(rows, Overall.Select(v => Label(v)!))));
        return Deedle.Frame.FromColumns(columns);
    }

    static string? Label(Verdict? v) => v?.Outcome switch
    {
        VerdictOutcome.Pass => "pass",
        VerdictOutcome.Fail => "fail",
        VerdictOutcome.Error => "error",
        VerdictOutcome.Unjudged => "unjudged",
        _ => null,
    };

    /// <summary>A text summary: pass rates per judge and per task, then the first failing samples with reasons.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"JudgeReport: {Samples.Count} samples, {Overall.Count(v => v.Passed)} pass overall ({Format(OverallPassRate)}), {ErrorCount} judge errors");
        if (UnjudgedCount > 0) sb.Append(inv, $", {UnjudgedCount} unjudged (no judges for task {string.Join(", ", UnjudgedTasks)})");
        sb.Append(inv, $" — {Mixture.Aggregation}\n");
        int width = Math.Max(8, Judges.Select(j => j.Name.Length).Concat(Tasks.Select(t => t.Name.Length + 5)).DefaultIfEmpty(8).Max());
        sb.Append(inv, $"  {"judge".PadRight(width)}  {"pass rate",9}  {"pass",5}  {"fail",5}  {"error",5}\n");
        foreach (var j in Judges) sb.Append(inv, $"  {j.Name.PadRight(width)}  {Format(j.PassRate),9}  {j.Passed,5}  {j.Failed,5}  {j.Errors,5}\n");
        foreach (var t in Tasks) sb.Append(inv, $"  {("task " + t.Name).PadRight(width)}  {(t.Judged == 0 ? "unjudged" : Format(t.PassRate)),9}  {t.Passed,5}  {t.Failed,5}  {t.Errors,5}\n");
        var failing = Enumerable.Range(0, Samples.Count).Where(IsViolation).Take(5).ToList();
        foreach (var i in failing)
            sb.Append(inv, $"  #{i} [{Samples[i].Task}] {Overall[i].Outcome.ToString().ToLowerInvariant()}: {SampleJudge.Clip(Overall[i].Reason, 100)}\n");
        return sb.ToString().TrimEnd('\n');
    }

    static string Format(double rate) => double.IsNaN(rate) ? "—" : rate.ToString("P1", CultureInfo.InvariantCulture);
}
