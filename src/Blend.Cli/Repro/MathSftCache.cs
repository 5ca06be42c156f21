using System.Globalization;

namespace Blend.Cli.Repro;

/// <summary>
/// The math experiment's SFT policy, trained once and cached in the output folder (<c>sft-policy/</c>, with the settings it
/// was trained with in <c>sft-settings.txt</c>, the padded fraction of its answers included): a rerun with the same settings
/// loads it instead of training again; a cache made with other settings (or before the padding option) is retrained.
/// </summary>
internal static class MathSftCache
{
    /// <summary>The settings that determine the SFT policy, one per line (the cache key).</summary>
    public static string Stamp(MathHackingOptions o, TextCodec codec) => string.Create(CultureInfo.InvariantCulture,
        $"train_problems={o.TrainProblems}\ntest_problems={o.TestProblems}\nsteps={o.SftSteps}\nbatch={o.SftBatchSize}\nlr={o.SftLearningRate}\nseed={o.SftSeed}\nwidth={o.Width}\nlayers={o.Layers}\nvocab={codec.VocabSize}\npadded_fraction={o.SftPaddedFraction}\n")
        + (o.PolicyProblems is { } n ? string.Create(CultureInfo.InvariantCulture, $"policy_problems={n}\n") : "");

    /// <summary>Loads the cached SFT policy from <paramref name="outDir"/> when its settings match, else trains it and caches it; frozen.</summary>
    /// <returns>The policy and whether it came from the cache.</returns>
    public static (Policy Policy, bool Cached) LoadOrTrain(string outDir, TextCodec codec, PromptSet train, PromptSet test, MathHackingOptions o, IProgress<string>? log)
    {
        if (o.SftPaddedFraction is < 0 or > 1 || double.IsNaN(o.SftPaddedFraction))
            throw new ArgumentException($"MathHackingOptions.SftPaddedFraction: {o.SftPaddedFraction} is not a fraction in [0, 1].");
        string dir = Path.Combine(outDir, "sft-policy"), stampFile = Path.Combine(outDir, "sft-settings.txt");
        var stamp = Stamp(o, codec);
        if (Directory.Exists(dir) && File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp)
        {
            log?.Report($"SFT policy: loaded from {dir} (same settings)");
            return (Policy.Load(dir, codec: codec).Freeze(), true);
        }
        var config = GptConfig.Small(codec.VocabSize) with { Positions = GptPositions.Rotary, Layers = o.Layers, Width = o.Width, Heads = 4 };
        var policy = Policy.Create(codec, config, o.SftSeed);
        try
        {
            Sft.Train(policy, Padded(train, o), test, new SftOptions
            {
                Steps = o.SftSteps, BatchSize = o.SftBatchSize, LearningRate = o.SftLearningRate, MinLearningRate = o.SftLearningRate / 10,
                WarmupSteps = Math.Min(100, o.SftSteps / 10), WeightDecay = 0.1, EvalEvery = Math.Max(1, o.SftSteps / 6), Seed = o.SftSeed,
            }, new SyncProgress<SftStep>(s =>
            {
                if (s.EvalLoss is not null) log?.Report(string.Create(CultureInfo.InvariantCulture, $"SFT step {s.Step}: loss {s.Loss:F4}, eval {s.EvalLoss:F4} ({s.Seconds:F0} s)"));
            }));
            Directory.CreateDirectory(outDir);
            policy.Save(dir);
            AtomicFile.WriteAllText(stampFile, stamp);
            return (policy.Freeze(), false);
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <paramref name="train"/> with round(<see cref="MathHackingOptions.SftPaddedFraction"/> · n) answers, chosen at random
    /// (seeded by the SFT seed), padded by <see cref="BiasedAnnotator.PadWithAnswers"/> with answers of other training problems.
    /// </summary>
    internal static PromptSet Padded(PromptSet train, MathHackingOptions o)
    {
        int count = (int)Math.Round(o.SftPaddedFraction * train.Count);
        if (count == 0) return train;
        var rng = BlendRuntime.Random(o.SftSeed, "math-hacking/sft-padding");
        var order = Enumerable.Range(0, train.Count).ToArray();
        rng.Shuffle(order);
        var padded = order.Take(count).ToHashSet();
        var responses = train.Responses.Select((r, i) => padded.Contains(i)
            ? BiasedAnnotator.PadWithAnswers(r ?? throw new ArgumentException($"MathSftCache: training problem '{train[i].Id}' has no gold response."), train, rng)
            : r);
        return new PromptSet(train, responses);
    }
}
