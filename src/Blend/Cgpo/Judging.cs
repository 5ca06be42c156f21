namespace Blend;

/// <summary>
/// Runs a task's mixture of judges on a batch: y = AND_h J_h(s,a) (CGPO §3; docs/cgpo.md#judges). A judge that throws, or returns the
/// wrong number of verdicts, or misses its per-batch deadline gives Error verdicts (a violation, counted apart) instead of
/// stopping the run. A judge past its deadline is abandoned on its worker thread (see <see cref="Deadline"/>).
/// </summary>
internal static class Judging
{
    public static JudgedBatch Run(IReadOnlyList<IJudge> judges, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        int n = samples.Count;
        var passed = Enumerable.Repeat(true, n).ToArray();
        var errored = new bool[n];
        var rates = new List<JudgePassRate>();
        foreach (var judge in judges)
        {
            var verdicts = Safely(judge, samples, deadline);
            int pass = 0, errors = 0;
            for (int i = 0; i < n; i++)
            {
                var outcome = verdicts[i].Outcome;
                if (outcome == VerdictOutcome.Pass) pass++;
                else passed[i] = false;
                if (outcome == VerdictOutcome.Error) { errors++; errored[i] = true; }
            }
            rates.Add(new JudgePassRate(judge.Name, n == 0 ? 0 : pass / (double)n, errors));
        }
        return new JudgedBatch(passed, rates, errored.Count(e => e));
    }

    static IReadOnlyList<Verdict> Safely(IJudge judge, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        string name;
        try { name = judge.Name; } catch (Exception e) when (e is not OutOfMemoryException) { name = judge.GetType().Name; }
        IReadOnlyList<Verdict>? verdicts;
        try { verdicts = Deadline.Run(() => judge.Judge(samples), deadline, () => $"judge '{name}' gave no verdicts within its deadline of {Deadline.Describe(deadline)} per batch"); }
        catch (DeadlineExceededException e)
        {
            return samples.Select(_ => Verdict.Error(name, $"timed out: {e.Message}")).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return samples.Select(_ => Verdict.Error(name, $"judge threw {e.GetType().Name}: {e.Message}")).ToList();
        }
        if (verdicts is null || verdicts.Count != samples.Count)
            return samples.Select(_ => Verdict.Error(name, $"judge returned {verdicts?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} verdicts for {samples.Count} samples")).ToList();
        return verdicts.Select(v => v ?? Verdict.Error(name, "judge returned a null verdict")).ToList();
    }
}

/// <summary>The MoJ label of each sample, each judge's pass rate, and how many samples some judge errored on.</summary>
internal sealed record JudgedBatch(bool[] Passed, IReadOnlyList<JudgePassRate> Rates, int ErroredSamples);
