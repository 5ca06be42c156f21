namespace Blend;

/// <summary>
/// Non-finite next-token probabilities while sampling, in Blend's words: generation reports NaN/±inf logits itself (see
/// <see cref="Logits"/>), and <see cref="Guard"/> adds the phase, task and step, so torch's native "probability tensor contains
/// either inf, nan" never reaches the user.
/// </summary>
internal static class NonFinite
{
    /// <summary>The error generation throws when the next-token logits at <paramref name="where"/> hold NaN or ±inf.</summary>
    public static NonFiniteSamplingException Logits(string where) => new(
        $"{where}: the policy's next-token probabilities are not finite (NaN or ±inf) while sampling: its weights hold NaN/inf, from an update that diverged or a checkpoint saved that way. Lower the learning rate or MaxGradNorm.");

    /// <summary>
    /// Runs <paramref name="sample"/>; a non-finite sampling error (Blend's, or torch's native one) becomes a
    /// <see cref="NonFiniteSamplingException"/> whose message starts with <paramref name="where"/> (phase, task and step).
    /// </summary>
    public static T Guard<T>(Func<T> sample, string where)
    {
        try { return sample(); }
        catch (NonFiniteSamplingException e) { throw new NonFiniteSamplingException($"{where}: {e.Message}", e); }
        catch (Exception e) when (IsNativeNonFiniteSampling(e)) { throw new NonFiniteSamplingException(Logits(where).Message, e); }
    }

    static bool IsNativeNonFiniteSampling(Exception e) =>
        e.Message.Contains("inf", StringComparison.Ordinal) && e.Message.Contains("nan", StringComparison.Ordinal) && e.Message.Contains("probability", StringComparison.Ordinal);
}

/// <summary>Sampling met NaN or ±inf next-token probabilities; the message names where (generation step, and phase, task and step when a trainer or an evaluation ran it).</summary>
public sealed class NonFiniteSamplingException : InvalidOperationException
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public NonFiniteSamplingException(string message) : base(message) { }

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public NonFiniteSamplingException(string message, Exception inner) : base(message, inner) { }
}
