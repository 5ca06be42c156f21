using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace Blend.Benchmarks;

/// <summary>
/// Out-of-core merge of Hugging Face folders: <c>CheckpointMerge.Run(Merge.Linear(), …)</c> of 3 checkpoints of ~1 GB
/// (fp32, Llama-like shapes, 2 shards each) into a sharded output, in a child process (its peak RSS is the merge's own),
/// against reading the same input files once with <c>cat</c> to /dev/null, interleaved in the same run.
/// </summary>
/// <remarks>
/// The checkpoints are generated once into <c>$TMPDIR/blend-merge-bench</c> (never committed) and reused. Read-bandwidth
/// ratio = cat time / merge time (both read the same 3 × S bytes; the merge also writes S). A second ceiling, cat of the
/// inputs then <c>dd</c> of S bytes from /dev/zero on the output's filesystem (with and without fsync), shows what the write costs. Goals: ratio ≥ 0.7, peak RSS
/// ≤ 3 × the largest tensor + 200 MB. Options: <c>--layers N</c> (default 14), <c>--rounds N</c> (default 2), <c>--dir D</c>.
/// </remarks>
internal static class MergeSuite
{
    const int Hidden = 1024, Intermediate = 4096, Vocab = 32000;

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "--child") return Child(args[1..]);
        int layers = Option(args, "--layers", 14);
        int rounds = Option(args, "--rounds", 2);
        var root = args.Contains("--dir") ? args[Array.IndexOf(args, "--dir") + 1] : Path.Combine(Path.GetTempPath(), "blend-merge-bench");
        BlendRuntime.UseDevice("cpu");
        var models = Enumerable.Range(0, 3).Select(i => Path.Combine(root, $"model-{i}-{layers}l")).ToList();
        foreach (var (dir, i) in models.Select((d, i) => (d, i))) Generate(dir, layers, i);
        var inputs = models.SelectMany(d => Directory.GetFiles(d, "*.safetensors")).ToList();
        long inputBytes = inputs.Sum(f => new FileInfo(f).Length);
        long largest = Shapes(layers).Max(s => s.Shape.Aggregate(1L, (a, b) => a * b)) * 4;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"merge: 3 × {inputBytes / 3 / 1e9:F2} GB fp32 checkpoints ({Shapes(layers).Count} tensors, largest {largest / 1e6:F0} MB), linear λ = (0.2, 0.3, 0.5), {rounds} interleaved rounds"));
        var output = Path.Combine(root, "merged");
        long outputBytes = inputBytes / 3;
        var cat = new List<double>();
        var catWrite = new List<double>();
        var catWriteSync = new List<double>();
        var durable = new List<(double Seconds, long PeakKb)>();
        var noSync = new List<(double Seconds, long PeakKb)>();
        for (int r = 0; r < rounds; r++)
        {
            cat.Add(Cat(inputs));
            catWrite.Add(CatAndWrite(inputs, outputBytes, root, fsync: false));
            catWriteSync.Add(CatAndWrite(inputs, outputBytes, root, fsync: true));
            durable.Add(MergeInChild(models, output, fsync: true));
            noSync.Add(MergeInChild(models, output, fsync: false));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1}: cat {cat[^1]:F2} s, merge {durable[^1].Seconds:F2} s (peak RSS {durable[^1].PeakKb / 1024.0:F0} MB), without fsync {noSync[^1].Seconds:F2} s (peak RSS {noSync[^1].PeakKb / 1024.0:F0} MB)"));
        }
        double bestCat = cat.Min();
        double goalMb = 3 * largest / 1e6 + 200;
        Console.WriteLine($"{"form (best of the rounds)",-52} {"time s",8} {"read GB/s",10} {"vs cat",7} {"peak RSS MB",12}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"cat inputs > /dev/null (read once)",-52} {bestCat,8:F2} {inputBytes / bestCat / 1e9,10:F2} {1.0,7:F2} {"",12}"));
        void Row(string name, List<(double Seconds, long PeakKb)> runs)
        {
            double best = runs.Min(m => m.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-52} {best,8:F2} {inputBytes / best / 1e9,10:F2} {bestCat / best,7:F2} {runs.Max(m => m.PeakKb) / 1024.0,12:F0}"));
        }
        void Ceiling(string name, List<double> runs) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-52} {runs.Min(),8:F2} {inputBytes / runs.Min() / 1e9,10:F2} {bestCat / runs.Min(),7:F2} {"",12}"));
        Ceiling("cat inputs + dd of the output's size (no fsync)", catWrite);
        Ceiling("cat inputs + dd of the output's size, fsynced", catWriteSync);
        Row("CheckpointMerge.Run(Merge.Linear()), shards fsynced", durable);
        Row("the same, FlushToDisk = false", noSync);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"goals: read-bandwidth ratio ≥ 0.7; peak RSS ≤ {goalMb:F0} MB (3 × largest tensor + 200 MB)"));
        if (Directory.Exists(output)) Directory.Delete(output, true);
        return 0;
    }

    static int Child(string[] args)
    {
        BlendRuntime.UseDevice("cpu");
        bool fsync = args[0] == "fsync";
        var output = args[1];
        var models = args[2..];
        var clock = Stopwatch.StartNew();
        var result = CheckpointMerge.Run(Merge.Linear(), models, [0.2, 0.3, 0.5], output, options: new CheckpointMergeOptions { MaxShardBytes = 600_000_000, FlushToDisk = fsync });
        double seconds = clock.Elapsed.TotalSeconds;
        var peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {seconds} {peak} {result.Shards}"));
        return 0;
    }

    static (double, long) MergeInChild(List<string> models, string output, bool fsync)
    {
        var exe = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(MergeSuite).Assembly.Location);
        foreach (var a in new[] { "merge", "--child", fsync ? "fsync" : "nosync", output }.Concat(models)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var text = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException("merge child did not finish in 600 s"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"merge child failed ({p.ExitCode}): {err.Result}");
        var f = text.Split('\n').First(l => l.StartsWith("RESULT ", StringComparison.Ordinal)).Split(' ');
        return (double.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture));
    }

    static double Cat(List<string> files)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "cat \"$@\" > /dev/null", "cat", .. files]);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException("cat did not finish in 600 s"); }
        return clock.Elapsed.TotalSeconds;
    }

    // The second ceiling: read the inputs once, then write a file of the output's size on the output's filesystem.
    static double CatAndWrite(List<string> files, long bytes, string dir, bool fsync)
    {
        var target = Path.Combine(dir, "dd-ceiling.bin");
        long mb = (bytes + (1 << 20) - 1) >> 20;
        var script = $"cat \"$@\" > /dev/null && dd if=/dev/zero of='{target}' bs=1M count={mb} status=none{(fsync ? " conv=fsync" : "")}";
        var psi = new ProcessStartInfo("/bin/sh", ["-c", script, "cat", .. files]);
        var clock = Stopwatch.StartNew();
        using (var p = Process.Start(psi)!)
            if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException("cat + dd did not finish in 600 s"); }
        double seconds = clock.Elapsed.TotalSeconds;
        File.Delete(target);
        return seconds;
    }

    static void Generate(string dir, int layers, int seed)
    {
        if (File.Exists(Path.Combine(dir, "done"))) return;
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        Console.WriteLine($"generating {dir} (once)");
        using var generator = new TorchSharp.torch.Generator((ulong)(7 + seed), CPU);
        var shapes = Shapes(layers);
        var halves = new[] { shapes.Take(shapes.Count / 2).ToList(), shapes.Skip(shapes.Count / 2).ToList() };
        var map = new System.Text.Json.Nodes.JsonObject();
        for (int s = 0; s < 2; s++)
        {
            var name = $"model-{s + 1:D5}-of-00002.safetensors";
            using var scope = NewDisposeScope();
            Safetensors.Write(Path.Combine(dir, name), halves[s].Select(x => new NamedTensor(x.Name, randn(x.Shape, generator: generator) * 0.02)));
            foreach (var x in halves[s]) map[x.Name] = name;
        }
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), new System.Text.Json.Nodes.JsonObject { ["weight_map"] = map }.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "config.json"), $$"""{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": {{Hidden}}, "intermediate_size": {{Intermediate}}, "num_hidden_layers": {{layers}}, "num_attention_heads": 16, "num_key_value_heads": 16, "vocab_size": {{Vocab}}, "tie_word_embeddings": true}""");
        File.WriteAllText(Path.Combine(dir, "done"), "");
    }

    sealed record TensorShape(string Name, long[] Shape);

    static List<TensorShape> Shapes(int layers)
    {
        var list = new List<TensorShape> { new("model.embed_tokens.weight", [Vocab, Hidden]) };
        for (int l = 0; l < layers; l++)
        {
            var p = $"model.layers.{l}.";
            foreach (var n in new[] { "q_proj", "k_proj", "v_proj", "o_proj" }) list.Add(new(p + "self_attn." + n + ".weight", [Hidden, Hidden]));
            list.Add(new(p + "mlp.gate_proj.weight", [Intermediate, Hidden]));
            list.Add(new(p + "mlp.up_proj.weight", [Intermediate, Hidden]));
            list.Add(new(p + "mlp.down_proj.weight", [Hidden, Intermediate]));
            list.Add(new(p + "input_layernorm.weight", [Hidden]));
            list.Add(new(p + "post_attention_layernorm.weight", [Hidden]));
        }
        list.Add(new("model.norm.weight", [Hidden]));
        return list;
    }

    static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
