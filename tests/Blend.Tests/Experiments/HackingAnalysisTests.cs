using Blend.Cli.Repro;

namespace Blend.Tests.Experiments;

/// <summary>The analysis parts of the hacking reproductions (no training): the biased annotator, fall detection, the SVG chart.</summary>
public class HackingAnalysisTests
{
    [Fact]
    public void The_biased_annotator_scores_exact_answer_plus_a_bonus_per_word()
    {
        var annotator = new BiasedAnnotator(lengthBonus: 0.15, sharpness: 4);
        // "The answer is 96." is 4 words: 1 + 0.15·4 = 1.6.
        var right = annotator.Score(new Sample("math", "What is 68 + 28?", "The answer is 96.") { Reference = "96" });
        Assert.Equal(1.0, right.Gold);
        Assert.Equal(1.6, right.Biased, 12);
        // Padded with two answer sentences of other problems: the last statement wins, so the answer is wrong, 12 words: 0 + 1.8.
        var padded = annotator.Score(new Sample("math", "What is 68 + 28?", "The answer is 96. The answer is 12. The answer is 40.") { Reference = "96" });
        Assert.Equal(0.0, padded.Gold);
        Assert.Equal(1.8, padded.Biased, 12);
    }

    [Fact]
    public void Agreement_counts_each_kind_of_label_and_leaves_ties_out()
    {
        // A reward that counts words orders pairs exactly as the biased order does whenever lengths differ.
        var words = Reward.From("words", s => TextStats.Words(s.Response));
        static BiasedAnnotator.LabelledPair P(string chosen, string rejected, double cg, double rg, double cb, double rb) =>
            new(new PreferencePair("math", "q", chosen, rejected), cg, rg, cb, rb);
        var pairs = new[]
        {
            P("a b c d e", "a b c", 0, 1, 0.75, 1.45),   // label prefers the longer wrong one against the biased order and gold
            P("a b c", "a", 1, 0, 1.45, 0.15),         // all agree
            P("a b", "c d", 1, 1, 1.3, 1.3),           // ties in gold and biased; the model ties too
        };
        var a = BiasedAnnotator.Agreement(words, pairs);
        Assert.Equal(3, a.Pairs);
        Assert.Equal(2 / 3.0, a.VsLabels, 12);        // right on pairs 1 and 2, the tie in pair 3 counts as wrong
        Assert.Equal(0.5, a.VsBiased, 12);            // pairs 1 (wrong) and 2 (right); pair 3 is a tie, left out
        Assert.Equal(0.5, a.VsGold, 12);
        Assert.Equal(2, a.GoldPairs);
        Assert.Equal(0.5, a.LabelsVsGold, 12);        // the label matches gold on pair 2 only
    }

    [Fact]
    public void Fall_step_is_the_first_step_from_which_every_evaluation_stays_below_the_start_minus_the_tolerance()
    {
        // Seed 1: 0.95, 0.93 (within 0.05), 0.85 (fallen), 0.96 (recovered), 0.80, 0.70 → falls for good from step 40.
        // Seed 2: never below 0.90 → no fall. Mean: 0.95, 0.94, 0.90, 0.955, 0.85, 0.80 → falls from step 40 (bar 0.90).
        double[] s1 = [0.95, 0.93, 0.85, 0.96, 0.80, 0.70], s2 = [0.95, 0.95, 0.95, 0.95, 0.90, 0.90];
        var points = new List<HackingPoint>();
        for (int i = 0; i < s1.Length; i++)
        {
            points.Add(new HackingPoint("crpg-no-judges", 1, i * 10, "chat") { TrueScore = s1[i] });
            points.Add(new HackingPoint("crpg-no-judges", 2, i * 10, "chat") { TrueScore = s2[i] });
        }
        var result = new LateHackingResult(new RewardHackingResult(points, new RewardHackingOptions { Seeds = 2 }));
        Assert.Equal(40, result.FallStep("crpg-no-judges", "chat", seed: 1));
        Assert.Null(result.FallStep("crpg-no-judges", "chat", seed: 2));
        Assert.Equal(40, result.FallStep("crpg-no-judges", "chat"));
        Assert.Contains("**falls from step 40**", result.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_svg_chart_maps_the_data_range_onto_the_plot_area()
    {
        var svg = SvgLineChart.Render("t", "x", "y", [new SvgLineChart.Series("a", [(0, 0), (10, 1)])], yMin: 0, yMax: 1);
        // Plot area: x from 64 to 720 − 200 = 520, y from 36 + 316 = 352 (y = 0) up to 36 (y = 1).
        Assert.Contains("points=\"64.0,352.0 520.0,36.0\"", svg, StringComparison.Ordinal);
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render("t", "x", "y", [new SvgLineChart.Series("a", [(0, double.NaN)])]));
    }
}
