namespace Blend;

/// <summary>Verdict counts of one judge (or of the overall verdict of one task) over a batch.</summary>
/// <param name="Name">The judge or task name.</param>
/// <param name="Samples">Samples judged.</param>
/// <param name="Passed">Pass verdicts.</param>
/// <param name="Failed">Fail verdicts.</param>
/// <param name="Errors">Error verdicts (counted apart from failures).</param>
/// <param name="Unjudged">Samples no judge applied to (counted apart; never a pass, left out of <see cref="PassRate"/>).</param>
public sealed record JudgeStats(string Name, int Samples, int Passed, int Failed, int Errors, int Unjudged = 0)
{
    /// <summary>Samples a judge actually decided on (pass, fail or error): <c>Samples − Unjudged</c>.</summary>
    public int Judged => Samples - Unjudged;

    /// <summary>Passed / Judged (errors count as not passed); NaN when no sample was judged.</summary>
    public double PassRate => Judged == 0 ? double.NaN : (double)Passed / Judged;

    /// <summary>Counts the outcomes of <paramref name="verdicts"/>.</summary>
    public static JudgeStats Of(string name, IEnumerable<Verdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        int n = 0, p = 0, f = 0, e = 0, u = 0;
        foreach (var v in verdicts)
        {
            n++;
            switch (v.Outcome)
            {
                case VerdictOutcome.Pass: p++; break;
                case VerdictOutcome.Fail: f++; break;
                case VerdictOutcome.Unjudged: u++; break;
                default: e++; break;
            }
        }
        return new JudgeStats(name, n, p, f, e, u);
    }

    /// <inheritdoc />
    public override string ToString() => Judged == 0 && Samples > 0
        ? $"{Name}: unjudged ({Samples} samples, no judges)"
        : $"{Name}: {PassRate:P1} pass ({Passed}/{Judged}, {Failed} fail, {Errors} error" + (Unjudged > 0 ? $", {Unjudged} unjudged)" : ")");
}
