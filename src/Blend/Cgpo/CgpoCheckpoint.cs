using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Blend;

/// <summary>
/// A CGPO checkpoint directory, laid out as transformers' Trainer checkpoints: the policy in the Hugging Face layout at the
/// top (<c>config.json</c>, <c>model.safetensors</c>, tokenizer files: <see cref="Policy.Load"/> opens the folder), AdamW's
/// state in <c>optimizer.safetensors</c> (<see cref="OptimizerCheckpoint"/>) and <c>trainer_state.json</c> (step, seed,
/// tasks, metrics). The directory is written under a temporary name and swapped in, so a crash never leaves a half-written
/// checkpoint; recovery takes the newest complete one among the directory and its leftovers (<see cref="CheckpointFolder"/>:
/// a manifest with sizes and hashes, written last, says what is complete).
/// </summary>
/// <remarks>
/// The random streams are not stored as state: every draw is seeded from (seed, task, step), so the step number is the RNG
/// position. Checkpoints of earlier Blend versions (<c>policy/</c>, <c>optimizer.bin</c>, <c>state.json</c>) still resume.
/// </remarks>
internal static class CgpoCheckpoint
{
    const string Format = "blend-cgpo-checkpoint/1";
    const string StateFileName = "trainer_state.json";
    const string LegacyStateFile = "state.json";
    const string LegacyPolicyFolder = "policy";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes a checkpoint; <paramref name="loraBase"/> (the base fingerprint of a LoRA run, <see cref="LoraCheckpoint"/>) saves the adapter instead of the whole policy.</summary>
    public static void Save(string directory, Policy policy, TorchSharp.Modules.OptimizerHelper optimizer, CgpoRun run, int step, IReadOnlyList<StepMetrics> metrics, string? loraBase = null)
    {
        CheckpointFolder.Write(directory, "cgpo", tmp =>
        {
            if (loraBase is null) policy.WriteFiles(tmp);
            else LoraCheckpoint.WriteFiles(tmp, policy);
            OptimizerCheckpoint.Save(tmp, optimizer, policy.Model);
            var state = new JsonObject
            {
                ["format"] = Format, ["step"] = step, ["global_step"] = step, ["max_steps"] = run.StepCount, ["seed"] = run.Seed,
                ["tasks"] = new JsonArray(run.Tasks.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                ["rng"] = "derived from (seed, task, step)",
                ["metrics"] = JsonSerializer.SerializeToNode(metrics, Json),
            };
            if (loraBase is not null) state[LoraCheckpoint.BaseField] = loraBase;
            AtomicFile.WriteAllText(Path.Combine(tmp, StateFileName), state.ToJsonString(Json));
        }, step);
    }

    /// <summary>Where the checkpoint lives: the newest complete one among the directory and its <c>.old-*</c>/<c>.tmp-*</c> leftovers (see <see cref="CheckpointFolder"/>).</summary>
    public static string Locate(string directory) => CheckpointFolder.Locate(directory, "CGPO checkpoint", StateFileName, "cgpo");

    /// <summary>The policy of a located checkpoint (at its top, or in <c>policy/</c> for an earlier Blend's).</summary>
    public static Policy LoadPolicy(string directory)
    {
        LoraCheckpoint.ThrowIfHeld(directory, "CgpoRun.Lora(…)");
        var legacy = Path.Combine(directory, LegacyPolicyFolder);
        return Policy.Load(Directory.Exists(legacy) && !File.Exists(Path.Combine(directory, "config.json")) ? legacy : directory);
    }

    /// <summary>Restores the adapter (and heads) of a located LoRA checkpoint into <paramref name="policy"/>, which carries this run's adapter.</summary>
    public static void RestoreAdapter(string directory, Policy policy, string loraBase)
    {
        var path = StatePath(directory);
        LoraCheckpoint.Restore(directory, StateFile.Read(path, Format, "a CGPO checkpoint state"), path, policy, loraBase);
    }

    static string StatePath(string directory)
    {
        var path = Path.Combine(directory, StateFileName);
        return !File.Exists(path) && File.Exists(Path.Combine(directory, LegacyStateFile)) ? Path.Combine(directory, LegacyStateFile) : path;
    }

    /// <summary>Restores the AdamW state of a located checkpoint into <paramref name="optimizer"/> (over <paramref name="policy"/>'s parameters).</summary>
    public static void RestoreOptimizer(string directory, TorchSharp.Modules.OptimizerHelper optimizer, Policy policy) =>
        OptimizerCheckpoint.Load(directory, optimizer, policy.Model);

    public static CheckpointState ReadState(string directory, CgpoRun run)
    {
        var path = StatePath(directory);
        var state = StateFile.Read(path, Format, "a CGPO checkpoint state");
        int seed = StateFile.Int(state, path, "seed");
        if (seed != run.Seed) throw new InvalidOperationException($"{path}: the checkpoint was written with seed {seed}, this run has seed {run.Seed}.");
        var tasks = state["tasks"]?.AsArray().Select(t => (string?)t).ToList() ?? throw new FormatException($"{path}: field 'tasks' is missing.");
        if (!tasks.SequenceEqual(run.Tasks)) throw new InvalidOperationException($"{path}: the checkpoint has tasks [{string.Join(", ", tasks)}], this run has [{string.Join(", ", run.Tasks)}].");
        int step = StateFile.Int(state, path, "step");
        if (step < 0 || step > run.StepCount)
            throw new FormatException($"{path}: field 'step' is {step}, outside this run's 0..{run.StepCount} (CgpoRun.Steps).");
        List<StepMetrics> metrics;
        try { metrics = state["metrics"].Deserialize<List<StepMetrics>>(Json) ?? throw new FormatException("null"); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException) { throw new FormatException($"{path}: field 'metrics' is not a list of step metrics ({e.Message}).", e); }
        if (metrics.Count != step * tasks.Count || metrics.Any(m => m.Step < 1 || m.Step > step))
            throw new FormatException($"{path}: field 'metrics' has {metrics.Count} rows for step {step} and {tasks.Count} tasks (expected {step * tasks.Count}, steps 1..{step}).");
        return new CheckpointState(step, metrics);
    }
}

/// <summary>The loop position and metrics restored from a checkpoint.</summary>
internal sealed record CheckpointState(int Step, IReadOnlyList<StepMetrics> Metrics);
