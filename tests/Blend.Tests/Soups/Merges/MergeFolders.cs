using Blend.Tests.Models;
using Blend.Tests.Policy;
using static TorchSharp.torch;

namespace Blend.Tests.Soups.Merges;

/// <summary>
/// Tiny Hugging Face model folders to merge, made once per test class: <c>base</c> is the reference script's Llama
/// (GQA, tied embeddings; written by tests/reference/hf_tiny.py, not by Blend), <c>expert-a/b/c</c> are the base plus
/// seeded noise of scale 0.05, written as safetensors with the base's config.json and a Blend tokenizer in every folder.
/// </summary>
public sealed class MergeFolders : IDisposable
{
    public static readonly string[] Experts = ["expert-a", "expert-b", "expert-c"];

    public MergeFolders()
    {
        Root = TinyPolicy.TempDir();
        var scratch = Path.Combine(Root, ".script");
        TinyHuggingFace.RunScript(scratch, "llama-gqa-tied");
        var basePath = Dir("base");
        Directory.CreateDirectory(basePath);
        foreach (var f in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(scratch, "llama-gqa-tied", f), Path.Combine(basePath, f));
        Directory.Delete(scratch, true);
        TinyHuggingFace.Codec.Save(basePath);
        using var baseFile = SafetensorsFile.Open(Path.Combine(basePath, "model.safetensors"));
        for (int e = 0; e < Experts.Length; e++)
        {
            var dir = Dir(Experts[e]);
            Directory.CreateDirectory(dir);
            File.Copy(Path.Combine(basePath, "config.json"), Path.Combine(dir, "config.json"));
            TinyHuggingFace.Codec.Save(dir);
            using var scope = NewDisposeScope();
            using var generator = new TorchSharp.torch.Generator((ulong)(100 + e), CPU);
            var tensors = baseFile.Names.Select(n =>
            {
                var t = baseFile.Read(n, CPU);
                return new NamedTensor(n, t + randn(t.shape, generator: generator) * 0.05);
            }).ToList();
            Safetensors.Write(Path.Combine(dir, "model.safetensors"), tensors);
        }
    }

    /// <summary>The temporary folder holding <c>base</c> and the experts.</summary>
    public string Root { get; }

    /// <summary>A model folder under <see cref="Root"/>.</summary>
    public string Dir(string name) => Path.Combine(Root, name);

    /// <summary>A fresh output folder path under <see cref="Root"/> (not created).</summary>
    public string NewOut() => Path.Combine(Root, "out-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Every tensor of a folder (any layout Blend writes), by name.</summary>
    public static Dictionary<string, Tensor> Tensors(string dir)
    {
        using var source = CheckpointSource.Open(dir);
        return source.WeightMap.Keys.ToDictionary(n => n, n => source.Read(n));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
