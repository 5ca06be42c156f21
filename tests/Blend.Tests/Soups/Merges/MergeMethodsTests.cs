using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>The mergekit-breadth methods, each against values computed by hand from the rule in its file.</summary>
[Collection("Torch")]
public class MergeMethodsTests
{
    static WeightSet One(string label, params float[] values) => MergeTests.One(label, values);

    static WeightSet Matrix(string label, float[,] values) => WeightSet.FromTensors([new("w", tensor(values, device: CPU))], label);

    static float[] Run(MergeMethod method, double[] lambdas, params WeightSet[] experts) => MergeTests.Run(method, lambdas, experts);

    static void Close(float[] expected, float[] actual, float tol = 1e-5f) => MergeTests.Close(expected, actual, tol);

    static readonly WeightSet Zero3 = One("base", 0, 0, 0);
    static readonly WeightSet A3 = One("a", 1, -2, 3);
    static readonly WeightSet B3 = One("b", -3, 1, 1);

    [Fact]
    public void Dare_ties_without_drops_elects_the_sign_of_the_weighted_sum_and_adds_the_agreeing_entries()
    {
        // d = ½(τa, τb) = [0.5,−1,1.5] + [−1.5,0.5,0.5] → γ = [−, −, +]; agreeing: [b, a, a+b] → [−1.5, −1, 2] (no mean).
        Close([-1.5f, -1, 2], Run(Merge.DareTies(1, baseModel: Zero3), [0.5, 0.5], A3, B3));
        Assert.Equal("dare_ties", Merge.DareTies(0.5).Name);
        Assert.Equal("dare_linear", Merge.DareLinear(0.5).Name);
    }

    [Fact]
    public void Dare_linear_keeps_with_probability_density_and_rescales_by_its_inverse()
    {
        var theta0 = One("base", 1, 1, 1, 1, 1, 1, 1, 1);
        var a = One("a", 3, 3, 3, 3, 3, 3, 3, 3);
        var m = DareMerge.KeepMask([8], 0.25, 7, 0, "w").data<float>().ToArray();
        // θ = 1 + 1·(2·m/0.25)
        Close(m.Select(k => 1 + 8 * k).ToArray(), Run(Merge.DareLinear(0.25, seed: 7, baseModel: theta0), [1.0], a));
        Assert.Equal(Run(Merge.DareLinear(0.25, seed: 7, baseModel: theta0), [1.0], a), Run(Merge.DareLinear(0.25, seed: 7, baseModel: theta0), [1.0], a));
    }

    [Fact]
    public void Breadcrumbs_drops_the_outliers_and_the_smallest_entries()
    {
        // n = 6, d = ½ → keep 3; γ = 0.2 → 1 outlier (−5); the 2 smallest (0.1, −0.3) go.
        var tau = tensor(new float[] { 0.1f, -5, 2, -0.3f, 4, 1 });
        Assert.Equal(new float[] { 0, 0, 2, 0, 4, 1 }, BreadcrumbsMerge.Mask(tau, 0.5, 0.2).data<float>().ToArray());
        // γ = 0 keeps the 3 largest (mergekit's [n_bot:-0] slice would keep none).
        Assert.Equal(new float[] { 0, -5, 2, 0, 4, 0 }, BreadcrumbsMerge.Mask(tau, 0.5, 0).data<float>().ToArray());
        var theta0 = One("base", 1, 1, 1, 1, 1, 1);
        var a = One("a", 1.1f, -4, 3, 0.7f, 5, 2);
        Close([1, 1, 2, 1, 3, 1.5f], Run(Merge.Breadcrumbs(0.5, 0.2, theta0), [0.5], a));
    }

    [Fact]
    public void Breadcrumbs_ties_elects_signs_after_masking()
    {
        // density 0.67, γ = 0.34 of 3 entries: keep 2, drop the largest: τa → [1, −2, 0], τb → [0, 1, 1];
        // λ = ½: sums [0.5, −0.5, 0.5] → γ = [+, −, +] → [1, −2, 1] (no mean).
        Close([0.5f, -1, 0.5f], Run(Merge.BreadcrumbsTies(0.67, 0.34, Zero3), [0.5, 0.5], A3, B3));
        // without consensus: ½([1,−2,0] + [0,1,1]) = [0.5, −0.5, 0.5]
        Close([0.5f, -0.5f, 0.5f], Run(Merge.Breadcrumbs(0.67, 0.34, Zero3), [0.5, 0.5], A3, B3));
    }

    [Fact]
    public void Della_keep_probabilities_rise_linearly_with_the_magnitude_rank_in_each_row()
    {
        var tau = tensor(new float[,] { { 0.1f, -5, 2 }, { 3, 0.2f, -1 } });
        // p = d − ε + 2ε·r/(m−1) with d = ½, ε = 0.2: ranks [0,2,1] and [2,0,1].
        Assert.Equal(new[] { 0.3f, 0.7f, 0.5f, 0.7f, 0.3f, 0.5f }, DellaMerge.KeepProbabilities(tau, 0.5, 0.2).data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void Della_is_deterministic_per_seed_and_unbiased()
    {
        int n = 20000;
        var theta0 = One("base", new float[n]);
        var a = One("a", Enumerable.Range(0, n).Select(i => 1 + (i % 7) * 0.1f).ToArray());
        var della = Merge.DellaLinear(0.4, 0.1, seed: 2, baseModel: theta0);
        var merged = Run(della, [1.0], a);
        Assert.Equal(merged, Run(Merge.DellaLinear(0.4, 0.1, seed: 2, baseModel: theta0), [1.0], a));
        Assert.NotEqual(merged, Run(Merge.DellaLinear(0.4, 0.1, seed: 3, baseModel: theta0), [1.0], a));
        Assert.InRange(merged.Count(v => v != 0) / (double)n, 0.38, 0.42);
        double mean = Enumerable.Range(0, n).Average(i => 1 + (i % 7) * 0.1);
        Assert.InRange(merged.Average(v => (double)v), mean * 0.96, mean * 1.04);
        var e = Assert.Throws<ArgumentException>(() => Run(Merge.Della(0.1, 0.15, baseModel: theta0), [1.0], a));
        Assert.Contains("density ± epsilon", e.Message, StringComparison.Ordinal);
        Assert.Equal("della", Merge.Della(0.5).Name);
    }

    [Fact]
    public void Model_stock_moves_from_the_base_toward_the_mean_by_the_cosine_rule()
    {
        // τa = [1, 0], τb = [1, 1]: c = 1/√2, t = 2c/(1 + c) = 0.828427; θ = t·[2, 1.5] + (1 − t)·[1, 1].
        double c = 1 / Math.Sqrt(2), t = 2 * c / (1 + c);
        Close([(float)(1 + t), (float)(1 + 0.5 * t)], Run(Merge.ModelStock(One("base", 1, 1)), [0.5, 0.5], One("a", 2, 1), One("b", 2, 2)));
        // Orthogonal task vectors: c = 0, t = 0 → the base.
        Close([1, 1], Run(Merge.ModelStock(One("base", 1, 1)), [0.5, 0.5], One("a", 2, 1), One("b", 1, 2)));
        Assert.Throws<ArgumentException>(() => Run(Merge.ModelStock(One("base", 1, 1)), [1.0], One("a", 2, 1)));
    }

    [Fact]
    public void Model_stock_filter_wise_uses_one_t_per_row()
    {
        // Row 0: τ = [1,0] and [1,1] → t = 0.828427; row 1: τ = [1,0] and [0,1] → t = 0.
        double c = 1 / Math.Sqrt(2), t = 2 * c / (1 + c);
        var baseSet = Matrix("base", new float[,] { { 0, 0 }, { 0, 0 } });
        var a = Matrix("a", new float[,] { { 1, 0 }, { 1, 0 } });
        var b = Matrix("b", new float[,] { { 1, 1 }, { 0, 1 } });
        Close([(float)t, (float)(0.5 * t), 0, 0], Run(Merge.ModelStock(baseSet, filterWise: true), [0.5, 0.5], a, b));
    }

    [Fact]
    public void Nuslerp_uses_t_from_the_weight_ratio_and_slerps_task_vectors_around_a_base()
    {
        float h = MathF.Sqrt(0.5f);
        Close([h, h], Run(Merge.NuSlerp(), [1, 1], One("a", 1, 0), One("b", 0, 1)));
        Close([MathF.Sqrt(3) / 2, 0.5f], Run(Merge.NuSlerp(), [2, 1], One("a", 1, 0), One("b", 0, 1)));
        Close([1 + h, 1 + h], Run(Merge.NuSlerp(One("base", 1, 1)), [1, 1], One("a", 2, 1), One("b", 1, 2)));
        // Per row: row 0 is orthogonal (slerp), row 1 colinear (lerp: [0, 1.5]).
        var rows = Run(Merge.NuSlerp(flatten: false), [1, 1], Matrix("a", new float[,] { { 1, 0 }, { 0, 1 } }), Matrix("b", new float[,] { { 0, 1 }, { 0, 2 } }));
        Close([h, h, 0, 1.5f], rows);
    }

    [Fact]
    public void Multislerp_scales_the_normalized_weighted_mean_direction_by_the_mean_norm()
    {
        // Units e₁, e₂, w = (¾, ¼): m = [3, 1]/√10, the tangent sum is 0, scale ¾·1 + ¼·2 = 1.25.
        double s = Math.Sqrt(10);
        Close([(float)(1.25 * 3 / s), (float)(1.25 / s)], Run(Merge.MultiSlerp(), [0.75, 0.25], One("a", 1, 0), One("b", 0, 2)));
        float h = MathF.Sqrt(0.5f);
        Close([h, h], Run(Merge.MultiSlerp(), [0.5, 0.5], One("a", 1, 0), One("b", 0, 1)));
        float r = 1 / MathF.Sqrt(3);
        Close([r, r, r], Run(Merge.MultiSlerp(), [1.0 / 3, 1.0 / 3, 1.0 / 3], One("a", 1, 0, 0), One("b", 0, 1, 0), One("c", 0, 0, 1)));
        var e = Assert.Throws<ArgumentException>(() => Run(Merge.MultiSlerp(), [1.0 / 3, 1.0 / 3, 1.0 / 3], One("a", 1, 0), One("b", -1, 0), One("c", 0, 0)));
        Assert.Contains("antipodal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Karcher_mean_on_the_circle_sits_at_the_weighted_angle()
    {
        // λ = (¾, ¼) on e₁ and e₂: the Riemannian mean is at ¼·90° = 22.5°; norms 1 → scale 1.
        Close([MathF.Cos(MathF.PI / 8), MathF.Sin(MathF.PI / 8)], Run(Merge.Karcher(), [0.75, 0.25], One("a", 1, 0), One("b", 0, 1)));
        // Norms 2 and 4, equal weights: the midpoint direction times 3.
        float h = MathF.Sqrt(0.5f);
        Close([3 * h, 3 * h], Run(Merge.Karcher(), [0.5, 0.5], One("a", 2, 0), One("b", 0, 4)));
    }

    [Fact]
    public void Sce_weights_by_mean_square_and_erases_sign_conflicts()
    {
        // Σ τ = [−2, −1, 4] → γ = [−, −, +]; w ∝ ½·[14/3, 11/3] → [0.56, 0.44];
        // entry 2: (0.56·3 + 0.44·1) / 1 = 2.12; entries 0, 1: the single agreeing model.
        Close([-3, -2, 2.12f], Run(Merge.Sce(1, Zero3), [0.5, 0.5], A3, B3));
        // select k = 0.7 (⌊2.1⌋ = 2 entries): variances [4, 2.25, 1] keep entries 0 and 1; entry 2 has no agreeing model → θ₀.
        Close([-3, -2, 0], Run(Merge.Sce(0.7, Zero3), [0.5, 0.5], A3, B3));
    }

    [Fact]
    public void Passthrough_copies_one_model_and_scales_only_with_extrapolation()
    {
        Assert.Equal(new float[] { 1, -2, 3 }, Run(Merge.Passthrough(), [1.0], A3));
        Close([0.5f, -1, 1.5f], Run(Merge.Passthrough().AllowExtrapolation(), [0.5], A3));
        Assert.Throws<ArgumentException>(() => Run(Merge.Passthrough(), [0.5], A3));
        Assert.Throws<ArgumentException>(() => Run(Merge.Passthrough(), [0.5, 0.5], A3, B3));
    }
}
