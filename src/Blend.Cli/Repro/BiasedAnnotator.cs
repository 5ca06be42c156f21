using System.Globalization;

namespace Blend.Cli.Repro;

/// <summary>
/// The math experiment's biased annotator and its preference pairs: it scores a response as
/// <c>1[the math judge passes] + LengthBonus · words</c> and prefers a over b with probability σ(k · (score_a − score_b)).
/// The pairs are drawn on training problems from SFT samples, half of them padded with one to three extra answer sentences
/// taken from other problems (the way a verbose model rambles), so that length varies; padding makes the final answer wrong.
/// </summary>
internal sealed class BiasedAnnotator(double lengthBonus, double sharpness)
{
    static readonly IJudge Exact = Judge.MathAnswer();

    /// <summary>One labelled pair with its gold and biased scores.</summary>
    internal sealed record LabelledPair(PreferencePair Pair, double ChosenGold, double RejectedGold, double ChosenBiased, double RejectedBiased);

    /// <summary>The annotator's score of each sample: gold (1 when the exact answer is right) and biased (gold + bonus · words).</summary>
    public (double Gold, double Biased) Score(Sample sample)
    {
        double gold = Exact.Judge([sample])[0].Passed ? 1 : 0;
        return (gold, gold + lengthBonus * TextStats.Words(sample.Response));
    }

    /// <summary>
    /// One labelled pair per problem of <paramref name="problems"/>: two SFT samples (temperature 1), each padded with
    /// probability ½ by 1–3 gold answer sentences of other problems of <paramref name="padding"/>; identical pairs are skipped.
    /// </summary>
    public List<LabelledPair> Pairs(Policy sft, PromptSet problems, PromptSet padding, int maxNewTokens, int seed)
    {
        var rng = BlendRuntime.Random(seed, "math-hacking/annotator");
        var prompts = problems.Select(p => p.Text).ToList();
        var a = sft.Generate(prompts, new GenerationOptions { MaxNewTokens = maxNewTokens, Seed = BlendRuntime.DeriveSeed(seed, "math-hacking/pairs-a") });
        var b = sft.Generate(prompts, new GenerationOptions { MaxNewTokens = maxNewTokens, Seed = BlendRuntime.DeriveSeed(seed, "math-hacking/pairs-b") });
        string Pad(string response) => rng.NextDouble() < 0.5 ? response : PadWithAnswers(response, padding, rng);
        var pairs = new List<LabelledPair>();
        for (int i = 0; i < problems.Count; i++)
        {
            var item = problems[i];
            string x = Pad(a[i].Text), y = Pad(b[i].Text);
            if (x == y) continue;
            var sx = Score(new Sample(item.Task, item.Text, x) { Reference = item.Reference });
            var sy = Score(new Sample(item.Task, item.Text, y) { Reference = item.Reference });
            bool xWins = rng.NextDouble() < BradleyTerry.Sigmoid(sharpness * (sx.Biased - sy.Biased));
            var (c, r, sc, sr) = xWins ? (x, y, sx, sy) : (y, x, sy, sx);
            pairs.Add(new LabelledPair(new PreferencePair(item.Task, item.Text, c, r) { Id = item.Id, Source = "biased-annotator" }, sc.Gold, sr.Gold, sc.Biased, sr.Biased));
        }
        return pairs;
    }

    /// <summary>
    /// <paramref name="response"/> followed by 1–3 gold answer sentences of problems drawn uniformly from <paramref name="padding"/>
    /// (the padding of the annotator's pairs and of the padded SFT answers, <see cref="MathHackingOptions.SftPaddedFraction"/>).
    /// </summary>
    internal static string PadWithAnswers(string response, PromptSet padding, Random rng)
    {
        int extra = 1 + rng.Next(3);
        for (int i = 0; i < extra; i++)
            response += " " + (padding.Responses[rng.Next(padding.Count)] ?? throw new ArgumentException("BiasedAnnotator: a padding problem has no gold response."));
        return response;
    }

    /// <summary>How often the reward model orders held-out pairs as the sampled labels, the noise-free biased scores and gold do (ties left out).</summary>
    public static RewardAgreement Agreement(IRewardModel model, IReadOnlyList<LabelledPair> pairs)
    {
        var chosen = model.Score(pairs.Select(p => p.Pair.ChosenSample()).ToList());
        var rejected = model.Score(pairs.Select(p => p.Pair.RejectedSample()).ToList());
        double Rate(Func<int, double> sign)
        {
            var idx = Enumerable.Range(0, pairs.Count).Where(i => sign(i) != 0).ToList();
            return idx.Count == 0 ? double.NaN : idx.Count(i => Math.Sign(chosen[i] - rejected[i]) == Math.Sign(sign(i))) / (double)idx.Count;
        }
        return new RewardAgreement(pairs.Count,
            Rate(_ => 1),
            Rate(i => pairs[i].ChosenBiased - pairs[i].RejectedBiased),
            Rate(i => pairs[i].ChosenGold - pairs[i].RejectedGold),
            pairs.Count(p => p.ChosenGold != p.RejectedGold),
            LabelGoldAgreement(pairs));
    }

    static double LabelGoldAgreement(IReadOnlyList<LabelledPair> pairs)
    {
        var differ = pairs.Where(p => p.ChosenGold != p.RejectedGold).ToList();
        return differ.Count == 0 ? double.NaN : differ.Count(p => p.ChosenGold > p.RejectedGold) / (double)differ.Count;
    }
}

/// <summary>The reward model's pair accuracy on held-out pairs against each kind of label.</summary>
/// <param name="Pairs">Held-out pairs.</param>
/// <param name="VsLabels">Agreement with the annotator's sampled labels.</param>
/// <param name="VsBiased">Agreement with the sign of the annotator's noise-free biased score difference (ties left out).</param>
/// <param name="VsGold">Agreement with the gold order (exact answer; only pairs where exactly one is right).</param>
/// <param name="GoldPairs">Pairs where exactly one response is right.</param>
/// <param name="LabelsVsGold">How often the annotator's own label agrees with gold on those pairs.</param>
public sealed record RewardAgreement(int Pairs, double VsLabels, double VsBiased, double VsGold, int GoldPairs, double LabelsVsGold)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Pairs} held-out pairs: vs the annotator's labels {VsLabels:P1}, vs its noise-free biased order {VsBiased:P1}, vs gold {VsGold:P1} ({GoldPairs} pairs; the annotator's labels agree with gold on {LabelsVsGold:P1})");
}
