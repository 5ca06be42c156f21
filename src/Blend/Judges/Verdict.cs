namespace Blend;

/// <summary>What a judge decided about one sample.</summary>
public enum VerdictOutcome
{
    /// <summary>The constraint holds.</summary>
    Pass,

    /// <summary>The constraint is violated.</summary>
    Fail,

    /// <summary>The judge could not decide (unparseable, crashed, timed out). CGPO treats it as a violation, counted apart.</summary>
    Error,

    /// <summary>
    /// No judge applies (the sample's task has no judges in the mixture): neither a pass nor a violation. Reports count it
    /// apart and leave it out of pass rates.
    /// </summary>
    Unjudged,
}

/// <summary>A judge's verdict on one sample.</summary>
/// <param name="Judge">The judge's name.</param>
/// <param name="Outcome">Pass, fail or error.</param>
/// <param name="Reason">A short human-readable reason (empty when there is nothing to say).</param>
/// <param name="Score">An optional score in [0, 1] (e.g. a model judge's pass probability).</param>
public sealed record Verdict(string Judge, VerdictOutcome Outcome, string Reason = "", double? Score = null)
{
    /// <summary>True when the outcome is <see cref="VerdictOutcome.Pass"/>.</summary>
    public bool Passed => Outcome == VerdictOutcome.Pass;

    /// <summary>A passing verdict.</summary>
    public static Verdict Pass(string judge, string reason = "", double? score = null) => new(judge, VerdictOutcome.Pass, reason, score);

    /// <summary>A failing verdict.</summary>
    public static Verdict Fail(string judge, string reason = "", double? score = null) => new(judge, VerdictOutcome.Fail, reason, score);

    /// <summary>An error verdict: the judge could not decide.</summary>
    public static Verdict Error(string judge, string reason) => new(judge, VerdictOutcome.Error, reason);

    /// <summary>An unjudged verdict: no judge applies to the sample (never a pass).</summary>
    public static Verdict Unjudged(string judge, string reason) => new(judge, VerdictOutcome.Unjudged, reason);
}
