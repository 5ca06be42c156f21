namespace Blend;

/// <summary>One evaluated soup: its coefficients λ and the mean reward of every objective.</summary>
/// <param name="Index">Position in the sweep (row key of the frame).</param>
/// <param name="Lambda">λ, one entry per expert.</param>
/// <param name="Rewards">Mean reward per objective, in the sweep's objective order.</param>
public sealed record SoupPoint(int Index, IReadOnlyList<double> Lambda, IReadOnlyList<double> Rewards)
{
    /// <summary>Mean per-token negative log-likelihood of the loss texts (null when the sweep had none).</summary>
    public double? Nll { get; init; }

    /// <summary>The merge parameter an axis sweep varies (<see cref="SweepAxis.Parameter"/>), or null for a λ sweep's soups and the experts.</summary>
    public string? Parameter { get; init; }

    /// <summary>The value of <see cref="Parameter"/> for this soup, or null.</summary>
    public double? Setting { get; init; }

    /// <summary>What the soup is, for charts and tables: <c>density=0.3</c> on an axis, else <c>λ=(0.3, 0.7)</c>.</summary>
    public string Label => Parameter is null || Setting is not double v ? "λ=" + LambdaText : Parameter + "=" + v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>λ as text, e.g. <c>(0.3, 0.7)</c>.</summary>
    public string LambdaText => "(" + string.Join(", ", Lambda.Select(l => l.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))) + ")";
}
