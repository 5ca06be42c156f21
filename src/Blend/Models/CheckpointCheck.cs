using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// Checks that <see cref="Policy.Load"/> runs before and after building a model: which folder holds the newest complete
/// checkpoint (see <see cref="CheckpointFolder"/>), whether its kind may be loaded as a policy, whether the weights file can
/// belong to the config at all (before any allocation), and whether the loaded weights are finite.
/// </summary>
internal static class CheckpointCheck
{
    /// <summary>Checkpoint kinds a plain <see cref="Policy.Load"/> reads: policies, and SFT and CGPO checkpoints (their model is a policy in the same layout).</summary>
    static readonly string[] PolicyKinds = ["policy", "sft", "cgpo"];

    const string RewardKind = "reward-model";

    [ThreadStatic] static string[]? _allowed;

    /// <summary>Lets <see cref="Policy.Load"/> on this thread accept <paramref name="kind"/> (e.g. a reward model's backbone) until disposed.</summary>
    public static IDisposable Allow(string kind)
    {
        var previous = _allowed;
        _allowed = [.. previous ?? PolicyKinds, kind];
        return new Restore(() => _allowed = previous);
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>
    /// The folder <see cref="Policy.Load"/> should read for <paramref name="dir"/>: the newest complete checkpoint among it and its
    /// <c>.old-*</c>/<c>.tmp-*</c> siblings. A missing folder with no sibling is returned unchanged (the loader names it).
    /// </summary>
    /// <exception cref="FormatException">The checkpoint is incomplete, changed since it was written, or of another kind.</exception>
    public static string PolicyFolder(string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        bool siblings = Directory.Exists(parent) && Directory.GetDirectories(parent, Path.GetFileName(full) + ".*-*").Length > 0;
        if (!Directory.Exists(full) && !siblings) return dir;
        var kinds = _allowed ?? PolicyKinds;
        if (Directory.Exists(full) && CheckpointFolder.Kind(full) is { } kind && !kinds.Contains(kind))
            throw new FormatException(kind == RewardKind
                ? $"Policy.Load: '{full}' is a reward-model checkpoint; load it with RewardModel.Load."
                : $"Policy.Load: '{full}' is a {kind} checkpoint, not a policy (expected {string.Join(" or ", kinds)}).");
        return CheckpointFolder.Locate(full, "Policy.Load", "config.json", kinds);
    }

    /// <summary>
    /// After reading <c>config.json</c>: a reward model (a <c>…ForSequenceClassification</c> config, whatever wrote it) is not
    /// a policy, unless the caller allowed its kind (<see cref="RewardModel.Load"/> does).
    /// </summary>
    public static void Kind(string dir, ModelConfig config)
    {
        if (config.RewardHead && !(_allowed ?? PolicyKinds).Contains(RewardKind))
            throw new FormatException($"Policy.Load: '{dir}' is a reward-model checkpoint ({Path.Combine(dir, "config.json")}: architectures {HuggingFaceConfig.ArchitectureName(config)}); load it with RewardModel.Load.");
    }

    /// <summary>
    /// Before Blend's GPT is built: the weights' tensors (every shard's header) must fit the config (token embedding
    /// [VocabSize, Width], as many blocks as Layers, and at least the elements that the embedding and the blocks need), so a
    /// small file with a huge config is refused without allocating.
    /// </summary>
    public static void BeforeAllocation(string dir, IReadOnlyDictionary<string, string> map, GptConfig config, string configPath)
    {
        var entries = new List<SafetensorsEntry>();
        string? embeddingFile = null;
        foreach (var shard in map.Values.Distinct())
        {
            var path = Path.Combine(dir, shard);
            if (!File.Exists(path)) continue;            // the loader names the missing shard
            using var file = SafetensorsFile.Open(path);
            entries.AddRange(file.Entries);
            if (file.Contains("wte.weight")) embeddingFile = file.Path;
        }
        var where = embeddingFile ?? Path.Combine(dir, map.Values.FirstOrDefault() ?? "model.safetensors");
        if (entries.FirstOrDefault(e => e.Name == "wte.weight") is { } wte && !wte.Shape.SequenceEqual([config.VocabSize, config.Width]))
            throw new FormatException($"{where}: tensor 'wte.weight' has shape [{string.Join(",", wte.Shape)}] but {configPath} expects [{config.VocabSize},{config.Width}] (checked before building the model).");
        int blocks = entries.Where(e => e.Name.StartsWith("h.", StringComparison.Ordinal))
            .Select(e => e.Name.Split('.')[1]).Distinct(StringComparer.Ordinal).Count();
        if (blocks < config.Layers)
            throw new FormatException($"{where}: missing tensor 'h.{blocks}.*': the weights hold {blocks} transformer blocks but {configPath} says {config.Layers} layers (checked before building the model).");
        if (blocks > config.Layers)
            throw new FormatException($"{where}: unexpected tensor 'h.{config.Layers}.*': the weights hold {blocks} transformer blocks but {configPath} says {config.Layers} layers (checked before building the model).");
        long held = entries.Sum(e => e.Elements);
        long width = config.Width;
        long needed = config.VocabSize * width + config.Layers * 2 * width * width;
        if (held < needed)
            throw new FormatException($"{where}: holds {held:N0} weights, fewer than the {needed:N0} that {configPath}'s embedding and blocks need (checked before building the model).");
    }

    /// <summary>True when non-finite weights are accepted (environment variable <c>BLEND_ALLOW_NONFINITE_WEIGHTS=1</c>).</summary>
    public static bool AllowNonFinite => Environment.GetEnvironmentVariable("BLEND_ALLOW_NONFINITE_WEIGHTS") == "1";

    /// <summary>After loading: every weight must be finite, unless <see cref="AllowNonFinite"/>; the error names each bad tensor and its count.</summary>
    public static void Finite(TorchSharp.torch.nn.Module model, string weightsPath)
    {
        var bad = new List<string>();
        using (no_grad())
            foreach (var (name, t) in model.state_dict())
            {
                if (!t.is_floating_point() || AllFinite(t)) continue;
                using var finite = t.isfinite();
                long count = t.numel() - finite.sum().item<long>();
                if (count > 0) bad.Add($"'{name}' ({count} of {t.numel()})");
            }
        if (bad.Count == 0) return;
        var message = $"{weightsPath}: non-finite weights (NaN or ±inf) in {string.Join(", ", bad)}; a model with them generates nothing useful.";
        if (AllowNonFinite) { Console.Error.WriteLine("warning: " + message); return; }
        throw new FormatException(message + " Set BLEND_ALLOW_NONFINITE_WEIGHTS=1 to load it anyway.");
    }

    /// <summary>
    /// True when the sum of the elements is finite, which holds when every element is: NaN and ±inf propagate through a sum
    /// (+inf and −inf give NaN), in the tensor's own dtype. One reduction decides it without the tensor-sized temporaries of <c>isfinite</c> (which, on a
    /// 100 M-parameter model, added 0.2 GB to the load's peak RSS). A false alarm (finite values whose sum overflows) only
    /// sends the caller to the exact <c>isfinite</c> count, which then finds nothing.
    /// </summary>
    static bool AllFinite(Tensor t)
    {
        if (t.numel() == 0) return true;
        using var scope = NewDisposeScope();
        return double.IsFinite(t.sum().to(ScalarType.Float64).item<double>());
    }
}
