using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>
/// The streamed (block-by-block, multi-threaded) linear merge of folders against the in-memory <c>Merge.Linear()</c>,
/// on folders written here: fp32, bf16 and fp16, sizes that are no multiple of the block or the vector width, sharded
/// inputs and outputs, a truncated shard.
/// </summary>
[Collection("Torch")]
public sealed class StreamedLinearMergeTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "blend-stream-" + Guid.NewGuid().ToString("N")[..12]);

    static readonly (string Name, long[] Shape)[] Shapes = [("a.weight", [37, 53]), ("b.bias", [7]), ("c.weight", [1, 4099]), ("d.scalar", [1])];

    // Model i: seeded normal values (scale 0.05 + i), written as one file or as two shards with an index.
    string Folder(string name, int seed, ScalarType dtype, bool sharded)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "llama", "num_hidden_layers": 1}""");
        using var scope = NewDisposeScope();
        using var g = new TorchSharp.torch.Generator((ulong)(17 + seed), CPU);
        var tensors = Shapes.Select(s => new NamedTensor(s.Name, (randn(s.Shape, generator: g) * (0.05 + seed)).to_type(dtype))).ToList();
        if (!sharded)
        {
            Safetensors.Write(Path.Combine(dir, "model.safetensors"), tensors);
            return dir;
        }
        var map = new System.Text.Json.Nodes.JsonObject();
        for (int s = 0; s < 2; s++)
        {
            var file = $"model-{s + 1:D5}-of-00002.safetensors";
            var part = tensors.Where((_, i) => i % 2 == s).ToList();
            Safetensors.Write(Path.Combine(dir, file), part);
            foreach (var t in part) map[t.Name] = file;
        }
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), new System.Text.Json.Nodes.JsonObject { ["weight_map"] = map }.ToJsonString());
        return dir;
    }

    static Dictionary<string, Tensor> Read(string dir)
    {
        using var source = CheckpointSource.Open(dir);
        return source.WeightMap.Keys.ToDictionary(n => n, n => source.Read(n));
    }

    static WeightSet InMemory(string dir) => WeightSet.FromTensors(Read(dir), dir);

    static float[] Floats(Tensor t) => t.to_type(ScalarType.Float32).data<float>().ToArray();

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void The_streamed_merge_of_three_sharded_folders_equals_the_in_memory_merge_bit_for_bit(ScalarType dtype)
    {
        var models = Enumerable.Range(0, 3).Select(i => Folder($"{dtype}-{i}", i, dtype, sharded: i != 1)).ToList();
        double[] lambdas = [0.2, 0.3, 0.5];
        var experts = models.Select(InMemory).ToList();
        using var inMemory = Merge.Linear().Apply(experts, lambdas, CPU);
        foreach (var block in new long[] { 1000, 1L << 16 })
        {
            var outDir = Path.Combine(_root, $"out-{dtype}-{block}");
            var result = CheckpointMerge.Run(Merge.Linear(), models, lambdas, outDir, options: new CheckpointMergeOptions { BlockElements = block, MaxShardBytes = 8_000 });
            Assert.True(result.Shards >= 2, $"{result.Shards} shards");
            var merged = Read(outDir);
            Assert.Equal(Shapes.Length, merged.Count);
            foreach (var (name, shape) in Shapes)
            {
                Assert.Equal(dtype, merged[name].dtype);
                Assert.Equal(shape, merged[name].shape);
                Assert.Equal(Floats(inMemory.Read(name, CPU)), Floats(merged[name]));
                // Against Σ λᵢ θᵢ in fp64, rounded once to the dtype: within the dtype's rounding (fp32 chain error ≪ half an ulp of bf16/fp16).
                var exact = experts.Select((e, i) => e.Read(name, CPU).to_type(ScalarType.Float64) * lambdas[i]).Aggregate((a, b) => a + b);
                double tolerance = dtype == ScalarType.Float32 ? 1e-6 : dtype == ScalarType.BFloat16 ? 8e-3 : 1e-3;
                Assert.True(merged[name].to_type(ScalarType.Float64).allclose(exact, tolerance, 1e-6), $"{dtype} {name}");
            }
        }
        foreach (var e in experts) e.Dispose();
    }

    [Fact]
    public void Extrapolated_and_vertex_lambdas_and_a_bf16_output_of_fp32_inputs_match_the_in_memory_merge()
    {
        var models = Enumerable.Range(0, 2).Select(i => Folder($"x-{i}", i, ScalarType.Float32, sharded: false)).ToList();
        var experts = models.Select(InMemory).ToList();
        // λ off the simplex (task-arithmetic style extrapolation).
        var method = Merge.Linear().AllowExtrapolation();
        using (var inMemory = method.Apply(experts, [1.5, -0.5], CPU))
        {
            var outDir = Path.Combine(_root, "extra");
            CheckpointMerge.Run(method, models, [1.5, -0.5], outDir, options: new CheckpointMergeOptions { BlockElements = 333 });
            foreach (var (name, t) in Read(outDir))
            {
                Assert.Equal(Floats(inMemory.Read(name, CPU)), Floats(t));
                var hand = Floats(experts[0].Read(name, CPU)).Zip(Floats(experts[1].Read(name, CPU)), (a, b) => 1.5f * a + -0.5f * b).ToArray();
                Assert.Equal(hand, Floats(t));   // the kernel's rule: fp32 products, one fp32 sum, no FMA
            }
        }
        // λ at a vertex copies the expert exactly (the other is not read).
        var vertex = Path.Combine(_root, "vertex");
        CheckpointMerge.Run(Merge.Linear(), models, [0, 1], vertex);
        foreach (var (name, t) in Read(vertex)) Assert.Equal(Floats(experts[1].Read(name, CPU)), Floats(t));
        // fp32 inputs into a bf16 output: torch's round-to-nearest-even of the in-memory fp32 merge.
        var bf16 = Path.Combine(_root, "bf16");
        CheckpointMerge.Run(Merge.Linear(), models, [0.25, 0.75], bf16, options: new CheckpointMergeOptions { DType = ScalarType.BFloat16, BlockElements = 500 });
        using (var inMemory = Merge.Linear().Apply(experts, [0.25, 0.75], CPU))
            foreach (var (name, t) in Read(bf16))
            {
                Assert.Equal(ScalarType.BFloat16, t.dtype);
                Assert.Equal(Floats(inMemory.Read(name, CPU).to_type(ScalarType.BFloat16)), Floats(t));
            }
        foreach (var e in experts) e.Dispose();
    }

    [Fact]
    public void A_truncated_input_shard_fails_the_merge_naming_the_tensor_and_leaves_the_previous_output_untouched()
    {
        var good = Folder("good", 0, ScalarType.Float32, sharded: false);
        var bad = Folder("bad", 1, ScalarType.Float32, sharded: false);
        var file = Path.Combine(bad, "model.safetensors");
        using (var f = new FileStream(file, FileMode.Open)) f.SetLength(f.Length - 100);
        var outDir = Path.Combine(_root, "kept");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "marker"), "previous");
        var e = Assert.ThrowsAny<Exception>(() => CheckpointMerge.Run(Merge.Linear(), [good, bad], [0.5, 0.5], outDir));
        Assert.True(e is FormatException or IOException or ArgumentException, e.ToString());
        Assert.Equal("previous", File.ReadAllText(Path.Combine(outDir, "marker")));
        Assert.Single(Directory.GetFileSystemEntries(outDir));
        Assert.Empty(Directory.GetDirectories(_root, "kept.tmp-*"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }
}
