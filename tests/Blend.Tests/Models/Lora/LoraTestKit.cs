using System.Diagnostics;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Models.Lora;

/// <summary>Helpers of the LoRA tests: trained-looking adapters, logits, tensor snapshots and the NumPy merge script.</summary>
internal static class LoraTestKit
{
    /// <summary>Rank 4, α 8 on every projection of Blend's GPT (attention, its output and the MLP).</summary>
    public static readonly LoraOptions EveryProjection = new() { Rank = 4, Alpha = 8, TargetModules = ["c_attn", "c_proj", "c_fc"] };

    /// <summary>Ids for a forward pass (within every tiny vocabulary).</summary>
    public static readonly long[] Ids = [1, 5, 9, 2, 7, 3, 11, 4];

    /// <summary>Gives every B of <paramref name="adapter"/> random values (as if trained), deterministic in <paramref name="seed"/>.</summary>
    public static LoraAdapter Randomize(LoraAdapter adapter, int seed, double std = 0.05)
    {
        using var gen = new Generator((ulong)seed, CPU);
        using var noGrad = no_grad();
        foreach (var layer in adapter.Layers) layer.B.Weight.normal_(0, std, gen);
        return adapter;
    }

    /// <summary>Logits [T, V] of <see cref="Ids"/>, float32 on the CPU.</summary>
    public static Tensor Logits(Blend.Policy policy)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        bool training = policy.Model.training;
        policy.Model.eval();
        var logits = policy.Model.forward(tensor(Ids, [1, Ids.Length]))[0].to(ScalarType.Float32).clone();
        if (training) policy.Model.train();
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>A copy of every base parameter (no adapter tensor).</summary>
    public static Dictionary<string, Tensor> BaseSnapshot(Blend.Policy policy) =>
        policy.Model.named_parameters().Where(p => !p.name.Contains(".lora_", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());

    public static void AssertBitIdentical(Dictionary<string, Tensor> before, Blend.Policy policy)
    {
        var now = policy.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, t) in before)
            Assert.True(t.eq(now[name]).all().item<bool>(), $"base tensor {name} changed");
    }

    /// <summary>Both policies hold the same tensors, bit for bit.</summary>
    public static void AssertSameWeights(Blend.Policy a, Blend.Policy b)
    {
        var x = a.Model.state_dict();
        var y = b.Model.state_dict();
        Assert.Equal(x.Keys, y.Keys);
        foreach (var (name, t) in x) Assert.True(t.eq(y[name]).all().item<bool>(), $"{name} differs");
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();

    /// <summary>Runs <c>tests/reference/peft_merge.py</c>: the adapter merged into the base folder by NumPy, written to <paramref name="outDir"/>.</summary>
    public static void NumPyMerge(string adapterDir, string baseDir, string outDir)
    {
        var script = RepoRoot.File("tests/reference/peft_merge.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, adapterDir, baseDir, outDir }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{script} did not finish in 60 s."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {stderr.Result}");
    }

    public static void Delete(params string[] dirs)
    {
        foreach (var d in dirs) if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    public static Blend.Policy Tiny(int seed = 3) => TinyPolicy.Create(seed);
}
