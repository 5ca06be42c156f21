using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The model part of a LoRA run's checkpoint (SFT or CGPO), inside Blend's one checkpoint folder (<see cref="CheckpointFolder"/>:
/// manifest written last, the newest complete checkpoint wins): instead of the whole policy, the adapter in PEFT's layout at
/// the top (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, as transformers' Trainer writes a PEFT model's
/// <c>checkpoint-N</c>), the trainable heads outside the adapter (PPO's value head) in <c>heads.safetensors</c>, and in the
/// trainer state <c>base_model_sha256</c>: the fingerprint of the frozen base the adapter was trained on. The optimizer state
/// (<c>optimizer.safetensors</c>) then holds only the adapter's parameters.
/// </summary>
/// <remarks>
/// Resuming rebuilds the run's start (the base policy, the value head, the adapter with the run's options), checks the
/// fingerprint and the adapter's options against the checkpoint (a mismatch names the field), then copies A, B and the heads
/// exactly; with the optimizer state and the step, the resumed run's numbers equal an uninterrupted run's on CPU.
/// </remarks>
internal static class LoraCheckpoint
{
    public const string HeadsFile = "heads.safetensors";
    public const string BaseField = "base_model_sha256";

    /// <summary>True when <paramref name="dir"/> holds a LoRA adapter rather than a whole policy.</summary>
    public static bool Holds(string dir) => File.Exists(Path.Combine(dir, LoraAdapterFile.ConfigFile));

    /// <summary>
    /// SHA-256 over the frozen base of <paramref name="policy"/>: every parameter that is neither an adapter's (<c>.lora_</c>) nor a
    /// trainable head's (<c>value_head.</c>, <c>reward_head.</c>), in name order, as name, dtype, shape and raw bytes.
    /// </summary>
    public static string BaseFingerprint(Policy policy)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var noGrad = no_grad();
        foreach (var (name, p) in policy.Model.named_parameters().Where(p => IsBase(p.name)).OrderBy(p => p.name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}|{p.dtype}|{string.Join(",", p.shape)}|"));
            using var cpu = p.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Writes the adapter (PEFT layout) and the trainable heads of <paramref name="policy"/> into the checkpoint's temporary folder.</summary>
    public static void WriteFiles(string tmp, Policy policy)
    {
        var adapter = LoraAdapter.Of(policy) ?? throw new InvalidOperationException("LoRA checkpoint: the policy carries no adapter.");
        LoraAdapterFile.WriteFiles(adapter, tmp, baseModel: null);
        var heads = Heads(policy).Select(h => new NamedTensor(h.Name, h.Parameter)).ToList();
        if (heads.Count > 0) Safetensors.Write(Path.Combine(tmp, HeadsFile), heads, [new("format", "pt"), new("producer", "blend")]);
    }

    /// <summary>
    /// Restores the adapter and heads of the checkpoint <paramref name="dir"/> into <paramref name="policy"/>, which carries the
    /// run's adapter; <paramref name="state"/> is the checkpoint's trainer state (read from <paramref name="statePath"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint holds a whole policy, or its base or adapter options differ from this run's (the message names the field).</exception>
    /// <exception cref="FormatException">A missing, malformed or mis-shaped file or tensor.</exception>
    public static void Restore(string dir, JsonObject state, string statePath, Policy policy, string fingerprint)
    {
        var adapter = LoraAdapter.Of(policy) ?? throw new InvalidOperationException("LoRA checkpoint: the policy carries no adapter.");
        var configPath = Path.Combine(dir, LoraAdapterFile.ConfigFile);
        if (!Holds(dir))
            throw new InvalidOperationException($"{dir}: the checkpoint holds a whole policy, not a LoRA adapter ({LoraAdapterFile.ConfigFile} is missing); this run trains a LoRA adapter, so it cannot resume from it (resume without LoRA options, from a policy without an adapter).");
        var stored = state[BaseField] switch
        {
            null => throw new FormatException($"{statePath}: field '{BaseField}' is missing (the fingerprint of the base model the adapter was trained on)."),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw new FormatException($"{statePath}: field '{BaseField}' must be a string."),
        };
        if (stored != fingerprint)
            throw new InvalidOperationException($"{statePath}: field '{BaseField}' is {stored[..Math.Min(12, stored.Length)]}…, but this run's base model hashes to {fingerprint[..12]}…: the checkpoint's adapter was trained on another base model; resume from the policy the run started from.");
        var saved = LoraAdapterFile.ReadConfig(configPath);
        var mine = adapter.Options;
        void Same(string field, string a, string b)
        {
            if (a != b) throw new InvalidOperationException($"{configPath}: field '{field}' is {a}, this run's adapter has {b}; resuming needs the same adapter options.");
        }
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        Same("r", saved.Rank.ToString(ic), mine.Rank.ToString(ic));
        Same("lora_alpha", saved.Alpha.ToString(ic), mine.Alpha.ToString(ic));
        Same("lora_dropout", saved.Dropout.ToString(ic), mine.Dropout.ToString(ic));
        Same("target_modules", $"[{string.Join(", ", saved.TargetModules!)}]", $"[{string.Join(", ", mine.TargetModules!)}]");
        LoraAdapterFile.ReadWeights(adapter, Path.Combine(dir, LoraAdapterFile.WeightsFile));
        var heads = Heads(policy);
        if (heads.Count == 0) return;
        var path = Path.Combine(dir, HeadsFile);
        if (!File.Exists(path)) throw new FormatException($"{dir}: {HeadsFile} is missing; this run trains {string.Join(", ", heads.Select(h => h.Name))} beside the adapter.");
        using var file = SafetensorsFile.Open(path);
        foreach (var name in file.Names)
            if (!heads.Any(h => h.Name == name)) throw new FormatException($"{path}: unexpected tensor '{name}' (this run's trainable heads: {string.Join(", ", heads.Select(h => h.Name))}).");
        using var noGrad = no_grad();
        foreach (var (name, p) in heads)
        {
            if (!file.Contains(name)) throw new FormatException($"{path}: missing tensor '{name}'.");
            var e = file.Entry(name);
            if (!e.Shape.SequenceEqual(p.shape)) throw new FormatException($"{path}: tensor '{name}' has shape [{string.Join(",", e.Shape)}], the model's is [{string.Join(",", p.shape)}].");
            file.ReadInto(name, p);
        }
    }

    /// <summary>Refuses to resume a run without an adapter from an adapter checkpoint.</summary>
    public static void ThrowIfHeld(string dir, string what)
    {
        if (Holds(dir))
            throw new InvalidOperationException($"{dir}: the checkpoint holds a LoRA adapter ({LoraAdapterFile.ConfigFile}), not a whole policy; resume it as a LoRA run ({what}) from the base policy it was trained on.");
    }

    static List<(string Name, Tensor Parameter)> Heads(Policy policy) =>
        policy.Model.named_parameters().Where(p => p.parameter.requires_grad && !p.name.Contains(".lora_", StringComparison.Ordinal)).Select(p => (p.name, (Tensor)p.parameter)).ToList();

    static bool IsBase(string name) =>
        !name.Contains(".lora_", StringComparison.Ordinal) && !name.StartsWith("value_head.", StringComparison.Ordinal) && !name.StartsWith("reward_head.", StringComparison.Ordinal);
}
