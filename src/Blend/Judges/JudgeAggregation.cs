namespace Blend;

/// <summary>How a <see cref="JudgeMixture"/> combines its judges' verdicts on one sample.</summary>
public enum AggregationRule
{
    /// <summary>Pass iff every judge passes (CGPO's rule: a generation is violated if it fails any judge). Default.</summary>
    AllMustPass,

    /// <summary>Pass iff at least one judge passes.</summary>
    AnyPasses,

    /// <summary>Pass iff at least K judges pass.</summary>
    AtLeast,

    /// <summary>Pass iff the weighted mean of the judges' scores is ≥ a threshold (a verdict's score, else 1 for pass and 0 otherwise).</summary>
    WeightedScore,
}

/// <summary>An aggregation rule with its parameter.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="K">For <see cref="AggregationRule.AtLeast"/>: how many judges must pass.</param>
/// <param name="Threshold">For <see cref="AggregationRule.WeightedScore"/>: the pass threshold in [0, 1].</param>
public sealed record JudgeAggregation(AggregationRule Rule, int K = 0, double Threshold = 0)
{
    /// <summary>Combines one sample's verdicts (judge order) with their weights into the overall verdict.</summary>
    /// <remarks>
    /// Errors are violations counted apart: under all-must-pass a sample with no failure but an error is an error;
    /// under any/at-least it is an error when the errors could have changed the outcome; under weighted score an error
    /// scores 0 and makes the overall verdict an error when scoring it 1 would have passed.
    /// A sample with no judges is <see cref="VerdictOutcome.Unjudged"/> (never a pass).
    /// </remarks>
    public Verdict Combine(IReadOnlyList<Verdict> verdicts, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(weights);
        const string name = "overall";
        if (verdicts.Count == 0) return Verdict.Unjudged(name, "no judges for this task");
        int passed = verdicts.Count(v => v.Outcome == VerdictOutcome.Pass);
        int errors = verdicts.Count(v => v.Outcome == VerdictOutcome.Error);
        var firstFail = verdicts.FirstOrDefault(v => v.Outcome == VerdictOutcome.Fail);
        var firstError = verdicts.FirstOrDefault(v => v.Outcome == VerdictOutcome.Error);
        string Why(Verdict v) => string.IsNullOrEmpty(v.Reason) ? v.Judge : $"{v.Judge}: {v.Reason}";
        double fraction = (double)passed / verdicts.Count;
        switch (Rule)
        {
            case AggregationRule.AllMustPass:
                if (firstFail is not null) return Verdict.Fail(name, Why(firstFail), fraction);
                if (firstError is not null) return Verdict.Error(name, Why(firstError));
                return Verdict.Pass(name, $"all {verdicts.Count} judges pass", 1);
            case AggregationRule.AnyPasses:
                if (passed > 0) return Verdict.Pass(name, $"{passed}/{verdicts.Count} judges pass", fraction);
                if (firstError is not null) return Verdict.Error(name, Why(firstError));
                return Verdict.Fail(name, "no judge passes; " + Why(firstFail!), 0);
            case AggregationRule.AtLeast:
                if (passed >= K) return Verdict.Pass(name, $"{passed}/{verdicts.Count} judges pass (need {K})", fraction);
                if (passed + errors >= K) return Verdict.Error(name, $"{passed} pass, need {K}; " + Why(firstError!));
                return Verdict.Fail(name, $"{passed}/{verdicts.Count} judges pass, need {K}" + (firstFail is null ? "" : "; " + Why(firstFail)), fraction);
            default:
                double total = 0, score = 0, optimistic = 0;
                for (int i = 0; i < verdicts.Count; i++)
                {
                    double w = i < weights.Count ? weights[i] : 1;
                    var v = verdicts[i];
                    double s = v.Outcome == VerdictOutcome.Error ? 0 : v.Score is { } x && double.IsFinite(x) ? Math.Clamp(x, 0, 1) : v.Passed ? 1 : 0;
                    total += w;
                    score += w * s;
                    optimistic += w * (v.Outcome == VerdictOutcome.Error ? 1 : s);
                }
                double mean = total > 0 ? score / total : 1;
                if (mean >= Threshold) return Verdict.Pass(name, $"weighted score {mean:0.###} ≥ {Threshold:0.###}", mean);
                if (total > 0 && optimistic / total >= Threshold) return Verdict.Error(name, $"weighted score {mean:0.###} < {Threshold:0.###} with errors; " + Why(firstError!));
                return Verdict.Fail(name, $"weighted score {mean:0.###} < {Threshold:0.###}" + (firstFail is null ? "" : "; " + Why(firstFail)), mean);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Rule switch
    {
        AggregationRule.AtLeast => $"at least {K} pass",
        AggregationRule.WeightedScore => $"weighted score ≥ {Threshold:0.###}",
        AggregationRule.AnyPasses => "any passes",
        _ => "all must pass",
    };
}
