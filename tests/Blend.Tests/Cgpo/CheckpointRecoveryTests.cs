using System.Diagnostics;
using System.Text.Json.Nodes;
using Blend.Tests.Policy;

namespace Blend.Tests.Cgpo;

/// <summary>One recovery rule for every checkpoint kind: the newest complete checkpoint (manifest written last) wins.</summary>
[Collection("Torch")]
public class CheckpointRecoveryTests
{
    static void Copy(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }

    static void Clean(string dir)
    {
        var parent = Path.GetDirectoryName(dir)!;
        foreach (var d in Directory.GetDirectories(parent, Path.GetFileName(dir) + "*")) Directory.Delete(d, true);
    }

    /// <summary>Checkpoints of the shared CGPO run after 1 and 2 steps, and the 4-step uninterrupted result.</summary>
    sealed class Saved : IDisposable
    {
        public string Root { get; } = CgpoFixture.TempDir();
        public string Step1 => Path.Combine(Root, "s1");
        public string Step2 => Path.Combine(Root, "s2");
        public CgpoResult Straight { get; }

        public Saved()
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            Straight = CgpoCheckpointTests.Run(policy).Steps(4).Train();
            CgpoCheckpointTests.Run(policy).Steps(1).Checkpoints(Step1, every: 1).Train();
            CgpoCheckpointTests.Run(policy).Steps(2).Checkpoints(Step2, every: 1).Train();
        }

        public void Dispose() { if (Directory.Exists(Root)) Directory.Delete(Root, true); }
    }

    static CgpoResult Resume(string dir)
    {
        using var policy = CgpoFixture.Policy(seed: 5);
        return CgpoCheckpointTests.Run(policy).Steps(4).ResumeFrom(dir).Train();
    }

    [Fact]
    public void The_newest_complete_checkpoint_wins_over_broken_and_older_leftovers()
    {
        using var saved = new Saved();
        var dir = Path.Combine(saved.Root, "ck");
        // a half-deleted .old-0000 beside a complete .old-ffff (the case that picked the broken one)
        Copy(saved.Step2, dir + ".old-0000");
        File.Delete(Path.Combine(dir + ".old-0000", "model.safetensors"));
        Copy(saved.Step2, dir + ".old-ffff");
        var resumed = Resume(dir);
        Assert.Equal(saved.Straight.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Select(CgpoTrainerTests.Numbers));
        Clean(dir);

        // two complete .old-* folders, in both name orders: the higher step wins
        foreach (var (older, newer) in new[] { ("0000", "ffff"), ("ffff", "0000") })
        {
            Copy(saved.Step1, dir + ".old-" + older);
            Copy(saved.Step2, dir + ".old-" + newer);
            Assert.Equal(Path.GetFullPath(dir + ".old-" + newer), CgpoCheckpoint.Locate(dir));
            Clean(dir);
        }

        // a complete .tmp-* (killed between the two renames) is newer than the .old-* it was replacing
        Copy(saved.Step1, dir + ".old-1234");
        Copy(saved.Step2, dir + ".tmp-5678");
        Assert.Equal(Path.GetFullPath(dir + ".tmp-5678"), CgpoCheckpoint.Locate(dir));
        Clean(dir);
    }

    [Fact]
    public void A_corrupted_checkpoint_names_what_is_wrong()
    {
        using var saved = new Saved();
        var dir = Path.Combine(saved.Root, "ck");
        Copy(saved.Step2, dir);
        var optimizer = Path.Combine(dir, "optimizer.safetensors");
        var bytes = File.ReadAllBytes(optimizer);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(optimizer, bytes);
        var e = Assert.Throws<FormatException>(() => Resume(dir));
        Assert.Contains("optimizer.safetensors does not match its SHA-256", e.Message, StringComparison.Ordinal);
        File.WriteAllBytes(optimizer, bytes[..^10]);
        e = Assert.Throws<FormatException>(() => Resume(dir));
        Assert.Contains("optimizer.safetensors has", e.Message, StringComparison.Ordinal);
        Clean(dir);

        // a CGPO folder is not an SFT checkpoint
        Copy(saved.Step2, dir);
        using var policy = CgpoFixture.Policy(seed: 5);
        var sft = Assert.Throws<FormatException>(() => Sft.Train(policy, Gold(), null, new SftOptions { Steps = 2, ResumeFrom = dir }));
        Assert.Contains("cgpo checkpoint, expected sft", sft.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(99, "outside this run's 0..4")]
    [InlineData(-5, "outside this run's 0..4")]
    [InlineData(1, "metrics' has 4 rows for step 1")]
    public void The_state_file_is_validated(int step, string expected)
    {
        using var saved = new Saved();
        var dir = Path.Combine(saved.Root, "ck");
        Copy(saved.Step2, dir);
        File.Delete(Path.Combine(dir, CheckpointFolder.ManifestFile)); // as an older Blend wrote it: no manifest, the state is all there is
        var path = Path.Combine(dir, "trainer_state.json");
        var state = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        state["step"] = step;
        File.WriteAllText(path, state.ToJsonString());
        var e = Assert.Throws<FormatException>(() => Resume(dir));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        state["step"] = 2;
        state["format"] = "blend-cgpo-checkpoint/9";
        File.WriteAllText(path, state.ToJsonString());
        e = Assert.Throws<FormatException>(() => Resume(dir));
        Assert.Contains("field 'format'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_tmp_and_old_folders_are_removed_by_the_next_save()
    {
        var root = CgpoFixture.TempDir();
        try
        {
            var dir = Path.Combine(root, "ck");
            Directory.CreateDirectory(dir + ".tmp-dead");
            File.WriteAllBytes(Path.Combine(dir + ".tmp-dead", "model.safetensors"), new byte[1 << 16]);
            Directory.CreateDirectory(dir + ".old-dead");
            using var policy = CgpoFixture.Policy(seed: 5);
            CgpoCheckpointTests.Run(policy).Steps(1).Checkpoints(dir, every: 1).Train();
            Assert.Equal([Path.GetFullPath(dir)], Directory.GetDirectories(root).Select(Path.GetFullPath));
            Assert.Null(CheckpointFolder.Problem(dir, "cgpo"));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public void Sft_falls_back_to_the_complete_old_folder_and_policies_too()
    {
        var root = CgpoFixture.TempDir();
        try
        {
            var dir = Path.Combine(root, "sft");
            using var policy = CgpoFixture.Policy(seed: 5);
            var options = new SftOptions { Steps = 2, BatchSize = 4, Seed = 5 };
            var prompts = Gold();
            Sft.Train(policy.Clone(), prompts, null, options with { CheckpointDir = dir, CheckpointEvery = 1, Steps = 1 });
            Directory.Move(dir, dir + ".old-0000");     // killed between the two renames, with the new folder not yet complete
            Directory.CreateDirectory(dir + ".tmp-1111");
            var resumed = Sft.Train(policy.Clone(), prompts, null, options with { ResumeFrom = dir });
            Assert.Equal([2], resumed.Steps.Select(s => s.Step));
            using var loaded = Blend.Policy.Load(dir); // Policy.Load follows the same rule
            Assert.Equal(policy.Config, loaded.Config);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public void Kill_9_during_saves_then_resume_gives_the_newest_complete_checkpoint_and_the_uninterrupted_numbers()
    {
        const int steps = 6;
        var root = CgpoFixture.TempDir();
        try
        {
            var straightDir = Path.Combine(root, "straight");
            var clock = Stopwatch.StartNew();
            RunChild(straightDir, steps, killAfter: null);
            int whole = (int)clock.ElapsedMilliseconds; // start-up included: kills land anywhere from start-up to the last save
            var dir = Path.Combine(root, "ck");
            var random = new Random(16);
            int kills = 0, lastStep = 0;
            for (int attempt = 0; attempt < 8 && lastStep < steps; attempt++)
            {
                bool killed = RunChild(dir, steps, killAfter: TimeSpan.FromMilliseconds(random.Next(whole / 3, whole)));
                if (killed) kills++;
                var located = ChildProcess.Complete(dir);
                if (located is null) { Assert.Equal(0, lastStep); continue; } // killed before the first save completed
                Assert.Equal(Path.GetFullPath(located), CgpoCheckpoint.Locate(dir));
                Assert.Null(CheckpointFolder.Problem(located, "cgpo"));
                int step = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(located, "trainer_state.json")))!["step"]!;
                Assert.True(step >= lastStep, $"recovery went back from step {lastStep} to {step}");
                lastStep = step;
            }
            RunChild(dir, steps, killAfter: null); // finish
            var final = JsonNode.Parse(File.ReadAllText(Path.Combine(CgpoCheckpoint.Locate(dir), "trainer_state.json")))!;
            var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(straightDir, "trainer_state.json")))!;
            Assert.Equal(steps, (int)final["step"]!);
            Assert.Equal(Numbers(expected), Numbers(final));
            Assert.Equal(File.ReadAllBytes(Path.Combine(straightDir, "model.safetensors")),
                File.ReadAllBytes(Path.Combine(CgpoCheckpoint.Locate(dir), "model.safetensors")));
            Assert.True(kills >= 1, "no child was killed; the test did not test anything");
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    static PromptSet Gold()
    {
        var items = CgpoFixture.MathPrompts();
        return new PromptSet(items, items.Select(i => i.Reference));
    }

    static string Numbers(JsonNode state) =>
        string.Join("\n", state["metrics"]!.AsArray().Select(m => $"{m!["Step"]} {m["Task"]} {m["Loss"]} {m["Reward"]} {m["Kl"]} {m["GradNorm"]}"));

    /// <summary>Runs the child; kills it with SIGKILL after <paramref name="killAfter"/> unless it finished. True when it was killed.</summary>
    static bool RunChild(string dir, int steps, TimeSpan? killAfter)
    {
        using var child = ChildProcess.Start("cgpo-checkpoints", dir, steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stderr = child.StandardError.ReadToEndAsync();
        _ = child.StandardOutput.ReadToEndAsync();
        if (killAfter is { } wait && !child.WaitForExit(wait))
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Linux
            child.WaitForExit();
            return true;
        }
        child.WaitForExit();
        Assert.True(child.ExitCode == 0, $"child failed ({child.ExitCode}): {stderr.Result}");
        return false;
    }
}
