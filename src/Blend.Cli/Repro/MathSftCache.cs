using System.Globalization;

namespace Blend.Cli.Repro;

/// <summary>
/// The math experiment's SFT policy, trained once and cached in the output folder (<c>sft-policy/</c>, with the settings it
/// was trained with in <c>sft-settings.txt</c>): a rerun with the same settings loads it instead of training again.
/// </summary>
internal static class MathSftCache
{
    /// <summary>The settings that determine the SFT policy, one per line (the cache key).</summary>
    public static string Stamp(MathHackingOptions o, TextCodec codec) => string.Create(CultureInfo.InvariantCulture,
        $"train_problems={o.TrainProblems}\ntest_problems={o.TestProblems}\nsteps={o.SftSteps}\nbatch={o.SftBatchSize}\nlr={o.SftLearningRate}\nseed={o.SftSeed}\nwidth={o.Width}\nlayers={o.Layers}\nvocab={codec.VocabSize}\n");

    /// <summary>Loads the cached SFT policy from <paramref name="outDir"/> when its settings match, else trains it and caches it; frozen.</summary>
    /// <returns>The policy and whether it came from the cache.</returns>
    public static (Policy Policy, bool Cached) LoadOrTrain(string outDir, TextCodec codec, PromptSet train, PromptSet test, MathHackingOptions o, IProgress<string>? log)
    {
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
            Sft.Train(policy, train, test, new SftOptions
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
}
