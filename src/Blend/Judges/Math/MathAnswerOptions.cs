namespace Blend;

/// <summary>Options of the math-answer judge (<see cref="Judge.MathAnswer(MathAnswerOptions, string)"/>).</summary>
public sealed record MathAnswerOptions
{
    /// <summary>Absolute tolerance: values within it are equal (default 0: exact rationals compare exactly).</summary>
    public double AbsoluteTolerance { get; init; }

    /// <summary>Relative tolerance: |a − b| ≤ tol · max(|a|, |b|) counts as equal (default 0). Irrational and symbolic values
    /// are always compared with at least 1e-9 relative tolerance, since they are evaluated in floating point.</summary>
    public double RelativeTolerance { get; init; }

    /// <summary>Whether a bare list of answers (<c>1, 2</c>) must come in the reference's order (default false: solution lists
    /// are sets). Tuples and intervals are always ordered; <c>\{…\}</c> sets never are.</summary>
    public bool OrderMatters { get; init; }

    /// <summary>When true, the response must state "The final answer is …" or use <c>\boxed{}</c> (CGPO's math judge counts
    /// a correct answer in the wrong format as a violation).</summary>
    public bool RequireFinalAnswerFormat { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or not finite.</exception>
    public MathAnswerOptions Validated()
    {
        if (!(AbsoluteTolerance >= 0) || double.IsInfinity(AbsoluteTolerance))
            throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), AbsoluteTolerance, "tolerance must be finite and ≥ 0");
        if (!(RelativeTolerance >= 0) || double.IsInfinity(RelativeTolerance))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), RelativeTolerance, "tolerance must be finite and ≥ 0");
        return this;
    }
}
