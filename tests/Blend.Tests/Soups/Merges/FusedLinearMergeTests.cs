using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>
/// The in-memory linear merge of large fp32 tensors (<c>LinearKernel.Fused</c>: one pass, non-temporal stores) against the
/// kernel's rule written out by hand, θ = ((λ₀x₀ + λ₁x₁) + λ₂x₂) in fp32, no fused multiply-add, at sizes that are no multiple
/// of the vector width and on targets and inputs that start off the 32-byte alignment the stores need.
/// </summary>
[Collection("Torch")]
public sealed class FusedLinearMergeTests
{
    const long N = (1L << 20) + 4099;

    static float[] Floats(Tensor t) => t.data<float>().ToArray();

    // θ by the rule, element by element in fp32 (λ₀ = 1 copies x₀).
    static float[] ByHand(float[][] xs, float[] w) =>
        Enumerable.Range(0, xs[0].Length).Select(i =>
        {
            float r = w[0] == 1f ? xs[0][i] : xs[0][i] * w[0];
            for (int k = 1; k < xs.Length; k++) r += xs[k][i] * w[k];
            return r;
        }).ToArray();

    [Theory]
    [InlineData(0, 0.2, 0.3, 0.5)]
    [InlineData(1, 0.2, 0.3, 0.5)]
    [InlineData(3, 1.0, -0.5, 0.5)]
    public void A_large_fp32_merge_gives_the_rule_s_bits_at_any_alignment(int offset, double l0, double l1, double l2)
    {
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported) Assert.True(LinearKernel.CanFuse);
        using var scope = NewDisposeScope();
        using var g = new TorchSharp.torch.Generator(23, CPU);
        // Each tensor is a view that starts `offset` floats into its storage (offset 1 and 3: 4 and 12 bytes off alignment).
        var storage = Enumerable.Range(0, 3).Select(i => randn([N + offset], generator: g) * (0.5 + i)).ToList();
        var inputs = storage.Select(s => s.narrow(0, offset, N)).ToList();
        var target = zeros(N + offset).narrow(0, offset, N);
        double[] lambdas = [l0, l1, l2];
        var experts = inputs.Select((x, i) => WeightSet.FromTensors([new KeyValuePair<string, Tensor>("w", x)], $"expert{i}")).ToList();
        var into = WeightSet.FromTensors([new KeyValuePair<string, Tensor>("w", target)], "target");
        Merge.Linear().AllowExtrapolation().Into(into, experts, lambdas);
        var expected = ByHand(inputs.Select(Floats).ToArray(), lambdas.Select(l => (float)l).ToArray());
        Assert.Equal(expected, Floats(target));
        // The same bits as the small-tensor path (LinearKernel.Step into a cached target), tensor by tensor.
        var small = Merge.Linear().AllowExtrapolation().Apply(experts.Select(e => WeightSet.FromTensors([new KeyValuePair<string, Tensor>("w", e.Read("w", CPU).narrow(0, 0, 5000))], "s")).ToList(), lambdas, CPU);
        Assert.Equal(expected[..5000], Floats(small.Read("w", CPU)));
    }
}
