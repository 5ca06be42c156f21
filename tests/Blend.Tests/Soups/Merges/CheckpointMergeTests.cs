using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>Out-of-core merges of Hugging Face folders: equal to the in-memory merge, sharded on both sides, atomic, loadable.</summary>
[Collection("Torch")]
public class CheckpointMergeTests(MergeFolders folders) : IClassFixture<MergeFolders>
{
    string A => folders.Dir("expert-a");
    string B => folders.Dir("expert-b");
    string Base => folders.Dir("base");

    [Fact]
    public void The_streamed_linear_merge_equals_the_in_memory_merge_bit_for_bit_and_loads_as_a_policy()
    {
        var outDir = folders.NewOut();
        var result = CheckpointMerge.Run(Merge.Linear(), [A, B], [0.3, 0.7], outDir, options: new CheckpointMergeOptions { BlockElements = 100 });
        var merged = MergeFolders.Tensors(outDir);
        using var a = WeightSet.FromSafetensors(A);
        using var b = WeightSet.FromSafetensors(B);
        using var inMemory = Merge.Linear().Apply([a, b], [0.3, 0.7], CPU);
        Assert.Equal(a.Tensors.Count, result.Tensors);
        foreach (var info in a.Tensors)
        {
            Assert.Equal(inMemory.Read(info.Name, CPU).data<float>().ToArray(), merged[info.Name].data<float>().ToArray());
            var expected = a.Read(info.Name, CPU) * 0.3 + b.Read(info.Name, CPU) * 0.7;
            Assert.True(merged[info.Name].allclose(expected, 1e-6, 1e-6), info.Name);
        }
        using var policy = Blend.Policy.Load(outDir, CPU);
        Assert.IsType<Blend.Models.Llama>(policy.Model);
        Assert.True(File.Exists(Path.Combine(outDir, "tokenizer.json")));
        // λ at a vertex copies the expert exactly.
        var vertex = folders.NewOut();
        CheckpointMerge.Run(Merge.Linear(), [A, B], [0, 1], vertex);
        foreach (var (name, t) in MergeFolders.Tensors(vertex)) Assert.Equal(b.Read(name, CPU).data<float>().ToArray(), t.data<float>().ToArray());
    }

    [Fact]
    public void Sharded_output_and_sharded_input_give_the_same_tensors()
    {
        var single = folders.NewOut();
        CheckpointMerge.Run(Merge.Ties(0.5), [A, B], [0.5, 0.5], single, baseModel: Base);
        var sharded = folders.NewOut();
        var result = CheckpointMerge.Run(Merge.Ties(0.5), [A, B], [0.5, 0.5], sharded, baseModel: Base, new CheckpointMergeOptions { MaxShardBytes = 20_000 });
        Assert.True(result.Shards > 2, $"{result.Shards} shards");
        Assert.True(File.Exists(Path.Combine(sharded, "model.safetensors.index.json")));
        Assert.False(File.Exists(Path.Combine(sharded, "model.safetensors")));
        var s1 = MergeFolders.Tensors(single);
        var s2 = MergeFolders.Tensors(sharded);
        Assert.Equal(s1.Keys.Order(), s2.Keys.Order());
        foreach (var (name, t) in s1) Assert.Equal(t.data<float>().ToArray(), s2[name].data<float>().ToArray());
        using (var policy = Blend.Policy.Load(sharded, CPU)) Assert.IsType<Blend.Models.Llama>(policy.Model);
        // The sharded folder as an input: passthrough copies it exactly.
        var copy = folders.NewOut();
        CheckpointMerge.Run(Merge.Passthrough(), [sharded], [1], copy);
        foreach (var (name, t) in MergeFolders.Tensors(copy)) Assert.Equal(s1[name].data<float>().ToArray(), t.data<float>().ToArray());
    }

    [Fact]
    public void A_bf16_output_is_accumulated_in_fp32_and_marked_in_config_json()
    {
        var outDir = folders.NewOut();
        CheckpointMerge.Run(Merge.Linear(), [A, B], [0.5, 0.5], outDir, options: new CheckpointMergeOptions { DType = ScalarType.BFloat16 });
        var merged = MergeFolders.Tensors(outDir);
        using var a = WeightSet.FromSafetensors(A);
        using var b = WeightSet.FromSafetensors(B);
        using var inMemory = Merge.Linear().Apply([a, b], [0.5, 0.5], CPU);
        foreach (var info in a.Tensors)
        {
            Assert.Equal(ScalarType.BFloat16, merged[info.Name].dtype);
            var expected = inMemory.Read(info.Name, CPU).to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
            Assert.Equal(expected.data<float>().ToArray(), merged[info.Name].to_type(ScalarType.Float32).data<float>().ToArray());
        }
        Assert.Contains("\"torch_dtype\": \"bfloat16\"", File.ReadAllText(Path.Combine(outDir, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_during_the_merge_leaves_the_previous_output_untouched_and_no_temporary_folder()
    {
        var outDir = folders.NewOut();
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "marker"), "previous");
        // density ± epsilon outside (0, 1) is only found when the first tensor is sparsified, i.e. during the work.
        Assert.Throws<ArgumentException>(() => CheckpointMerge.Run(Merge.Della(0.1, 0.15), [A, B], [0.5, 0.5], outDir, baseModel: Base));
        Assert.Equal("previous", File.ReadAllText(Path.Combine(outDir, "marker")));
        Assert.Empty(Directory.GetDirectories(folders.Root, Path.GetFileName(outDir) + ".tmp-*"));
    }

    [Fact]
    public void Bad_inputs_are_named_before_any_tensor_is_read()
    {
        var outDir = folders.NewOut();
        Assert.Contains("needs a base model", Assert.Throws<ArgumentException>(() => CheckpointMerge.Run(Merge.Ties(0.5), [A, B], [0.5, 0.5], outDir)).Message, StringComparison.Ordinal);
        Assert.Contains("does not use a base", Assert.Throws<ArgumentException>(() => CheckpointMerge.Run(Merge.Linear(), [A, B], [0.5, 0.5], outDir, baseModel: Base)).Message, StringComparison.Ordinal);
        Assert.Contains("is (or holds) the input", Assert.Throws<ArgumentException>(() => CheckpointMerge.Run(Merge.Linear(), [A, B], [0.5, 0.5], A)).Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => CheckpointMerge.Run(Merge.Linear(), [A, Path.Combine(folders.Root, "nowhere")], [0.5, 0.5], outDir));
        Assert.False(Directory.Exists(outDir));
    }
}
