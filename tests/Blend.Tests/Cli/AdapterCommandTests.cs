using Blend.Tests.Policy;
using static Blend.Tests.Models.Lora.LoraTestKit;

namespace Blend.Tests.Cli;

/// <summary><c>blend adapter merge</c>: PEFT adapter folders merged into their base as a plain checkpoint; several make their soup.</summary>
[Collection("Torch")]
public sealed class AdapterCommandTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-adapter-cmd-" + Guid.NewGuid().ToString("N"));

    public AdapterCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Adapter_merge_writes_the_merged_checkpoint_and_a_soup_at_one_zero_equals_the_first_adapter()
    {
        string baseDir = Path.Combine(_dir, "base"), aDir = Path.Combine(_dir, "a"), bDir = Path.Combine(_dir, "b");
        using var @base = Tiny(31);
        @base.Save(baseDir);
        using var first = @base.Clone();
        using var second = @base.Clone();
        var a = Randomize(LoraAdapter.Attach(first, new LoraOptions { Rank = 2, TargetModules = ["c_attn", "c_fc"] }), 1);
        var b = Randomize(LoraAdapter.Attach(second, new LoraOptions { Rank = 3, Alpha = 6 }), 2);
        a.Save(aDir);
        b.Save(bDir);
        using var expected = a.Merge();

        var one = Path.Combine(_dir, "one");
        var r = CliRun.Invoke("adapter", "merge", "--base", baseDir, "--adapter", aDir, "--out", one);
        Assert.True(r.ExitCode == 0, r.Err);
        using (var merged = Blend.Policy.Load(one)) AssertSameWeights(expected, merged);

        var soup = Path.Combine(_dir, "soup");
        r = CliRun.Invoke("adapter", "merge", "--base", baseDir, "--adapter", aDir, "--adapter", bDir, "--weights", "1,0", "--out", soup);
        Assert.True(r.ExitCode == 0, r.Err);
        using (var merged = Blend.Policy.Load(soup)) AssertSameWeights(expected, merged);

        var bad = CliRun.Invoke("adapter", "merge", "--base", baseDir, "--adapter", aDir, "--weights", "1,x", "--out", Path.Combine(_dir, "bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'x'", bad.Err, StringComparison.Ordinal);
        var missing = CliRun.Invoke("adapter", "merge", "--base", baseDir, "--adapter", Path.Combine(_dir, "none"), "--out", Path.Combine(_dir, "bad"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("adapter_config.json", missing.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }
}
