using System.Diagnostics;
using Blend.Tests.Cgpo;

namespace Blend.Tests;

/// <summary>
/// The test assembly's entry point: <c>dotnet Blend.Tests.dll cgpo-checkpoints DIR STEPS</c> trains the checkpoint tests' CGPO
/// run, saving every step into DIR (resuming from it when a checkpoint is there), so a test can kill it at random points.
/// </summary>
public static class ChildProcess
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "cgpo-checkpoints")
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            var run = CgpoCheckpointTests.Run(policy).Steps(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)).Checkpoints(args[1], every: 1);
            if (Complete(args[1]) is not null) run = run.ResumeFrom(args[1]);
            run.Train(new Progress<StepMetrics>(m => Console.WriteLine($"step {m.Step}")));
            return 0;
        }
        Console.Error.WriteLine("usage: dotnet Blend.Tests.dll cgpo-checkpoints DIR STEPS");
        return 2;
    }

    /// <summary>The newest complete CGPO checkpoint for <paramref name="dir"/>, or null when there is none yet.</summary>
    public static string? Complete(string dir)
    {
        try { return CgpoCheckpoint.Locate(dir); }
        catch (FileNotFoundException) { return null; }
        catch (FormatException) { return null; }
    }

    /// <summary>Starts this assembly as a child with <paramref name="args"/> (stdout and stderr captured).</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["BLEND_THREADS"] = "1";
        return Process.Start(info)!;
    }
}
