using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Blend;

/// <summary>An exact rational number parsed from a math answer (integers, decimals and fractions compare exactly).</summary>
/// <param name="Numerator">The numerator (carries the sign).</param>
/// <param name="Denominator">The denominator (positive, coprime with the numerator).</param>
public sealed record MathNumber(BigInteger Numerator, BigInteger Denominator)
{
    /// <summary>The value as a double.</summary>
    public double Value => (double)Numerator / (double)Denominator;

    /// <summary>A reduced fraction with a positive denominator.</summary>
    /// <exception cref="DivideByZeroException">The denominator is zero.</exception>
    public static MathNumber Of(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("denominator is zero");
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        return g.IsOne || g.IsZero ? new(numerator, denominator) : new(numerator / g, denominator / g);
    }

    /// <inheritdoc />
    public override string ToString() => Denominator.IsOne
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Math answers as math benchmarks grade them: <see cref="Extract"/> finds the final answer (last <c>\boxed{}</c>, a later
/// "final answer is" / "answer:", the last math span, the last <c>= …</c>, the last number), and <see cref="Equivalent"/>
/// parses LaTeX or plain math into an expression tree and compares by structure and value (exact rationals; symbolic
/// expressions at seeded random points; π, e, √, ±; intervals, tuples, sets, solution lists; relations with direction;
/// <c>x = …</c> against bare values; percent, degrees, units, <c>\text{}</c> words; thousands separators, decimal commas,
/// mixed numbers; multiple-choice letters). The engine lives in <c>src/Blend/Judges/Math/</c>.
/// </summary>
public static partial class MathAnswer
{
    /// <summary>The final-answer text of <paramref name="response"/>, or null when there is none.</summary>
    public static string? Extract(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return AnswerExtraction.Extract(response);
    }

    /// <summary>The exact value of an answer text that is one number or numeric expression (<c>\frac{2}{4}</c>, <c>-2.5 km</c>,
    /// <c>918\frac12</c>), or null when it is not one rational value.</summary>
    public static MathNumber? Parse(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            return MathParser.Parse(answer) is ScalarAnswer s && !MathEvaluation.HasPlusMinus(s.Expr)
                ? MathEvaluation.Exact(s.Expr is PercentExpr p ? p.Operand : s.Expr) : null;
        }
        catch (MathParseException) { return null; }
    }

    /// <summary>Extracts and parses the final answer of <paramref name="response"/>; null when it is not one rational value.</summary>
    public static MathNumber? ExtractNumber(string response) => Extract(response) is { } a ? Parse(a) : null;

    /// <summary>A canonical text form: no spaces, <c>$</c>, <c>\left</c>/<c>\right</c>, trailing period; lower case.</summary>
    public static string Canonical(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var s = answer.Replace("\\left", "", StringComparison.Ordinal).Replace("\\right", "", StringComparison.Ordinal)
            .Replace("$", "", StringComparison.Ordinal).Trim().TrimEnd('.');
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) if (!char.IsWhiteSpace(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="answer"/> (an answer text, not a whole response) is the same answer as <paramref name="reference"/>.</summary>
    /// <exception cref="FormatException">Either text cannot be read as a math answer (matrices, unknown commands, prose); the message says why.</exception>
    public static bool Equivalent(string answer, string reference, MathAnswerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(reference);
        var (equal, reason) = Compare(answer, reference, (options ?? new MathAnswerOptions()).Validated());
        return equal ?? throw new FormatException(reason);
    }

    /// <summary>Compares an answer text with a reference: (true/false, reason), or (null, why it cannot decide).</summary>
    internal static (bool? Equal, string Reason) Compare(string answer, string reference, MathAnswerOptions options)
    {
        if (MultipleChoice.Letter(reference) is { } letter)
        {
            var chosen = MultipleChoice.LeadingLetter(answer);
            if (chosen is null) return (false, $"no choice letter in '{SampleJudge.Clip(answer)}' (reference {letter})");
            return chosen == letter ? (true, $"choice {chosen}") : (false, $"choice {chosen} ≠ {letter}");
        }
        MathAnswerValue expected;
        try { expected = MathParser.Parse(reference); }
        catch (MathParseException e) { return (null, $"reference '{SampleJudge.Clip(reference)}' unreadable: {e.Message}"); }
        if (expected is ScalarAnswer && DecimalComma().Match(answer) is { Success: true } dc)
            answer = dc.Groups["i"].Value + "." + dc.Groups["f"].Value;
        MathAnswerValue actual;
        try { actual = MathParser.Parse(answer); }
        catch (MathParseException e) { return (null, $"answer '{SampleJudge.Clip(answer)}' unreadable: {e.Message}"); }
        try
        {
            return new MathEquivalence(options).Equivalent(expected, actual)
                ? (true, $"answer {SampleJudge.Clip(answer)}")
                : (false, $"answer '{SampleJudge.Clip(answer)}' ≠ reference '{SampleJudge.Clip(reference)}'");
        }
        catch (MathParseException e) { return (null, $"cannot compare '{SampleJudge.Clip(answer)}' with '{SampleJudge.Clip(reference)}': {e.Message}"); }
    }

    /// <summary>A lone number with a decimal comma (<c>3,5</c>, <c>0,25</c>, <c>2,7183</c>): not three digits after the comma.</summary>
    [GeneratedRegex(@"^\s*\$?(?<i>-?\d+),(?<f>\d{1,2}|\d{4,})\$?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalComma();
}
