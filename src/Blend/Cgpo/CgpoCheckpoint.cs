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
/// position. The rewards' state is: <c>reward_normalizers.json</c> holds the running statistics of every
/// <see cref="RewardNormalizer"/> the tasks' rewards use, and <c>baselines.json</c> every baseline response ā scored so far
/// (text, tokens, reward, verdict), so a resumed run neither scores them again (which would advance the statistics a second
/// time) nor sees other values. Checkpoints of earlier Blend versions (<c>policy/</c>, <c>optimizer.bin</c>,
/// <c>state.json</c>, no reward state) still resume; without the reward files their baselines are scored again.
/// </remarks>
internal static class CgpoCheckpoint
{
    const string Format = "blend-cgpo-checkpoint/1";
    const string StateFileName = "trainer_state.json";
    const string LegacyStateFile = "state.json";
    const string LegacyPolicyFolder = "policy";
    const string NormalizersFile = "reward_normalizers.json";
    const string NormalizersFormat = "blend-cgpo-reward-normalizers/1";
    const string BaselinesFile = "baselines.json";
    const string BaselinesFormat = "blend-cgpo-baselines/1";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// Writes a checkpoint with the run's reward state (the normalizers' statistics and <paramref name="baselines"/>: per task,
    /// the baseline responses scored so far by prompt index); <paramref name="loraBase"/> (the base fingerprint of a LoRA run,
    /// <see cref="LoraCheckpoint"/>) saves the adapter instead of the whole policy.
    /// </summary>
    public static void Save(string directory, Policy policy, TorchSharp.Modules.OptimizerHelper optimizer, CgpoRun run, int step, IReadOnlyList<StepMetrics> metrics,
        IReadOnlyDictionary<string, Dictionary<int, BaselineResponse>> baselines, string? loraBase = null)
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
            WriteRewardState(tmp, run, baselines);
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

    /// <summary>
    /// The running normalizers of the run's rewards, each once, in task order and then in the order a walk through the reward
    /// finds them (mixtures and their components, calibrated and biased rewards; another reward type is opaque).
    /// </summary>
    public static IReadOnlyList<RewardNormalizer> Normalizers(CgpoRun run)
    {
        var found = new List<RewardNormalizer>();
        void Walk(IRewardModel? reward)
        {
            switch (reward)
            {
                case RewardMixture mixture:
                    if (mixture.Normalizer is { } n && !found.Contains(n)) found.Add(n);
                    foreach (var c in mixture.Components) Walk(c.Reward);
                    break;
                case CalibratedReward calibrated: Walk(calibrated.Reward); break;
                case BiasedReward biased: Walk(biased.Inner); break;
            }
        }
        foreach (var task in run.TaskList) Walk(task.RewardModel);
        return found;
    }

    static void WriteRewardState(string dir, CgpoRun run, IReadOnlyDictionary<string, Dictionary<int, BaselineResponse>> baselines)
    {
        var normalizers = new JsonObject
        {
            ["format"] = NormalizersFormat,
            ["normalizers"] = new JsonArray([.. Normalizers(run).Select(n => (JsonNode)new JsonObject
            {
                ["method"] = n.ToString(), ["state"] = JsonNode.Parse(n.State.ToJson()),
            })]),
        };
        AtomicFile.WriteAllText(Path.Combine(dir, NormalizersFile), normalizers.ToJsonString(Json));
        var tasks = new JsonObject();
        foreach (var task in run.Tasks)
            tasks[task] = new JsonArray([.. (baselines.TryGetValue(task, out var b) ? b : []).OrderBy(kv => kv.Key).Select(kv => (JsonNode)new JsonObject
            {
                ["index"] = kv.Key, ["text"] = kv.Value.Text,
                ["prompt_tokens"] = new JsonArray([.. kv.Value.PromptTokens.Select(t => (JsonNode)t)]),
                ["tokens"] = new JsonArray([.. kv.Value.Tokens.Select(t => (JsonNode)t)]),
                ["reward"] = kv.Value.Reward.ToString("R", System.Globalization.CultureInfo.InvariantCulture), ["passed"] = kv.Value.Passed,
            })]);
        AtomicFile.WriteAllText(Path.Combine(dir, BaselinesFile), new JsonObject { ["format"] = BaselinesFormat, ["tasks"] = tasks }.ToJsonString(Json));
    }

    /// <summary>
    /// Restores the rewards' running statistics into the run's normalizers and returns each task's saved baselines (empty for a
    /// checkpoint of an earlier Blend, which has no reward state). A run whose rewards hold another number of normalizers is refused.
    /// </summary>
    public static IReadOnlyDictionary<string, Dictionary<int, BaselineResponse>> RestoreRewardState(string directory, CgpoRun run)
    {
        var result = new Dictionary<string, Dictionary<int, BaselineResponse>>();
        var normalizersPath = Path.Combine(directory, NormalizersFile);
        var baselinesPath = Path.Combine(directory, BaselinesFile);
        if (!File.Exists(normalizersPath) || !File.Exists(baselinesPath)) return result;
        var normalizers = Normalizers(run);
        var saved = StateFile.Read(normalizersPath, NormalizersFormat, "the reward normalizers of a CGPO checkpoint")["normalizers"] as JsonArray
            ?? throw new FormatException($"{normalizersPath}: field 'normalizers' must be a list.");
        if (saved.Count != normalizers.Count)
            throw new InvalidOperationException($"{normalizersPath}: the checkpoint holds {saved.Count} reward normalizer(s), this run's rewards use {normalizers.Count}; resume with the rewards the checkpoint was written with.");
        for (int i = 0; i < saved.Count; i++)
        {
            var method = (string?)saved[i]?["method"];
            if (method != normalizers[i].ToString())
                throw new InvalidOperationException($"{normalizersPath}: normalizers[{i}].method is '{method}', this run's is '{normalizers[i]}'.");
            var state = saved[i]?["state"] ?? throw new FormatException($"{normalizersPath}: normalizers[{i}].state is missing.");
            normalizers[i].Restore(RewardNormalizerState.FromJson(state.ToJsonString(), $"{normalizersPath}: normalizers[{i}].state"));
        }
        var tasks = StateFile.Read(baselinesPath, BaselinesFormat, "the baselines of a CGPO checkpoint")["tasks"] as JsonObject
            ?? throw new FormatException($"{baselinesPath}: field 'tasks' must be an object.");
        foreach (var task in run.Tasks)
        {
            var map = result[task] = [];
            if (tasks[task] is not JsonArray items) throw new FormatException($"{baselinesPath}: tasks.{task} is missing (the checkpoint's tasks are checked first, so the file is damaged).");
            for (int i = 0; i < items.Count; i++)
            {
                string where = $"{baselinesPath}: tasks.{task}[{i}]";
                var o = items[i] as JsonObject ?? throw new FormatException($"{where} must be an object (index, text, prompt_tokens, tokens, reward, passed).");
                T Field<T>(string name) => o[name] is not JsonValue value ? throw new FormatException($"{where}.{name} is missing.")
                    : value.TryGetValue(out T? x) && x is not null ? x : throw new FormatException($"{where}.{name} is not a {typeof(T).Name}.");
                int[] Tokens(string name) => o[name] is JsonArray a
                    ? [.. a.Select((t, j) => t is JsonValue v && v.TryGetValue(out int id) ? id : throw new FormatException($"{where}.{name}[{j}] is not a token id."))]
                    : throw new FormatException($"{where}.{name} must be a list of token ids.");
                if (!double.TryParse(Field<string>("reward"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var reward))
                    throw new FormatException($"{where}.reward must be a number written as a string.");
                map[Field<int>("index")] = new BaselineResponse(Field<string>("text"), Tokens("prompt_tokens"), Tokens("tokens"), reward, Field<bool>("passed"));
            }
        }
        return result;
    }
}

/// <summary>The loop position and metrics restored from a checkpoint.</summary>
internal sealed record CheckpointState(int Step, IReadOnlyList<StepMetrics> Metrics);
