using Blend.Cli.Repro;
using Blend.DataGen;

namespace Blend.Tests.Experiments;

/// <summary>
/// The math experiment's padded SFT answers (<see cref="MathHackingOptions.SftPaddedFraction"/>) and the SFT cache's key:
/// a fixed fraction of answers carry 1–3 answer sentences of other problems, and a cache made with another fraction is not loaded.
/// </summary>
[Collection("Torch")]
public class MathSftPaddingTests
{
    static readonly TaskSplit Split = TaskGenerator.Split("math", 40, 8);

    [Fact]
    public void A_fixed_fraction_of_answers_is_padded_with_one_to_three_answer_sentences_of_training_problems()
    {
        var train = Split.Train;
        var padded = MathSftCache.Padded(train, new MathHackingOptions { SftPaddedFraction = 0.15 });
        Assert.Equal(train.Count, padded.Count);
        var gold = train.Responses.Select(r => r!).ToHashSet();
        int changed = 0;
        for (int i = 0; i < train.Count; i++)
        {
            Assert.Equal(train[i], padded[i]);
            string original = train.Responses[i]!, response = padded.Responses[i]!;
            if (response == original) continue;
            changed++;
            Assert.StartsWith(original + " ", response, StringComparison.Ordinal);
            // Every answer is one "The answer is N." sentence, so the tail splits into whole gold answers.
            var sentences = response[(original.Length + 1)..].Replace(". ", ".\n", StringComparison.Ordinal).Split('\n');
            Assert.InRange(sentences.Length, 1, 3);
            Assert.All(sentences, s => Assert.Contains(s, gold));
        }
        Assert.Equal(6, changed); // round(0.15 · 40)
        Assert.Equal(padded.Responses, MathSftCache.Padded(train, new MathHackingOptions { SftPaddedFraction = 0.15 }).Responses);
        Assert.Same(train, MathSftCache.Padded(train, new MathHackingOptions { SftPaddedFraction = 0 }));
    }

    [Fact]
    public void The_sft_cache_is_keyed_on_the_padded_fraction_and_rejects_a_bad_fraction()
    {
        var codec = TextCodec.Cl100k().Compact(Split.Train.Concat(Split.Test).Select(i => i.Text).Concat(Split.Train.Responses!).Concat(Split.Test.Responses!)!);
        var tiny = new MathHackingOptions { TrainProblems = 40, TestProblems = 8, SftSteps = 2, SftBatchSize = 4, Width = 16, Layers = 1, SftPaddedFraction = 0.15 };
        Assert.Contains("padded_fraction=0.15\n", MathSftCache.Stamp(tiny, codec), StringComparison.Ordinal);
        Assert.NotEqual(MathSftCache.Stamp(tiny, codec), MathSftCache.Stamp(tiny with { SftPaddedFraction = 0 }, codec));
        var dir = Path.Combine(Path.GetTempPath(), $"blend-math-sft-{Guid.NewGuid():N}");
        try
        {
            bool Cached(MathHackingOptions o)
            {
                var (policy, cached) = MathSftCache.LoadOrTrain(dir, codec, Split.Train, Split.Test, o, null);
                policy.Dispose();
                return cached;
            }
            Assert.False(Cached(tiny with { SftPaddedFraction = 0 }));
            Assert.True(Cached(tiny with { SftPaddedFraction = 0 }));
            Assert.False(Cached(tiny)); // made without padding: not loaded
            Assert.True(Cached(tiny));
            var e = Assert.Throws<ArgumentException>(() => Cached(tiny with { SftPaddedFraction = 1.5 }));
            Assert.Contains("SftPaddedFraction", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
