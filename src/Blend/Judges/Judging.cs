using System.Globalization;

namespace Blend;

/// <summary>
/// The one judge runner: runs a judge on a batch under a deadline, and a task's judges as CGPO's mixture y = AND_h J_h(s,a)
/// (Xu et al. 2024). A judge that throws, returns the wrong number of verdicts or a null verdict, or misses its per-batch deadline
/// gives Error verdicts (a violation, counted apart from failures) instead of stopping the caller. A judge past its deadline
/// is abandoned on its worker thread (see <see cref="Deadline"/>). Used by the CGPO trainer, <see cref="JudgeMixture"/> and the
/// reproductions.
/// </summary>
internal static class Judging
{
    /// <summary>Every judge on the batch; a sample is positive only when every judge passes it.</summary>
    public static JudgedBatch Run(IReadOnlyList<IJudge> judges, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        int n = samples.Count;
        var passed = Enumerable.Repeat(true, n).ToArray();
        var errored = new bool[n];
        var rates = new List<JudgePassRate>();
        foreach (var judge in judges)
        {
            var verdicts = Verdicts(judge, samples, deadline);
            int pass = 0, errors = 0;
            for (int i = 0; i < n; i++)
            {
                var outcome = verdicts[i].Outcome;
                if (outcome == VerdictOutcome.Pass) pass++;
                else passed[i] = false;
                if (outcome == VerdictOutcome.Error) { errors++; errored[i] = true; }
            }
            rates.Add(new JudgePassRate(NameOf(judge), n == 0 ? 0 : pass / (double)n, errors));
        }
        return new JudgedBatch(passed, rates, errored.Count(e => e));
    }

    /// <summary>One verdict per sample from <paramref name="judge"/>, each named after the judge; failures of the call become Error verdicts.</summary>
    public static Verdict[] Verdicts(IJudge judge, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        string name = NameOf(judge);
        IReadOnlyList<Verdict>? verdicts;
        try { verdicts = Deadline.Run(() => judge.Judge(samples), deadline, () => $"judge '{name}' gave no verdicts within its deadline of {Deadline.Describe(deadline)} per batch"); }
        catch (DeadlineExceededException e)
        {
            return [.. samples.Select(_ => Verdict.Error(name, $"timed out: {e.Message}"))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = $"judge threw {e.GetType().Name}: {e.Message}";
            return [.. samples.Select(_ => Verdict.Error(name, message))];
        }
        if (verdicts is null || verdicts.Count != samples.Count)
            return [.. samples.Select(_ => Verdict.Error(name, $"judge returned {verdicts?.Count.ToString(CultureInfo.InvariantCulture) ?? "null"} verdicts for {samples.Count} samples"))];
        return [.. verdicts.Select(v => v is null ? Verdict.Error(name, "judge returned a null verdict") : v.Judge == name ? v : v with { Judge = name })];
    }

    /// <summary>The judge's name, or its type's name when reading the name throws.</summary>
    static string NameOf(IJudge judge)
    {
        try { return judge.Name; } catch (Exception e) when (e is not OutOfMemoryException) { return judge.GetType().Name; }
    }
}

/// <summary>The MoJ label of each sample, each judge's pass rate, and how many samples some judge errored on.</summary>
/// <param name="Passed">Per sample: true when every judge passed it (empty when the batch was not judged).</param>
/// <param name="Rates">Each judge's pass rate and error count, in the judges' order.</param>
/// <param name="ErroredSamples">How many samples some judge gave an Error verdict (counted apart from failures).</param>
public sealed record JudgedBatch(bool[] Passed, IReadOnlyList<JudgePassRate> Rates, int ErroredSamples)
{
    /// <summary>The fraction of samples every judge passed (NaN for an empty batch).</summary>
    public double PassRate => Passed.Length == 0 ? double.NaN : Passed.Count(p => p) / (double)Passed.Length;
}
