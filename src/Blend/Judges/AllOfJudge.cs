namespace Blend;

public static partial class Judge
{
    /// <summary>
    /// One judge that passes when every inner judge passes (CGPO's all-must-pass rule as a single judge), failing with the
    /// first inner failure's reason and erring when an inner judge errs and none fails.
    /// </summary>
    /// <param name="name">The combined judge's name.</param>
    /// <param name="judges">The inner judges, in the order they are asked.</param>
    /// <example><code>Judge.AllOf("concise-calm", Judge.Length(maxWords: 12), Judge.Regex("!", mustMatch: false))</code></example>
    /// <exception cref="ArgumentException">No inner judge, or one is null.</exception>
    public static IJudge AllOf(string name, params IJudge[] judges)
    {
        ArgumentNullException.ThrowIfNull(judges);
        if (judges.Length == 0 || judges.Any(j => j is null)) throw new ArgumentException($"Judge.AllOf('{name}'): give at least one judge, none null.", nameof(judges));
        return From(name, s =>
        {
            Verdict? error = null;
            foreach (var j in judges)
            {
                var v = j.Judge([s])[0];
                if (v.Outcome == VerdictOutcome.Fail) return Verdict.Fail(name, j.Name + ": " + v.Reason);
                if (v.Outcome != VerdictOutcome.Pass) error ??= Verdict.Error(name, j.Name + ": " + v.Reason);
            }
            return error ?? Verdict.Pass(name);
        });
    }
}
