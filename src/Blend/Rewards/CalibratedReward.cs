using System.Collections.Concurrent;

namespace Blend;

/// <summary>
/// CGPO's calibrated reward (CGPO §4.1, eq. 8; docs/cgpo.md#calibrated-reward): R_calib(s, a) = σ(r(s, a) − r(s, ā)), with ā the prompt's baseline
/// response (the reference policy's answer, or a dataset's gold or preferred answer). Values lie in (0, 1) and read as
/// "probability that a beats the baseline".
/// </summary>
/// <remarks>
/// Baseline scores r(s, ā) are computed once per prompt and cached; the cache key is <see cref="Sample.Id"/> when set, else the
/// prompt text. Within one prompt the ranking of responses is unchanged (σ is monotone and the offset is shared).
/// </remarks>
public sealed class CalibratedReward : IRewardModel
{
    readonly Func<Sample, string?> _baseline;
    readonly ConcurrentDictionary<string, double> _cache = new(StringComparer.Ordinal);

    /// <summary>Calibrates <paramref name="reward"/> against the baseline response <paramref name="baseline"/> returns for a sample's prompt.</summary>
    /// <param name="reward">The raw reward model r.</param>
    /// <param name="baseline">The baseline response ā for a sample's prompt (null when there is none: scoring then fails, naming the prompt).</param>
    public CalibratedReward(IRewardModel reward, Func<Sample, string?> baseline)
    {
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(baseline);
        Reward = reward;
        _baseline = baseline;
    }

    /// <summary>The raw reward model r.</summary>
    public IRewardModel Reward { get; }

    /// <inheritdoc />
    public string Name => $"calibrated({Reward.Name})";

    /// <summary>The baseline response ā of a sample's prompt (null when there is none).</summary>
    internal Func<Sample, string?> BaselineOf => _baseline;

    /// <summary>Number of prompts whose baseline score is cached.</summary>
    public int CachedBaselines => _cache.Count;

    /// <summary>The cache key of a sample: its <see cref="Sample.Id"/>, else its prompt text.</summary>
    public static string KeyOf(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Id ?? sample.Prompt;
    }

    /// <summary>Forgets every cached baseline score (e.g. after the reward model changed).</summary>
    public void ClearCache() => _cache.Clear();

    /// <summary>The baseline score r(s, ā) of each sample's prompt (computing and caching the missing ones in one batch).</summary>
    /// <exception cref="InvalidOperationException">A prompt has no baseline response, or the reward returned a wrong count.</exception>
    public IReadOnlyList<double> BaselineScores(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var missing = new List<Sample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < samples.Count; i++)
        {
            var key = KeyOf(samples[i]);
            if (_cache.ContainsKey(key) || !seen.Add(key)) continue;
            var response = _baseline(samples[i])
                ?? throw new InvalidOperationException($"Calibrated reward '{Name}': no baseline response for sample {i} (task '{samples[i].Task}', key '{Shorten(key)}').");
            missing.Add(samples[i].WithResponse(response));
        }
        if (missing.Count > 0)
        {
            var scores = Reward.Score(missing);
            if (scores.Count != missing.Count) throw new InvalidOperationException($"Reward '{Reward.Name}' returned {scores.Count} scores for {missing.Count} baseline samples.");
            for (int i = 0; i < missing.Count; i++) _cache[KeyOf(missing[i])] = scores[i];
        }
        return samples.Select(s => _cache[KeyOf(s)]).ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var baselines = BaselineScores(samples);
        var raw = Reward.Score(samples);
        if (raw.Count != samples.Count) throw new InvalidOperationException($"Reward '{Reward.Name}' returned {raw.Count} scores for {samples.Count} samples.");
        return raw.Select((r, i) => Calibration.Of(r, baselines[i])).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"CalibratedReward({Reward.Name}, {CachedBaselines} cached baselines)";

    static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}

public static partial class Reward
{
    /// <summary>CGPO's calibrated reward σ(r(s,a) − r(s,ā)) with the baseline ā given by a function of the sample.</summary>
    /// <param name="reward">The raw reward model r.</param>
    /// <param name="baseline">The baseline response for a sample's prompt (e.g. <c>s =&gt; s.Reference</c> for a gold answer).</param>
    public static CalibratedReward Calibrated(IRewardModel reward, Func<Sample, string?> baseline) => new(reward, baseline);

    /// <summary>CGPO's calibrated reward with baselines taken from samples (e.g. the reference policy's greedy outputs), matched by <see cref="Sample.Id"/>, else prompt text.</summary>
    /// <param name="reward">The raw reward model r.</param>
    /// <param name="baselines">One baseline sample per prompt; its response is ā.</param>
    /// <exception cref="ArgumentException">Two baselines share a key.</exception>
    public static CalibratedReward Calibrated(IRewardModel reward, IEnumerable<Sample> baselines)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var b in baselines)
        {
            var key = CalibratedReward.KeyOf(b);
            if (!map.TryAdd(key, b.Response)) throw new ArgumentException($"Reward.Calibrated: two baselines for the same prompt key '{key}'.", nameof(baselines));
        }
        return new(reward, s => map.GetValueOrDefault(CalibratedReward.KeyOf(s)));
    }

    /// <summary>CGPO's calibrated reward with baselines from a prompt set's gold responses (S1 option 1), matched by prompt id.</summary>
    /// <param name="reward">The raw reward model r.</param>
    /// <param name="prompts">Prompts with gold <see cref="PromptSet.Responses"/>; items without one are skipped.</param>
    public static CalibratedReward Calibrated(IRewardModel reward, PromptSet prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return Calibrated(reward, prompts.Select((p, i) => (p, r: prompts.Responses[i])).Where(x => x.r is not null).Select(x => x.p.ToSample(x.r!)));
    }
}

/// <summary>Fluent helpers on <see cref="IRewardModel"/>.</summary>
public static class RewardModelExtensions
{
    /// <summary>This reward calibrated against a per-prompt baseline response (see <see cref="CalibratedReward"/>).</summary>
    public static CalibratedReward Calibrated(this IRewardModel reward, Func<Sample, string?> baseline) => Reward.Calibrated(reward, baseline);

    /// <summary>This reward calibrated against baseline samples, matched by id, else prompt text.</summary>
    public static CalibratedReward Calibrated(this IRewardModel reward, IEnumerable<Sample> baselines) => Reward.Calibrated(reward, baselines);

    /// <summary>This reward calibrated against a prompt set's gold responses.</summary>
    public static CalibratedReward Calibrated(this IRewardModel reward, PromptSet prompts) => Reward.Calibrated(reward, prompts);
}
