using System.Diagnostics;
using System.Globalization;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Benchmarks;

/// <summary>
/// Torch's OpenMP wait policy on a shared CPU. <c>threads compare</c>: in one interleaved run, a training step (width 256,
/// 4 layers, batch 8 × 128 tokens, AdamW) timed solo and beside two busy processes, once with <c>OMP_WAIT_POLICY=ACTIVE</c>
/// (spinning, the OpenMP default) and once with <c>PASSIVE</c> (Blend's default); each measurement is a fresh child process,
/// because libgomp reads the policy when it loads. Goals: loaded ≤ 2.5 × solo with PASSIVE; PASSIVE solo ≤ 1.05 × ACTIVE solo.
/// </summary>
internal static class ThreadPolicySuite
{
    public static int Run(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "compare";
        int reps = args.SkipWhile(a => a != "--reps").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(3);
        int steps = args.SkipWhile(a => a != "--steps").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(12);
        return mode switch
        {
            "step" => Step(steps),
            "compare" => Compare(reps, steps),
            _ => Usage(),
        };
    }

    static int Usage()
    {
        Console.WriteLine("threads compare [--reps 3] [--steps 12] | threads step [--steps 12]");
        return 2;
    }

    /// <summary>Child: prints the median seconds of one training step.</summary>
    static int Step(int steps)
    {
        BlendRuntime.SetThreads(Environment.ProcessorCount);
        var config = new GptConfig(4096) { Width = 256, Layers = 4, Heads = 4, ContextLength = 256 };
        using var model = new Gpt(config, seed: 1);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-4);
        using var gen = new Generator(7, CPU);
        var times = new List<double>();
        for (int s = 0; s < steps + 2; s++)
        {
            using var scope = NewDisposeScope();
            var ids = randint(0, 4096, [8, 128], generator: gen);
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            var logits = model.Logits(model.Hidden(ids));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, 4096), ids.reshape(-1)); // timing only: the target need not be shifted
            loss.backward();
            optimizer.step();
            if (s >= 2) times.Add(clock.Elapsed.TotalSeconds); // two warm-up steps
        }
        times.Sort();
        Console.WriteLine(times[times.Count / 2].ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    static double Child(string policy, int steps)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(ThreadPolicySuite).Assembly.Location);
        foreach (var a in new[] { "threads", "step", "--steps", steps.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
        info.Environment["OMP_WAIT_POLICY"] = policy;
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    static List<Process> Busy(int count) => Enumerable.Range(0, count).Select(_ =>
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("while :; do :; done");
        return Process.Start(info)!;
    }).ToList();

    static int Compare(int reps, int steps)
    {
        Console.WriteLine($"cores {Environment.ProcessorCount}; {reps} interleaved reps of {steps} steps; each cell a fresh process");
        var results = new Dictionary<(string Policy, bool Loaded), List<double>>();
        for (int r = 0; r < reps; r++)
            foreach (var policy in new[] { "ACTIVE", "PASSIVE" })
                foreach (var loaded in new[] { false, true })
                {
                    var busy = loaded ? Busy(2) : [];
                    try
                    {
                        double t = Child(policy, steps);
                        (results.TryGetValue((policy, loaded), out var l) ? l : results[(policy, loaded)] = []).Add(t);
                        Console.WriteLine($"rep {r} {policy,-7} {(loaded ? "beside 2 busy" : "solo"),-13} {t * 1000:0.0} ms/step");
                    }
                    finally
                    {
                        foreach (var b in busy) { b.Kill(); b.WaitForExit(); b.Dispose(); }
                    }
                }
        double Median(string p, bool l) { var v = results[(p, l)].Order().ToList(); return v[v.Count / 2]; }
        foreach (var policy in new[] { "ACTIVE", "PASSIVE" })
            Console.WriteLine($"{policy,-7}: solo {Median(policy, false) * 1000:0.0} ms, loaded {Median(policy, true) * 1000:0.0} ms, loaded/solo {Median(policy, true) / Median(policy, false):0.00}×");
        Console.WriteLine($"PASSIVE solo / ACTIVE solo: {Median("PASSIVE", false) / Median("ACTIVE", false):0.000} (goal ≤ 1.05); PASSIVE loaded/solo goal ≤ 2.5");
        return 0;
    }
}
