using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Blend.Models;
using static TorchSharp.torch;

namespace Blend.Benchmarks;

/// <summary>
/// A real-size Llama next to PyTorch. <c>llama compare</c>: a Llama-architecture model of about 100 M parameters (hidden 768,
/// 12 layers, 12 heads, 4 KV heads, intermediate 2048, vocab 32 000, tied embeddings, fp32) with random weights, written
/// once in the Hugging Face layout to a cache folder by <c>llama_weights.py</c> (NumPy, not Blend); then, in interleaved fresh processes of each stack, load time and
/// peak RSS, a forward pass of 1 × 512 tokens and greedy generation with a KV cache (32-token prompt, 128 new tokens), for
/// Blend (<see cref="Policy.Load"/>, <see cref="Llama"/>) and for <c>llama_torch.py</c> (the same architecture written in
/// PyTorch 1.13, reading the same files). The first repetition checks that both stacks compute the same logits and
/// generate the same tokens. Goals: Blend ≤ 1.0 × PyTorch's time, ≤ 1.2 × its peak memory.
/// </summary>
internal static class LlamaSuite
{
    public static int Run(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "compare";
        var o = PolicySuite.Options(args.Skip(1));
        return mode switch
        {
            "compare" => Compare(o),
            "write" => Write(ModelDir(o), Python(o)),
            "blend" => BlendChild(o),
            _ => Usage(),
        };
    }

    static int Usage()
    {
        Console.WriteLine("llama compare [--reps 5] [--threads 2] [--dir DIR] [--python /usr/bin/python3] | llama write [--dir DIR] [--python /usr/bin/python3] | llama blend --dir DIR [--threads 2] [--logits FILE]");
        return 2;
    }

    /// <summary>The model folder: <c>--dir</c>, or <c>$XDG_CACHE_HOME/blend-bench/llama-100m</c> (default <c>~/.cache</c>); never in the repository.</summary>
    static string ModelDir(Dictionary<string, string> o)
    {
        if (o.TryGetValue("dir", out var d)) return Path.GetFullPath(d);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "blend-bench", "llama-100m");
    }

    static string Python(Dictionary<string, string> o) => o.TryGetValue("python", out var py) ? py : "/usr/bin/python3";

    static string Script(string name) => Path.Combine(Path.GetDirectoryName(PolicySuite.DataDir())!, "tests", "Blend.Benchmarks", name);

    /// <summary>
    /// Writes the random model once with <c>llama_weights.py</c> (NumPy), as a folder from another tool: no Blend manifest and
    /// no tokenizer; an existing folder is kept.
    /// </summary>
    static int Write(string dir, string python)
    {
        var psi = new ProcessStartInfo(python) { UseShellExecute = false };
        psi.ArgumentList.Add(Script("llama_weights.py"));
        psi.ArgumentList.Add(dir);
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        if (!proc.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            proc.Kill(entireProcessTree: true);
            throw new TimeoutException("llama_weights.py ran past 5 minutes and was killed");
        }
        if (proc.ExitCode != 0) throw new InvalidOperationException($"llama_weights.py {dir} exited with {proc.ExitCode}");
        return 0;
    }

    /// <summary>The tokenizer Blend's side generates with (the folder has none; only its EOS id matters to greedy decoding).</summary>
    static TextCodec Codec() => TextCodec.Cl100k().Compact(["The quick brown fox jumps over the lazy dog. 0123456789, (a + b) * c = d!"]);

    /// <summary>The benchmark's input: deterministic ids from a 64-bit LCG (the peer computes the same ones).</summary>
    static long[] TokenIds(int n, int vocab)
    {
        var ids = new long[n];
        ulong x = 1;
        for (int i = 0; i < n; i++)
        {
            x = unchecked(x * 6364136223846793005UL + 1442695040888963407UL);
            ids[i] = (long)((x >> 33) % (ulong)vocab);
        }
        return ids;
    }

    /// <summary>Process CPU time (all threads): on a shared machine a steadier measure of work than wall time.</summary>
    static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    static string Extra(string key, double value) => string.Create(CultureInfo.InvariantCulture, $",\"{key}\":{value:0.####}");

    static void Print(string name, double value, string unit, string extra = "") =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"impl\":\"blend\",\"bench\":\"{name}\",\"value\":{value:0.####},\"unit\":\"{unit}\",\"threads\":{BlendRuntime.Threads}{extra}}}"));

    /// <summary>Child: Blend's side in its own process (load, forward 1×T, greedy generation), one JSON line per figure.</summary>
    static int BlendChild(Dictionary<string, string> o)
    {
        BlendRuntime.SetThreads(PolicySuite.Int(o, "threads", 2)); // loads libtorch before the clock starts, as `import torch` does
        var dir = ModelDir(o);
        int tokens = PolicySuite.Int(o, "tokens", 512), forwardReps = PolicySuite.Int(o, "forward-reps", 2);
        int promptLength = PolicySuite.Int(o, "prompt", 32), newTokens = PolicySuite.Int(o, "new", 128);
        // The tokenizer is built before the clock: the peer has none, so the load row compares config + weights.
        var codec = Codec();
        GC.Collect();
        long rss0 = PolicySuite.Rss("VmRSS");
        var sw = Stopwatch.StartNew();
        var cpu0 = CpuSeconds();
        using var policy = Policy.Load(dir, CPU, codec: codec);
        Print("load_s", sw.Elapsed.TotalSeconds, "s", Extra("cpu_s", CpuSeconds() - cpu0));
        Print("load_peak_rss_mb", PolicySuite.Rss("VmHWM") / 1048576.0, "MB", string.Create(CultureInfo.InvariantCulture, $",\"before_mb\":{rss0 / 1048576.0:0.0}"));

        int vocab = policy.Config.VocabSize;
        var times = new List<double>();
        var cpu = new List<double>();
        using (no_grad())
        {
            using var ids = tensor(TokenIds(tokens, vocab), [1, tokens]);
            for (int r = 0; r < forwardReps + 1; r++)
            {
                using var scope = NewDisposeScope();
                sw.Restart();
                cpu0 = CpuSeconds();
                var logits = policy.Model.forward(ids);
                if (r >= 1) { times.Add(sw.Elapsed.TotalMilliseconds); cpu.Add((CpuSeconds() - cpu0) * 1000); }
                if (r == 0 && o.TryGetValue("logits", out var file))
                {
                    using var fs = File.Create(file);
                    fs.Write(logits.contiguous().bytes);
                }
            }
        }
        Print("forward_ms", times.Min(), "ms", Extra("cpu_ms", cpu.Min()));

        IReadOnlyList<int> prompt = TokenIds(promptLength, vocab).Select(i => (int)i).ToArray();
        policy.GenerateFrom([prompt], new GenerationOptions { Greedy = true, MaxNewTokens = 8 }); // warm-up
        sw.Restart();
        cpu0 = CpuSeconds();
        var g = policy.GenerateFrom([prompt], new GenerationOptions { Greedy = true, MaxNewTokens = newTokens })[0];
        double seconds = sw.Elapsed.TotalSeconds, cpuSeconds = CpuSeconds() - cpu0;
        Print("generate_tok_s", g.Tokens.Count / seconds, "tok/s", Extra("cpu_tok_s", g.Tokens.Count / cpuSeconds) + $",\"ids\":[{string.Join(',', g.Tokens)}],\"eos\":{codec.Eos}");
        Print("peak_rss_mb", PolicySuite.Rss("VmHWM") / 1048576.0, "MB");
        return 0;
    }

    /// <summary>One child's figures: bench → value, and the generated ids.</summary>
    sealed record ChildResult(Dictionary<string, double> Values, int[] Ids, int? Eos);

    static ChildResult Child(string file, IEnumerable<string> args, int threads, TimeSpan deadline)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The same threading environment for both stacks (Blend would set PASSIVE itself; the peer gets it too).
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var lines = new List<string>();
        var reader = Task.Run(() => { for (string? l; (l = proc.StandardOutput.ReadLine()) is not null;) lines.Add(l); });
        if (!proc.WaitForExit(deadline))
        {
            proc.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran past {deadline.TotalSeconds:0} s and was killed");
        }
        reader.Wait();
        if (proc.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {proc.ExitCode}:\n{string.Join('\n', lines)}");
        var values = new Dictionary<string, double>();
        int[] ids = [];
        int? eos = null;
        foreach (var line in lines.Where(l => l.StartsWith('{')))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            values[root.GetProperty("bench").GetString()!] = root.GetProperty("value").GetDouble();
            if (root.TryGetProperty("ids", out var i)) ids = i.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            if (root.TryGetProperty("eos", out var e)) eos = e.GetInt32();
            foreach (var key in new[] { "before_mb", "cpu_s", "cpu_ms", "cpu_tok_s" })
                if (root.TryGetProperty(key, out var x)) values[key] = x.GetDouble();
        }
        return new ChildResult(values, ids, eos);
    }

    static (double MaxDiff, double MaxAbs, long Count) CompareLogits(string a, string b)
    {
        var x = File.ReadAllBytes(a);
        var y = File.ReadAllBytes(b);
        if (x.Length != y.Length) throw new InvalidOperationException($"logit files differ in size: {a} {x.Length} B, {b} {y.Length} B");
        var fx = MemoryMarshal.Cast<byte, float>(x);
        var fy = MemoryMarshal.Cast<byte, float>(y);
        double diff = 0, max = 0;
        for (int i = 0; i < fx.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)fx[i] - fy[i]));
            max = Math.Max(max, Math.Abs((double)fy[i]));
        }
        return (diff, max, fx.Length);
    }

    static int Compare(Dictionary<string, string> o)
    {
        int reps = PolicySuite.Int(o, "reps", 5), threads = PolicySuite.Int(o, "threads", 2);
        var dir = ModelDir(o);
        var python = Python(o);
        var script = Script("llama_torch.py");
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the benchmark executable");
        var loadStart = File.ReadAllText("/proc/loadavg").Trim();
        Write(dir, python);
        var deadline = TimeSpan.FromSeconds(PolicySuite.Int(o, "child-timeout", 300));
        string t = threads.ToString(CultureInfo.InvariantCulture);
        var tmp = Directory.CreateTempSubdirectory("blend-llama-bench-");
        var blend = new List<ChildResult>();
        var peer = new List<ChildResult>();
        try
        {
            string blendLogits = Path.Combine(tmp.FullName, "blend.f32"), peerLogits = Path.Combine(tmp.FullName, "pytorch.f32");
            int? eos = null;
            for (int r = 0; r < reps; r++)
            {
                // Alternate which stack goes first, so drift in the machine's speed hits both alike.
                ChildResult RunBlend() => Child(self, ["llama", "blend", "--dir", dir, "--threads", t, .. r == 0 ? new[] { "--logits", blendLogits } : []], threads, deadline);
                ChildResult RunPeer() => Child(python, [script, "--dir", dir, "--threads", t, "--eos", (eos ?? -1).ToString(CultureInfo.InvariantCulture), .. r == 0 ? new[] { "--logits", peerLogits } : []], threads, deadline);
                if (r % 2 == 0) { blend.Add(RunBlend()); eos = blend[^1].Eos; peer.Add(RunPeer()); }
                else { peer.Add(RunPeer()); blend.Add(RunBlend()); }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rep {r}: blend load {blend[^1].Values["load_s"]:0.000} s, forward {blend[^1].Values["forward_ms"]:0} ms, {blend[^1].Values["generate_tok_s"]:0.0} tok/s, peak {blend[^1].Values["peak_rss_mb"]:0} MB | pytorch load {peer[^1].Values["load_s"]:0.000} s, forward {peer[^1].Values["forward_ms"]:0} ms, {peer[^1].Values["generate_tok_s"]:0.0} tok/s, peak {peer[^1].Values["peak_rss_mb"]:0} MB | load avg {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                if (r == 0)
                {
                    var (diff, max, n) = CompareLogits(blendLogits, peerLogits);
                    bool same = blend[0].Ids.SequenceEqual(peer[0].Ids);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"sanity: {n:N0} logits, max |Blend − PyTorch| = {diff:0.00e+0} (max |logit| {max:0.000}) {(diff <= 1e-4 ? "OK" : "MISMATCH (tolerance 1e-4)")}; greedy tokens {(same ? "identical" : "DIFFER")} ({blend[0].Ids.Length} vs {peer[0].Ids.Length})"));
                    if (diff > 1e-4 || !same) return 1;
                }
            }
        }
        finally { tmp.Delete(recursive: true); }

        var loadEnd = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine();
        var c = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Console.WriteLine($"model {dir}: Llama {c["num_hidden_layers"]} layers × {c["hidden_size"]}, {c["num_attention_heads"]} heads / {c["num_key_value_heads"]} KV heads, intermediate {c["intermediate_size"]}, vocab {c["vocab_size"]}, tied embeddings {c["tie_word_embeddings"]}, fp32, {new FileInfo(Path.Combine(dir, "model.safetensors")).Length / 1048576.0:0} MiB");
        Console.WriteLine($"{reps} interleaved repetitions, each a fresh process of each stack; {threads} threads in both; {Environment.ProcessorCount} cores; PyTorch {python}");
        Console.WriteLine($"load average at the start: {loadStart}; at the end: {loadEnd}");
        Console.WriteLine();
        Console.WriteLine("| benchmark | Blend best / median | PyTorch 1.13 best / median | Blend / PyTorch median (range) | goal |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        void Row(string label, string key, string unit, bool higherIsBetter, string goal)
        {
            var b = blend.Select(c => c.Values[key]).ToList();
            var p = peer.Select(c => c.Values[key]).ToList();
            // Pair by pair (same repetition), as cost ratios: for a throughput the inverse of the tokens/s ratio.
            var ratios = b.Zip(p, (x, y) => higherIsBetter ? y / x : x / y).ToList();
            string Fmt(List<double> xs) => higherIsBetter
                ? string.Create(CultureInfo.InvariantCulture, $"{xs.Max():0.###} / {PolicySuite.Median([.. xs]):0.###} {unit}")
                : string.Create(CultureInfo.InvariantCulture, $"{xs.Min():0.###} / {PolicySuite.Median([.. xs]):0.###} {unit}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {Fmt(b)} | {Fmt(p)} | **{PolicySuite.Median([.. ratios]):0.00}** ({ratios.Min():0.00}–{ratios.Max():0.00}) | {goal} |"));
        }
        Row("load (config + weights, 0.4 GB)", "load_s", "s", false, "≤ 1.0");
        Row("peak RSS after load", "load_peak_rss_mb", "MB", false, "≤ 1.2");
        Row("forward 1 × 512 tokens (logits)", "forward_ms", "ms", false, "≤ 1.0");
        Row("greedy generation, 32 + 128 tokens, KV cache (time)", "generate_tok_s", "tok/s", true, "≤ 1.0");
        Row("load, process CPU time", "cpu_s", "s", false, "≤ 1.0");
        Row("forward 1 × 512, process CPU time", "cpu_ms", "ms", false, "≤ 1.0");
        Row("generation, tokens per CPU-second (time)", "cpu_tok_s", "tok/s", true, "≤ 1.0");
        Row("peak RSS, whole run", "peak_rss_mb", "MB", false, "≤ 1.2");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nRSS before loading (runtime + libtorch): Blend {PolicySuite.Median(blend.Select(c => c.Values["before_mb"]).ToList()):0} MB, PyTorch {PolicySuite.Median(peer.Select(c => c.Values["before_mb"]).ToList()):0} MB (median). Best: the lowest time or memory, the highest tokens/s; ratios pair each repetition's two processes."));
        return 0;
    }
}
