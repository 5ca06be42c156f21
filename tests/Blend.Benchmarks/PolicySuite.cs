using System.Diagnostics;
using System.Globalization;
using Blend.DataGen;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Benchmarks;

/// <summary>
/// Policy-stack benchmarks. <c>policy perf</c>: training step, generation with/without KV cache and scoring of the
/// issue's config (vocab 4096, width 256, 4 layers, 4 heads, context 256, fp32). <c>policy sft-math</c>: SFT of the
/// 4-layer policy (width 128, rotary positions by default) on math within a time budget, then greedy exact-match on the held-out math prompts.
/// </summary>
internal static class PolicySuite
{
    public static int Run(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "perf";
        var opts = Options(args.Skip(1));
        int threads = Int(opts, "threads", 2);
        BlendRuntime.SetThreads(threads);
        return mode switch
        {
            "perf" => Perf(opts),
            "compare" => Compare(opts),
            "sft-math" => SftMath(opts),
            "sft-step" => SftStepTiming(opts),
            _ => Usage(),
        };
    }

    static int Usage()
    {
        Console.WriteLine("policy compare [--reps 10] [--threads 2] [--python /usr/bin/python3] | policy perf [--reps 10] [--threads 2] | policy sft-math [--seconds 300] [--clock cpu|wall] [--batch 64] [--lr 3e-3] [--steps N] [--width 128] [--layers 4] [--heads 4] [--learned] [--seed 1] [--threads 2] | policy sft-step");
        return 2;
    }

    internal static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var d = new Dictionary<string, string>();
        string? key = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal)) { key = a[2..]; d[key] = "true"; }
            else if (key is not null) { d[key] = a; key = null; }
        }
        return d;
    }

    internal static int Int(Dictionary<string, string> o, string k, int d) => o.TryGetValue(k, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : d;
    static double Dbl(Dictionary<string, string> o, string k, double d) => o.TryGetValue(k, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : d;

    internal static string DataDir()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Kit.sln"))) return Path.Combine(dir.FullName, "data");
        throw new DirectoryNotFoundException("Kit.sln not found");
    }

    static TextCodec TaskCodec()
    {
        var tasks = Path.Combine(DataDir(), "tasks");
        var all = SyntheticTasks.LoadShipped(tasks, "train").Concat(SyntheticTasks.LoadShipped(tasks, "test"));
        return TextCodec.Cl100k().Compact(all.Select(i => i.Text).Concat(all.Responses.Select(r => r ?? "")));
    }

    static int SftStepTiming(Dictionary<string, string> o)
    {
        var codec = TaskCodec();
        var split = TaskGenerator.Split("math", 5000, 200);
        foreach (var (name, config) in new[] { ("tiny", GptConfig.Tiny(codec.VocabSize)), ("small", GptConfig.Small(codec.VocabSize)) })
        {
            using var policy = Policy.Create(codec, config, seed: 1);
            int steps = Int(o, "steps", 10), batch = Int(o, "batch", 32);
            var sw = Stopwatch.StartNew();
            var r = Sft.Train(policy, split.Train, null, new SftOptions { Steps = steps, BatchSize = batch, EvalEvery = 0 });
            Console.WriteLine($"{name}: {policy.Model.ParameterCount:N0} params, {steps} steps x {batch}: {sw.Elapsed.TotalMilliseconds / steps:F1} ms/step, loss {r.Steps[0].Loss:F3} -> {r.FinalLoss:F3}, threads {BlendRuntime.Threads}");
        }
        return 0;
    }

    static int SftMath(Dictionary<string, string> o)
    {
        double seconds = Dbl(o, "seconds", 300);
        int batch = Int(o, "batch", 64);
        double lr = Dbl(o, "lr", 3e-3);
        int trainCount = Int(o, "train", 14000);
        int estSteps = Int(o, "steps", 0);
        // The budget is wall-clock seconds (--clock wall) or process CPU time over all threads (default), which other
        // load on the machine does not shrink.
        bool wall = o.TryGetValue("clock", out var clock) && clock == "wall";
        var started = Stopwatch.StartNew();
        double Clock() => wall ? started.Elapsed.TotalSeconds : Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var codec = TaskCodec();
        var split = TaskGenerator.Split("math", trainCount, 200);
        var config = GptConfig.Small(codec.VocabSize) with
        {
            Positions = o.ContainsKey("learned") ? GptPositions.Learned : GptPositions.Rotary,
            Layers = Int(o, "layers", 4), Width = Int(o, "width", 128), Heads = Int(o, "heads", 4),
        };
        using var policy = Policy.Create(codec, config, seed: Int(o, "seed", 1));
        if (estSteps == 0)
        {
            // Probe the step time to size the cosine schedule to the budget.
            using var probe = policy.Clone();
            Sft.Train(probe, split.Train, null, new SftOptions { Steps = 4, BatchSize = batch, EvalEvery = 0 }); // warm-up
            var c0 = Clock();
            Sft.Train(probe, split.Train, null, new SftOptions { Steps = 16, BatchSize = batch, EvalEvery = 0 });
            double perStep = (Clock() - c0) / 16;
            estSteps = Math.Max(10, (int)(seconds / perStep * 0.9));
        }
        Console.WriteLine($"math SFT: {policy}, {split.Train.Count} train prompts, batch {batch}, lr {lr}, planned {estSteps} steps in {seconds}s ({(wall ? "wall" : "cpu")}), {BlendRuntime.Threads} threads");
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var budget0 = Clock();
        using var cts = new CancellationTokenSource();
        var result = Sft.Train(policy, split.Train, split.Test, new SftOptions
        {
            Cancellation = cts.Token,
            Steps = estSteps, BatchSize = batch, LearningRate = lr, MinLearningRate = lr / 10, WarmupSteps = Math.Min(100, estSteps / 10),
            EvalEvery = Math.Max(1, estSteps / 10), WeightDecay = Dbl(o, "wd", 0.1),
        }, new SyncProgress(s =>
        {
            double used = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0;
            if (Clock() - budget0 >= seconds) cts.Cancel();
            if (s.EvalLoss is not null) Console.WriteLine($"  step {s.Step} loss {s.Loss:F4} eval {s.EvalLoss:F4} lr {s.LearningRate:E2} {s.Seconds:F0}s wall, {used:F0}s cpu");
        }));
        var gens = policy.Generate(split.Test.Select(i => i.Text).ToList(), new GenerationOptions { Greedy = true, MaxNewTokens = 12 });
        int correct = 0;
        for (int i = 0; i < gens.Count; i++)
        {
            var m = System.Text.RegularExpressions.Regex.Match(gens[i].Text, @"^The answer is (-?\d+)\.$");
            if (m.Success && m.Groups[1].Value == split.Test[i].Reference) correct++;
            if (i < 5) Console.WriteLine($"  {split.Test[i].Text} -> {gens[i].Text}");
        }
        Console.WriteLine($"math exact-match on {gens.Count} held-out prompts: {100.0 * correct / gens.Count:F1}% after {result.Steps.Count} steps, {result.Seconds:F0}s wall, {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0:F0}s cpu (eval loss {result.InitialEvalLoss:F3} -> {result.FinalEvalLoss:F3})");
        return 0;
    }

    sealed class SyncProgress(Action<SftStep> a) : IProgress<SftStep>
    {
        public void Report(SftStep value) => a(value);
    }

    internal static double Median(List<double> xs) { xs.Sort(); return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2; }

    /// <summary>A /proc/self/status field (VmRSS, VmHWM, …) in bytes.</summary>
    internal static long Rss(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>
    /// The issue's benchmark config: vocab 4096, width 256, 4 layers, 4 heads, context 256, fp32. Prints one JSON line per
    /// measurement (same keys as policy_torch.py) so the two can be joined.
    /// </summary>
    static int Perf(Dictionary<string, string> o)
    {
        int reps = Int(o, "reps", 10);
        string only = o.TryGetValue("only", out var w) ? w : "all";
        var codec = TextCodec.Cl100k().Compact(["0123456789"]);
        var config = new GptConfig(4096) { Layers = 4, Heads = 4, Width = 256, ContextLength = 256 };
        using var policy = Policy.Create(codec, config, seed: 1);
        var dev = policy.Device;
        var rng = new Random(1);
        void Print(string name, double value, string unit) =>
            Console.WriteLine($"{{\"impl\":\"blend\",\"bench\":\"{name}\",\"value\":{value.ToString("0.###", CultureInfo.InvariantCulture)},\"unit\":\"{unit}\",\"threads\":{BlendRuntime.Threads}}}");

        if (only is "all" or "train")
        {
            // Training step: batch 16 x 256, full-sequence next-token cross-entropy, backward, AdamW.
            var opt = optim.AdamW(policy.Model.parameters(), lr: 1e-4);
            var ids = torch.randint(0, 4096, [16, 257], dtype: ScalarType.Int64, device: dev);
            var times = new List<double>();
            policy.Model.train();
            for (int r = 0; r < reps + 2; r++)
            {
                var sw = Stopwatch.StartNew();
                using (var scope = NewDisposeScope())
                {
                    opt.zero_grad();
                    var logits = policy.Model.forward(ids[.., ..256]);
                    var loss = torch.nn.functional.cross_entropy(logits.view(-1, 4096), ids[.., 1..].reshape(-1));
                    loss.backward();
                    opt.step();
                }
                if (r >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            Print("train_step_16x256_ms", Median(times), "ms");
            policy.Model.eval();
        }
        if (only is "all" or "generate")
        {
            // Generation: batch 16, 32-token prompts ([BOS] 30 digits [SEP]), 96 new tokens, sampled.
            var prompts = Enumerable.Range(0, 16).Select(_ => string.Concat(Enumerable.Range(0, 30).Select(_ => (char)('0' + rng.Next(10))))).ToList();
            foreach (bool cache in new[] { true, false })
            {
                var times = new List<double>();
                int generated = 0;
                for (int r = 0; r < reps + 1; r++)
                {
                    var sw = Stopwatch.StartNew();
                    var outs = policy.Generate(prompts, new GenerationOptions { MaxNewTokens = 96, UseKvCache = cache, Seed = r });
                    if (r >= 1) { times.Add(sw.Elapsed.TotalSeconds); generated = outs.Sum(g => g.Tokens.Count); }
                }
                Print(cache ? "generate_kv_tokens_per_s" : "generate_nocache_tokens_per_s", generated / Median(times), "tok/s");
            }
        }
        if (only is "all" or "score")
        {
            // Scoring: 16 x (32 prompt + 224 response) tokens, no grad: per-token log-probs and entropy.
            var p = Enumerable.Range(0, 16).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 32).Select(_ => rng.Next(5, 4096)).ToArray()).ToList();
            var resp = Enumerable.Range(0, 16).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 224).Select(_ => rng.Next(5, 4096)).ToArray()).ToList();
            double Pass()
            {
                using var noGrad = torch.no_grad();
                using var scope = NewDisposeScope();
                using var scores = policy.Score(p, resp);
                return scores.SequenceLogProbs.sum().item<float>() + scores.Entropy.sum().item<float>();
            }
            for (int r = 0; r < 2; r++) Pass(); // warm-up: first-call allocations (kernels, thread pools) are not the pass's own
            var times = new List<double>();
            var peaks = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                GC.Collect();
                // Writing 5 to clear_refs resets VmHWM (Linux >= 4.0): each peak is that scoring pass's own.
                File.WriteAllText("/proc/self/clear_refs", "5");
                long before = Rss("VmRSS");
                var sw = Stopwatch.StartNew();
                Pass();
                times.Add(sw.Elapsed.TotalMilliseconds);
                peaks.Add((Rss("VmHWM") - before) / 1048576.0);
            }
            Print("score_16x256_ms", Median(times), "ms");
            Print("score_peak_rss_delta_mb", Median(peaks), "MB");
        }
        return 0;
    }

    /// <summary>
    /// Blend and its PyTorch peer (policy_torch.py) in one run, then the README table: medians and the Blend / PyTorch
    /// time ratio (for throughputs, the inverse of the tokens/s ratio; for memory, the RSS ratio).
    /// </summary>
    static int Compare(Dictionary<string, string> o)
    {
        var blend = new Dictionary<string, double>();
        var torchResults = new Dictionary<string, double>();
        var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var python = o.TryGetValue("python", out var py) ? py : "/usr/bin/python3";
        var script = Path.Combine(Path.GetDirectoryName(DataDir())!, "tests", "Blend.Benchmarks", "policy_torch.py");
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the benchmark executable");
        string threadArg = BlendRuntime.Threads.ToString(CultureInfo.InvariantCulture), reps = Int(o, "reps", 10).ToString(CultureInfo.InvariantCulture);
        string core = "?";
        // Each part in a fresh process of each stack, alternating, so that neither inherits the other's (or an earlier
        // part's) allocator state or peak RSS.
        foreach (var part in new[] { "train", "generate", "score" })
        {
            Child(self, ["policy", "perf", "--only", part, "--threads", threadArg, "--reps", reps], blend);
            core = Child(python, [script, "--only", part, "--threads", threadArg, "--reps", reps], torchResults) ?? core;
        }

        int threads = BlendRuntime.Threads;
        Console.WriteLine();
        Console.WriteLine($"PyTorch {python} (OpenBLAS core {core}), {threads} threads in both, {Environment.ProcessorCount} cores, 1-min load average at the start: {loadBefore}");
        Console.WriteLine();
        Console.WriteLine("| benchmark | Blend (TorchSharp 0.107) | PyTorch 1.13 | Blend / PyTorch |");
        Console.WriteLine("|---|---|---|---|");
        void Row(string label, string key, string unit, bool higherIsBetter)
        {
            if (!blend.TryGetValue(key, out var b) || !torchResults.TryGetValue(key, out var t)) return;
            double ratio = higherIsBetter ? t / b : b / t;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {b:0.#} {unit} | {t:0.#} {unit} | {ratio:0.00} |"));
        }
        Row($"training step, batch 16×256 (time)", "train_step_16x256_ms", "ms", false);
        Row($"generation, batch 16, 32 + 96 tokens, KV cache (time)", "generate_kv_tokens_per_s", "tok/s", true);
        Row($"generation, same, no cache (time)", "generate_nocache_tokens_per_s", "tok/s", true);
        Row($"scoring 16×256, log-probs + entropy (time)", "score_16x256_ms", "ms", false);
        Row($"scoring peak RSS increase (memory)", "score_peak_rss_delta_mb", "MB", false);
        if (blend.TryGetValue("generate_kv_tokens_per_s", out var kv) && blend.TryGetValue("generate_nocache_tokens_per_s", out var nc))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nKV cache speed-up inside Blend: {kv / nc:0.0}×"));
        return 0;
    }

    /// <summary>Runs a benchmark process, echoes its JSON lines, adds bench → value to <paramref name="into"/>; returns its openblas_core, if any.</summary>
    static string? Child(string file, string[] args, Dictionary<string, double> into)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        string? core = null;
        for (string? line; (line = proc.StandardOutput.ReadLine()) is not null;)
        {
            Console.WriteLine(line);
            if (!line.StartsWith('{')) continue;
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            into[doc.RootElement.GetProperty("bench").GetString()!] = doc.RootElement.GetProperty("value").GetDouble();
            if (doc.RootElement.TryGetProperty("openblas_core", out var c)) core = c.GetString();
        }
        proc.WaitForExit();
        if (proc.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {proc.ExitCode}");
        return core;
    }
}
