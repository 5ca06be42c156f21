using Blend.Tests.Soups.Merges;
using static TorchSharp.torch;

namespace Blend.Tests.Cli;

/// <summary><c>blend merge</c> from a config and from flags: exit codes 0/2/1, messages with file/line/key, nothing half-written.</summary>
[Collection("Torch")]
public class MergeCommandTests(MergeFolders folders) : IClassFixture<MergeFolders>
{
    [Fact]
    public void Merge_from_flags_writes_a_loadable_linear_soup()
    {
        var outDir = folders.NewOut();
        var r = CliRun.Invoke("merge", "--method", "linear", "--models", $"{folders.Dir("expert-a")},{folders.Dir("expert-b")}", "--weights", "1,3", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Contains("wrote", r.Out, StringComparison.Ordinal);
        var a = MergeFolders.Tensors(folders.Dir("expert-a"));
        var b = MergeFolders.Tensors(folders.Dir("expert-b"));
        foreach (var (name, t) in MergeFolders.Tensors(outDir)) Assert.True(t.allclose(a[name] * 0.25 + b[name] * 0.75, 1e-6, 1e-6), name);
        using var policy = Blend.Policy.Load(outDir, CPU);
    }

    [Fact]
    public void Merge_from_a_config_with_a_base_and_json_output()
    {
        File.Copy(RepoRoot.File("recipes/merges/ties.yml"), Path.Combine(folders.Root, "ties.yml"), overwrite: true);
        var outDir = folders.NewOut();
        var r = CliRun.Invoke("merge", "--config", Path.Combine(folders.Root, "ties.yml"), "--out", outDir, "--json");
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        Assert.Contains("\"method\":\"ties\"", r.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "model.safetensors")));
        // --print-config shows the flags' equivalent config and merges nothing.
        var p = CliRun.Invoke("merge", "--method", "dare_ties", "--base", folders.Dir("base"), "--models", folders.Dir("expert-a"), "--weights", "0.5", "--param", "density=0.4", "--param", "seed=2", "--out", folders.NewOut(), "--print-config");
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("merge_method: dare_ties", p.Out, StringComparison.Ordinal);
        Assert.Contains("density: 0.4", p.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_exit_code_2_with_a_located_message_and_writes_nothing()
    {
        var outDir = folders.NewOut();
        var bad = Path.Combine(folders.Root, "bad-cli.yml");
        File.WriteAllText(bad, "merge_method: linear\nmodels:\n  - model: expert-a\n    parameters: {weight: 1}\nchat_template: chatml\n");
        var r = CliRun.Invoke("merge", "--config", bad, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{bad}:5: chat_template: unsupported key", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);

        Assert.Equal(2, CliRun.Invoke("merge", "--method", "linaer", "--models", "a,b", "--weights", "1,1", "--out", outDir).ExitCode);
        var w = CliRun.Invoke("merge", "--method", "linear", "--models", $"{folders.Dir("expert-a")},{folders.Dir("expert-b")}", "--weights", "1", "--out", outDir);
        Assert.Equal(2, w.ExitCode);
        Assert.Contains("1 weights for 2 models", w.Err, StringComparison.Ordinal);
        var m = CliRun.Invoke("merge", "--method", "ties", "--models", folders.Dir("expert-a"), "--weights", "1", "--out", outDir);
        Assert.Equal(2, m.ExitCode);
        Assert.Contains("needs a base_model", m.Err, StringComparison.Ordinal);
        var missing = CliRun.Invoke("merge", "--method", "linear", "--models", $"{folders.Dir("expert-a")},{Path.Combine(folders.Root, "nope")}", "--weights", "1,1", "--out", outDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("(command line):", missing.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));

        // An existing, non-empty --out is refused without --overwrite.
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep"), "x");
        var exists = CliRun.Invoke("merge", "--method", "linear", "--models", folders.Dir("expert-a"), "--weights", "1", "--out", outDir);
        Assert.Equal(2, exists.ExitCode);
        Assert.Contains("--overwrite", exists.Err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "keep")));
    }
}
