namespace Blend;

/// <summary>How a <see cref="RewardNormalizer"/> keeps its running mean and variance.</summary>
public enum RewardNormalization
{
    /// <summary>Welford's exact running mean and population variance over every score seen so far.</summary>
    Welford,

    /// <summary>An exponential moving average: μ ← d·μ + (1 − d)·x, v ← d·(v + (1 − d)(x − μ_old)²), per score in order.</summary>
    Ema,
}

/// <summary>
/// Running normalization of a <see cref="RewardMixture"/>'s components, z = (r − μ) / (σ + ε), with μ and σ updated with each
/// batch before it is normalized. Its configuration (<see cref="Method"/>, <see cref="Epsilon"/>, <see cref="Decay"/>) is fixed
/// at creation; its running statistics are an explicit, immutable <see cref="RewardNormalizerState"/> that
/// <see cref="State"/> shows and <see cref="Restore"/> puts back (a checkpoint saves it with <see cref="RewardNormalizerState.Save"/>).
/// </summary>
/// <remarks>
/// The normalizer is the one stateful part of a reward mixture: the mixture's configuration never changes, and every mixture
/// derived from a normalized one (<see cref="RewardMixture.Add(string, IRewardModel, double)"/>, <see cref="RewardMixture.Clip"/>…)
/// shares its normalizer, and so its statistics; pass a new normalizer to <see cref="RewardMixture.Normalize(RewardNormalizer)"/>
/// to start fresh. Updates are atomic per batch and component (thread-safe). docs/rewards.md#running-normalization has the update rules.
/// </remarks>
/// <example><code>
/// var normalizer = RewardNormalizer.Welford();
/// var mix = RewardMixture.Create().Add("len", lengthReward).Normalize(normalizer);
/// mix.Evaluate(batch);
/// normalizer.State.Save("out/reward-normalizer.json");    // … later: normalizer.Restore(RewardNormalizerState.Load(path))
/// </code></example>
public sealed class RewardNormalizer
{
    readonly object _gate = new();
    RewardNormalizerState _state = RewardNormalizerState.Empty;

    RewardNormalizer(RewardNormalization method, double epsilon, double decay)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "RewardNormalizer: ε must be a positive finite number.");
        Method = method;
        Epsilon = epsilon;
        Decay = decay;
    }

    /// <summary>Welford's running mean and population standard deviation over every score seen (the default of <see cref="RewardMixture.Normalize(double)"/>).</summary>
    /// <param name="epsilon">ε in z = (r − μ)/(σ + ε) (default 1e-8).</param>
    public static RewardNormalizer Welford(double epsilon = 1e-8) => new(RewardNormalization.Welford, epsilon, double.NaN);

    /// <summary>An exponential moving average of the mean and variance (recent batches weigh more).</summary>
    /// <param name="decay">d in (0, 1): the weight of the past per score (default 0.99).</param>
    /// <param name="epsilon">ε in z = (r − μ)/(σ + ε) (default 1e-8).</param>
    public static RewardNormalizer Ema(double decay = 0.99, double epsilon = 1e-8)
    {
        if (!(decay > 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "RewardNormalizer.Ema: decay must be in (0, 1).");
        return new(RewardNormalization.Ema, epsilon, decay);
    }

    /// <summary>Welford or an exponential moving average.</summary>
    public RewardNormalization Method { get; }

    /// <summary>ε of z = (r − μ)/(σ + ε).</summary>
    public double Epsilon { get; }

    /// <summary>d of the moving average (NaN for Welford).</summary>
    public double Decay { get; }

    /// <summary>A normalizer with the same configuration and no statistics.</summary>
    public RewardNormalizer Fresh() => new(Method, Epsilon, Decay);

    /// <summary>The running statistics now (an immutable snapshot).</summary>
    public RewardNormalizerState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>Replaces the running statistics (a checkpoint's, or <see cref="RewardNormalizerState.Empty"/>).</summary>
    public void Restore(RewardNormalizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate) _state = state;
    }

    /// <summary>σ of a component's moments under this normalizer's method.</summary>
    public double StandardDeviation(RewardMoments moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        return Method == RewardNormalization.Ema ? Math.Sqrt(moments.M2) : moments.Count > 0 ? Math.Sqrt(moments.M2 / moments.Count) : 0.0;
    }

    /// <summary>The moments after adding <paramref name="scores"/> in order (a pure function of its inputs).</summary>
    public RewardMoments Update(RewardMoments moments, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(scores);
        int count = moments.Count;
        double mean = moments.Mean, m2 = moments.M2;
        foreach (var x in scores)
        {
            if (Method == RewardNormalization.Welford)
            {
                count++;
                double delta = x - mean;
                mean += delta / count;
                m2 += delta * (x - mean);
            }
            else if (count++ == 0)
            {
                mean = x;
                m2 = 0;
            }
            else
            {
                double delta = x - mean;
                mean += (1 - Decay) * delta;
                m2 = Decay * (m2 + (1 - Decay) * delta * delta);
            }
        }
        return moments with { Count = count, Mean = mean, M2 = m2 };
    }

    /// <summary>Adds a batch of one component's scores to the statistics and returns them normalized with the updated μ, σ.</summary>
    internal double[] Normalize(string name, string? task, IReadOnlyList<double> scores)
    {
        RewardMoments moments;
        lock (_gate)
        {
            moments = Update(_state.Find(name, task) ?? new RewardMoments(name, task, 0, 0, 0), scores);
            _state = _state.With(moments);
        }
        double mean = moments.Mean, scale = StandardDeviation(moments) + Epsilon;
        return [.. scores.Select(r => (r - mean) / scale)];
    }

    /// <inheritdoc />
    public override string ToString() => Method == RewardNormalization.Welford
        ? FormattableString.Invariant($"RewardNormalizer welford, ε={Epsilon:G3}")
        : FormattableString.Invariant($"RewardNormalizer ema d={Decay:G4}, ε={Epsilon:G3}");
}
