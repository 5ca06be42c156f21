using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

[Collection("Torch")]
public class MergeTests
{
    internal static WeightSet Set(string label, params (string Name, float[] Values)[] tensors) =>
        WeightSet.FromTensors(tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, tensor(t.Values, device: CPU))), label);

    internal static WeightSet One(string label, params float[] values) => Set(label, ("w", values));

    internal static float[] Run(MergeMethod method, double[] lambdas, params WeightSet[] experts)
    {
        using var scope = NewDisposeScope();
        return method.Apply(experts, lambdas, CPU).Read("w", CPU).data<float>().ToArray();
    }

    internal static void Close(float[] expected, float[] actual, float tol = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]} got {actual[i]}");
    }

    [Fact]
    public void Linear_merge_matches_hand_computed_weighted_sum()
    {
        var a = One("a", 1, 2, 3, 4);
        var b = One("b", 5, 6, 7, 8);
        var c = One("c", 0, 0, 0, 8);
        Close([4, 5, 6, 7], Run(Merge.Linear(), [0.25, 0.75], a, b));
        // 0.5·a + 0.25·b + 0.25·c = [0.5+1.25+0, 1+1.5, 1.5+1.75, 2+2+2]
        Close([1.75f, 2.5f, 3.25f, 6], Run(Merge.Linear(), [0.5, 0.25, 0.25], a, b, c));
    }

    [Fact]
    public void Linear_merge_at_the_vertices_reproduces_each_expert_exactly()
    {
        var a = One("a", 0.1f, -2.7f, 3.3f);
        var b = One("b", 5.5f, 6.1f, -7.9f);
        Assert.Equal(new[] { 0.1f, -2.7f, 3.3f }, Run(Merge.Linear(), [1, 0], a, b));
        Assert.Equal(new[] { 5.5f, 6.1f, -7.9f }, Run(Merge.Linear(), [0, 1], a, b));
    }

    [Fact]
    public void Linear_merge_of_bf16_weights_accumulates_in_fp32()
    {
        // fp32: 0.5·256 + 0.25·2.40625 + 0.25·2.40625 = 129.203 → bf16 129.
        // A bf16 chain would round 128.60 → 129 and then 129.60 → 130.
        WeightSet Bf(string label, float v) => WeightSet.FromTensors([new("w", tensor(new[] { v }).to_type(ScalarType.BFloat16))], label);
        var target = WeightSet.FromTensors([new("w", zeros(1, ScalarType.BFloat16))], "target");
        Merge.Linear().Into(target, [Bf("a", 256), Bf("b", 2.40625f), Bf("c", 2.40625f)], [0.5, 0.25, 0.25]);
        var result = target.Read("w", CPU);
        Assert.Equal(ScalarType.BFloat16, result.dtype);
        Assert.Equal(129f, result.to_type(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void Blocked_linear_merge_matches_the_whole_tensor_chain()
    {
        BlendRuntime.Seed(5);
        var experts = Enumerable.Range(0, 3).Select(i => WeightSet.FromTensors([new("w", randn(7, 5))], $"e{i}")).ToArray();
        var blocked = new LinearMerge { BlockElements = 4 };
        var whole = new LinearMerge { BlockElements = 0 };
        foreach (var lambdas in new[] { new[] { 0.2, 0.3, 0.5 }, [0.0, 1.0, 0.0], [0.5, 0.0, 0.5] })
        {
            var a = blocked.Apply(experts, lambdas, CPU).Read("w", CPU);
            var b = whole.Apply(experts, lambdas, CPU).Read("w", CPU);
            Assert.True(a.allclose(b, rtol: 1e-6, atol: 1e-6), string.Join(",", lambdas));
        }
        // Vertices are exact in the blocked path too; extrapolation takes the mul/add chain.
        Assert.Equal(experts[1].Read("w", CPU).data<float>().ToArray(), blocked.Apply(experts, [0.0, 1.0, 0.0], CPU).Read("w", CPU).data<float>().ToArray());
        var extrapolated = ((LinearMerge)blocked.AllowExtrapolation()).Apply(experts, [-0.5, 1.5, 0.0], CPU).Read("w", CPU);
        var expected = experts[0].Read("w", CPU) * -0.5 + experts[1].Read("w", CPU) * 1.5;
        Assert.True(extrapolated.allclose(expected, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Task_arithmetic_adds_weighted_task_vectors_to_the_base()
    {
        var theta0 = One("base", 1, 1);
        var a = One("a", 3, 0);   // τ = [2, -1]
        var b = One("b", 1, 5);   // τ = [0, 4]
        Close([2, 1.5f], Run(Merge.TaskArithmetic(theta0), [0.5, 0.25], a, b));
        Close([1, 1], Run(Merge.TaskArithmetic(theta0), [0, 0], a, b));
        // λ = (1, 1) leaves the convex hull: only with AllowExtrapolation.
        var e = Assert.Throws<ArgumentException>(() => Run(Merge.TaskArithmetic(theta0), [1, 1], a, b));
        Assert.Contains("AllowExtrapolation", e.Message, StringComparison.Ordinal);
        Close([3, 4], Run(Merge.TaskArithmetic(theta0).AllowExtrapolation(), [1, 1], a, b));
    }

    [Fact]
    public void Ties_trims_elects_sign_and_takes_the_disjoint_mean()
    {
        var theta0 = One("base", 1, 1, 1, 1);
        var a = One("a", 4, 0, 1.5f, -3);    // τ₁ = [3, -1, 0.5, -4] → trimmed to [3, 0, 0, -4]
        var b = One("b", -1, 3, 1.1f, 0);    // τ₂ = [-2, 2, 0.1, -1] → trimmed to [-2, 2, 0, 0]
        // λ = (½, ½): γ = sgn([0.5, 1, 0, -2]); agreeing entries averaged: [3, 2, 0, -4].
        Close([4, 3, 1, -3], Run(Merge.Ties(0.5, theta0), [0.5, 0.5], a, b), 1e-5f);
        // λ = (¼, ¾): γ = sgn([-0.75, 1.5, 0, -1]) → [-2, 2, 0, -4].
        Close([-1, 3, 1, -3], Run(Merge.Ties(0.5, theta0), [0.25, 0.75], a, b), 1e-5f);
    }

    [Fact]
    public void Ties_trim_keeps_the_largest_magnitudes()
    {
        var t = Blend.TiesMerge.Trim(tensor(new float[] { 0.1f, -5, 2, -0.3f, 4 }), 0.4);
        Assert.Equal(new float[] { 0, -5, 0, 0, 4 }, t.data<float>().ToArray());
    }

    [Fact]
    public void Dare_drops_with_probability_p_and_rescales_by_one_over_one_minus_p()
    {
        var theta0 = One("base", 1, 1, 1, 1, 1, 1, 1, 1);
        var a = One("a", 3, 3, 3, 3, 3, 3, 3, 3);    // τ₁ = 2
        var b = One("b", 0, 0, 0, 0, 0, 0, 0, 0);    // τ₂ = -1
        var dare = Merge.Dare(0.5, seed: 3, baseModel: theta0);
        var m1 = DareMerge.KeepMask([8], 0.5, 3, 0, "w").data<float>().ToArray();
        var m2 = DareMerge.KeepMask([8], 0.5, 3, 1, "w").data<float>().ToArray();
        var expected = Enumerable.Range(0, 8).Select(i => 1 + 0.5f * 2 * m1[i] / 0.5f + 0.5f * -1 * m2[i] / 0.5f).ToArray();
        var actual = Run(dare, [0.5, 0.5], a, b);
        Close(expected, actual, 1e-5f);
        Assert.Equal(actual, Run(Merge.Dare(0.5, seed: 3, baseModel: theta0), [0.5, 0.5], a, b));
        Assert.NotEqual(actual, Run(Merge.Dare(0.5, seed: 4, baseModel: theta0), [0.5, 0.5], a, b));
        // p = 0 is task arithmetic.
        Close([1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f], Run(Merge.Dare(0, baseModel: theta0), [0.5, 0.5], a, b));
    }

    [Fact]
    public void Dare_keeps_the_expected_task_vector_on_average()
    {
        var n = 20000;
        var theta0 = One("base", new float[n]);
        var a = One("a", Enumerable.Repeat(1f, n).ToArray());
        var merged = Run(Merge.Dare(0.75, seed: 1, baseModel: theta0), [1.0], a);
        double kept = merged.Count(v => v != 0) / (double)n;
        Assert.InRange(kept, 0.24, 0.26);
        Assert.All(merged.Where(v => v != 0), v => Assert.Equal(4f, v));
        Assert.InRange(merged.Average(v => (double)v), 0.96, 1.04);
    }

    [Fact]
    public void Slerp_follows_the_great_circle_between_two_tensors()
    {
        var a = One("a", 1, 0);
        var b = One("b", 0, 1);
        float h = MathF.Sqrt(0.5f);
        Close([h, h], Run(Merge.Slerp(), [0.5, 0.5], a, b));
        // t = 1/3 on orthogonal vectors: sin(π/3), sin(π/6).
        Close([MathF.Sqrt(3) / 2, 0.5f], Run(Merge.Slerp(), [2.0 / 3, 1.0 / 3], a, b));
        // Magnitudes are interpolated with the same coefficients: v₀ = [2, 0].
        Close([2 * h, h], Run(Merge.Slerp(), [0.5, 0.5], One("a", 2, 0), b));
        Assert.Equal(new float[] { 1, 0 }, Run(Merge.Slerp(), [1, 0], a, b));
        Assert.Equal(new float[] { 0, 1 }, Run(Merge.Slerp(), [0, 1], a, b));
    }

    [Fact]
    public void Slerp_falls_back_to_linear_for_parallel_tensors()
    {
        Close([1.25f, 2.5f], Run(Merge.Slerp(), [0.75, 0.25], One("a", 1, 2), One("b", 2, 4)));
        Assert.Throws<ArgumentException>(() => Run(Merge.Slerp(), [0.2, 0.3, 0.5], One("a", 1), One("b", 1), One("c", 1)));
    }

    [Fact]
    public void Mismatched_shapes_names_and_dtypes_are_reported_with_the_tensor_name()
    {
        var a = Set("a", ("h.0.w", [1, 2]), ("h.1.w", [1, 2, 3]));
        var shape = Set("b", ("h.0.w", [1, 2]), ("h.1.w", [1, 2]));
        var name = Set("c", ("h.0.w", [1, 2]), ("h.2.w", [1, 2, 3]));
        var e1 = Assert.Throws<ArgumentException>(() => Merge.Linear().Apply([a, shape], [0.5, 0.5], CPU));
        Assert.Contains("'h.1.w' has shape [3] in 'a' but [2] in 'b'", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => Merge.Linear().Apply([a, name], [0.5, 0.5], CPU));
        Assert.Contains("'h.1.w'", e2.Message, StringComparison.Ordinal);
        var dtype = WeightSet.FromTensors([new("h.0.w", tensor(new double[] { 1, 2 })), new("h.1.w", tensor(new float[] { 1, 2, 3 }))], "d");
        var e3 = Assert.Throws<ArgumentException>(() => Merge.Linear().Apply([a, dtype], [0.5, 0.5], CPU));
        Assert.Contains("'h.0.w' has dtype", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lambdas_must_be_finite_and_on_the_simplex_unless_extrapolation_is_allowed()
    {
        var a = One("a", 1, 2);
        var b = One("b", 3, 5);
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => Run(Merge.Linear(), [double.NaN, 1], a, b)).Message, StringComparison.Ordinal);
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => Run(Merge.Linear().AllowExtrapolation(), [double.PositiveInfinity, 0], a, b)).Message, StringComparison.Ordinal);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Run(Merge.Linear(), [-0.5, 1.5], a, b)).Message, StringComparison.Ordinal);
        Assert.Contains("sum to", Assert.Throws<ArgumentException>(() => Run(Merge.Linear(), [0.5, 0.6], a, b)).Message, StringComparison.Ordinal);
        Assert.Contains("2 lambdas for 1", Assert.Throws<ArgumentException>(() => Run(Merge.Linear(), [0.5, 0.5], a)).Message, StringComparison.Ordinal);
        // -0.5·a + 1.5·b = [4, 6.5]
        Close([4, 6.5f], Run(Merge.Linear().AllowExtrapolation(), [-0.5, 1.5], a, b));
    }

    [Fact]
    public void Base_merges_without_a_base_say_how_to_supply_one()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(Merge.Ties(0.5), [0.5, 0.5], One("a", 1), One("b", 2)));
        Assert.Contains("needs a base model", e.Message, StringComparison.Ordinal);
    }
}
