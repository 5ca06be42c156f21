namespace Blend;

/// <summary>
/// Compares the response's final answer with <see cref="Sample.Reference"/> as math (see <see cref="MathAnswer"/> for
/// extraction and equivalence). A sample with no reference, or an answer or reference that cannot be read (a matrix, an
/// unknown command, prose where math should be), gives an error verdict with the reason — never a guess.
/// </summary>
public sealed class MathAnswerJudge : SampleJudge
{
    /// <summary>Creates the judge.</summary>
    /// <param name="name">The judge's name.</param>
    /// <param name="tolerance">Absolute tolerance (default 0: exact).</param>
    /// <param name="requireFinalAnswerFormat">When true, the response must state "The final answer is …" or use <c>\boxed{}</c> (CGPO's math judge counts a correct answer in the wrong format as a violation).</param>
    /// <exception cref="ArgumentOutOfRangeException">The tolerance is negative or not finite.</exception>
    public MathAnswerJudge(string name = "math-answer", double tolerance = 0, bool requireFinalAnswerFormat = false)
        : this(new MathAnswerOptions { AbsoluteTolerance = tolerance, RequireFinalAnswerFormat = requireFinalAnswerFormat }, name) { }

    /// <summary>Creates the judge with full options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or not finite.</exception>
    public MathAnswerJudge(MathAnswerOptions options, string name = "math-answer") : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validated();
    }

    /// <summary>The judge's options.</summary>
    public MathAnswerOptions Options { get; }

    /// <summary>Absolute tolerance for numeric answers (0 = exact).</summary>
    public double Tolerance => Options.AbsoluteTolerance;

    /// <summary>Whether the answer must be stated as "The final answer is …" or boxed.</summary>
    public bool RequireFinalAnswerFormat => Options.RequireFinalAnswerFormat;

    /// <inheritdoc />
    protected override Verdict Check(Sample sample)
    {
        if (string.IsNullOrWhiteSpace(sample.Reference)) return Error("sample has no reference answer");
        var response = sample.Response;
        if (RequireFinalAnswerFormat && !response.Contains("\\boxed", StringComparison.Ordinal) && !response.Contains("\\fbox", StringComparison.Ordinal)
            && !response.Contains("final answer is", StringComparison.OrdinalIgnoreCase))
            return Fail("no 'The final answer is' sentence or \\boxed{} answer");
        var answer = MathAnswer.Extract(response);
        if (answer is null) return Fail("no final answer found");
        var (equal, reason) = MathAnswer.Compare(answer, sample.Reference, Options);
        return equal switch
        {
            true => Pass(reason),
            false => Fail(reason),
            null => Error(reason),
        };
    }
}

public static partial class Judge
{
    /// <summary>Checks the final answer against the sample's reference as math (exact, or within absolute <paramref name="tolerance"/>; default 0).</summary>
    /// <example><code>Judge.MathAnswer(tolerance: 1e-6)</code></example>
    public static MathAnswerJudge MathAnswer(double tolerance = 0, bool requireFinalAnswerFormat = false, string name = "math-answer") =>
        new(name, tolerance, requireFinalAnswerFormat);

    /// <summary>Checks the final answer against the sample's reference as math, with full options (relative tolerance, order).</summary>
    /// <example><code>Judge.MathAnswer(new MathAnswerOptions { RelativeTolerance = 1e-4, OrderMatters = true })</code></example>
    public static MathAnswerJudge MathAnswer(MathAnswerOptions options, string name = "math-answer") => new(options, name);
}
