namespace Blend;

/// <summary>Translates torch's native "non-finite probabilities" sampling error into the trainer's own message.</summary>
internal static class NonFinite
{
    /// <summary>Runs <paramref name="sample"/>; a native error about inf/NaN probabilities becomes an <see cref="InvalidOperationException"/> naming <paramref name="where"/> (task and step).</summary>
    public static T Guard<T>(Func<T> sample, string where)
    {
        try { return sample(); }
        catch (Exception e) when (IsNonFiniteSampling(e))
        {
            throw new InvalidOperationException(
                $"{where}: the policy's next-token probabilities are not finite (NaN or ±inf) while sampling; an earlier update diverged, so no update was applied. Lower the learning rate or MaxGradNorm.", e);
        }
    }

    static bool IsNonFiniteSampling(Exception e) =>
        e.Message.Contains("inf", StringComparison.Ordinal) && e.Message.Contains("nan", StringComparison.Ordinal) && e.Message.Contains("probability", StringComparison.Ordinal);
}
