using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Blend;

/// <summary>
/// A CGPO checkpoint directory: <c>policy/</c> (the policy's own format), <c>optimizer.bin</c> (AdamW state),
/// <c>state.json</c> (step, seed, tasks, metrics). The directory is written under a temporary name and swapped in, so a crash
/// never leaves a half-written checkpoint; if the process dies between the two renames, the previous checkpoint is still
/// found under <c>&lt;dir&gt;.old-*</c> and loaded from there.
/// </summary>
/// <remarks>
/// The random streams are not stored as state: every draw is seeded from (seed, task, step), so the step number is the RNG
/// position.
/// </remarks>
internal static class CgpoCheckpoint
{
    const string Format = "blend-cgpo-checkpoint/1";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(string directory, Policy policy, TorchSharp.Modules.OptimizerHelper optimizer, CgpoRun run, int step, IReadOnlyList<StepMetrics> metrics)
    {
        AtomicFile.WriteDirectory(directory, tmp =>
        {
            policy.Save(Path.Combine(tmp, "policy"));
            optimizer.save_state_dict(Path.Combine(tmp, "optimizer.bin"));
            var state = new JsonObject
            {
                ["format"] = Format, ["step"] = step, ["seed"] = run.Seed,
                ["tasks"] = new JsonArray(run.Tasks.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                ["rng"] = "derived from (seed, task, step)",
                ["metrics"] = JsonSerializer.SerializeToNode(metrics, Json),
            };
            AtomicFile.WriteAllText(Path.Combine(tmp, "state.json"), state.ToJsonString(Json));
        });
    }

    /// <summary>Where the checkpoint lives: the directory itself, or a leftover of an interrupted swap.</summary>
    public static string Locate(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(Path.Combine(full, "state.json"))) return full;
        var parent = Path.GetDirectoryName(full)!;
        var leftover = Directory.Exists(parent)
            ? Directory.GetDirectories(parent, Path.GetFileName(full) + ".old-*").FirstOrDefault(d => File.Exists(Path.Combine(d, "state.json")))
            : null;
        return leftover ?? throw new FileNotFoundException($"CGPO checkpoint: '{full}' holds no checkpoint (state.json is missing).", Path.Combine(full, "state.json"));
    }

    public static CheckpointState ReadState(string directory, CgpoRun run)
    {
        var path = Path.Combine(directory, "state.json");
        var state = StateFile.Read(path, Format, "a CGPO checkpoint state");
        int seed = StateFile.Int(state, path, "seed");
        if (seed != run.Seed) throw new InvalidOperationException($"{path}: the checkpoint was written with seed {seed}, this run has seed {run.Seed}.");
        var tasks = state["tasks"]?.AsArray().Select(t => (string?)t).ToList() ?? throw new FormatException($"{path}: field 'tasks' is missing.");
        if (!tasks.SequenceEqual(run.Tasks)) throw new InvalidOperationException($"{path}: the checkpoint has tasks [{string.Join(", ", tasks)}], this run has [{string.Join(", ", run.Tasks)}].");
        int step = StateFile.Int(state, path, "step");
        var metrics = state["metrics"].Deserialize<List<StepMetrics>>(Json) ?? [];
        return new CheckpointState(step, metrics);
    }
}

/// <summary>The loop position and metrics restored from a checkpoint.</summary>
internal sealed record CheckpointState(int Step, IReadOnlyList<StepMetrics> Metrics);
