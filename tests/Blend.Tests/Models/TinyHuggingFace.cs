using System.Diagnostics;
using Blend.Tests.Policy;

namespace Blend.Tests.Models;

/// <summary>
/// Tiny random checkpoints in the Hugging Face layout with reference logits, written once per test run by
/// <c>tests/reference/hf_tiny.py</c> (an independent NumPy forward pass; Debian's <c>/usr/bin/python3</c> with python3-numpy).
/// </summary>
public sealed class TinyHuggingFace : IDisposable
{
    /// <summary>Every variant the script writes.</summary>
    public static readonly string[] Variants = ["gpt2", "llama-gqa-tied", "llama-linear-bias", "llama3-scaling", "qwen2-bias", "qwen3-qknorm", "mistral"];

    /// <summary>The sequence classifiers (reward models) the script writes as transformers lays them out: backbone + <c>score.weight</c>, no LM head; their reference holds scores, not logits.</summary>
    public static readonly string[] RewardVariants = ["gpt2-reward", "llama-gqa-untied-reward", "qwen2-bias-reward"];

    public TinyHuggingFace()
    {
        Root = TinyPolicy.TempDir();
        Run(Path.Combine(Root, "f32"));
        Run(Path.Combine(Root, "bf16"), "--bf16");
        // A Blend codec (≤ 160 ids, the checkpoints' vocabulary) saved beside each checkpoint: Policy.Load reads it.
        foreach (var dir in Directory.GetDirectories(Path.Combine(Root, "f32")).Concat(Directory.GetDirectories(Path.Combine(Root, "bf16"))))
            Codec.Save(dir);
    }

    /// <summary>The temporary folder holding <c>f32/VARIANT</c> and <c>bf16/VARIANT</c>.</summary>
    public string Root { get; }

    /// <summary>The tokenizer saved with every checkpoint.</summary>
    public static TextCodec Codec => TinyPolicy.Codec;

    /// <summary>The folder of a float32 (or bfloat16) variant.</summary>
    public string Dir(string variant, bool bf16 = false) => Path.Combine(Root, bf16 ? "bf16" : "f32", variant);

    /// <summary>A copy of a variant's folder that a test may damage.</summary>
    public string Copy(string variant)
    {
        var target = TinyPolicy.TempDir();
        Directory.CreateDirectory(target);
        foreach (var f in Directory.GetFiles(Dir(variant))) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        return target;
    }

    /// <summary>Rewrites the <c>config.json</c> of a (copied) folder through <paramref name="edit"/>; returns its path.</summary>
    public static string EditConfig(string dir, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var path = Path.Combine(dir, "config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    static void Run(string outDir, string extra = "") => RunScript(outDir, extra);

    /// <summary>Runs the script: writes the named variants (every default one when none is named) under <paramref name="outDir"/>.</summary>
    public static void RunScript(string outDir, params string[] arguments)
    {
        var script = RepoRoot.File("tests/reference/hf_tiny.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(outDir);
        foreach (var a in arguments.Where(a => a.Length > 0)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{script} did not finish in 120 s."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {stderr.Result}");
    }

    /// <summary>
    /// The script's independent reading of a model folder (as transformers lays it out): the last position's logits of
    /// <paramref name="ids"/> for a causal LM, or the sequence classifier's score (<c>score.weight</c> · last hidden state).
    /// </summary>
    public static System.Text.Json.Nodes.JsonObject Score(string folder, IReadOnlyList<long> ids)
    {
        var script = RepoRoot.File("tests/reference/hf_tiny.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--score", folder, string.Join(",", ids) }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{script} --score did not finish in 60 s."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} --score failed ({p.ExitCode}): {stderr.Result}");
        return System.Text.Json.Nodes.JsonNode.Parse(stdout.Result)!.AsObject();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
