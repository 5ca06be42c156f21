using System.Globalization;
using System.Text.Json.Nodes;
using TorchSharp.Modules;

namespace Blend;

/// <summary>
/// An SFT checkpoint, laid out as transformers' Trainer checkpoints: the policy in the Hugging Face layout (so
/// <see cref="Policy.Load"/> reads it as a policy), AdamW's state in <c>optimizer.safetensors</c>
/// (<see cref="OptimizerCheckpoint"/>) and <c>trainer_state.json</c> (the step and what must match to resume), swapped in
/// as one folder. Checkpoints of earlier Blend versions (<c>sft-state.json</c>, <c>optimizer.bin</c>) still resume.
/// </summary>
internal static class SftCheckpoint
{
    const string Format = "blend-sft-state/1";
    const string StateName = "trainer_state.json";
    const string LegacyStateName = "sft-state.json";

    /// <summary>Writes a checkpoint; <paramref name="loraBase"/> (the base fingerprint of a LoRA run, <see cref="LoraCheckpoint"/>) saves the adapter instead of the whole policy.</summary>
    public static void Save(string dir, Policy policy, OptimizerHelper optimizer, SftOptions o, int step, int examples, string? loraBase = null) =>
        CheckpointFolder.Write(dir, "sft", tmp =>
        {
            if (loraBase is null) policy.WriteFiles(tmp);
            else LoraCheckpoint.WriteFiles(tmp, policy);
            OptimizerCheckpoint.Save(tmp, optimizer, policy.Model);
            var state = new JsonObject
            {
                ["format"] = Format, ["step"] = step, ["global_step"] = step, ["steps"] = o.Steps, ["max_steps"] = o.Steps, ["seed"] = o.Seed, ["batch_size"] = o.BatchSize,
                ["gradient_accumulation"] = o.GradientAccumulation, ["examples"] = examples,
            };
            if (loraBase is not null) state[LoraCheckpoint.BaseField] = loraBase;
            AtomicFile.WriteAllText(Path.Combine(tmp, StateName), state.ToJsonString());
        }, step);

    /// <summary>Loads weights (or, with <paramref name="loraBase"/>, the adapter) and optimizer state into the run; returns the step the checkpoint was written at.</summary>
    public static int Restore(string dir, Policy policy, OptimizerHelper optimizer, SftOptions o, int examples, string? loraBase = null)
    {
        dir = CheckpointFolder.Locate(dir, "Sft.Train: ResumeFrom", StateName, "sft");
        var path = Path.Combine(dir, StateName);
        if (!File.Exists(path) && File.Exists(Path.Combine(dir, LegacyStateName))) path = Path.Combine(dir, LegacyStateName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Sft.Train: ResumeFrom '{dir}' has no {StateName} (was it written by Sft.Train with CheckpointDir?).", path);
        var state = StateFile.Read(path, Format, "an SFT checkpoint state");
        void Same(string name, int expected, string option)
        {
            int stored = StateFile.Int(state, path, name);
            if (stored != expected)
                throw new InvalidOperationException($"{path}: '{name}' is {stored.ToString(CultureInfo.InvariantCulture)} but this run has {option} = {expected.ToString(CultureInfo.InvariantCulture)}; resuming needs the same value.");
        }
        Same("seed", o.Seed, "SftOptions.Seed");
        Same("batch_size", o.BatchSize, "SftOptions.BatchSize");
        Same("gradient_accumulation", o.GradientAccumulation, "SftOptions.GradientAccumulation");
        Same("examples", examples, "the training set size");
        int step = StateFile.Int(state, path, "step");
        if (step < 0 || step > o.Steps) throw new InvalidOperationException($"{path}: step {step} is outside this run's 0..{o.Steps} (SftOptions.Steps).");

        if (loraBase is not null) LoraCheckpoint.Restore(dir, state, path, policy, loraBase);
        else
        {
            LoraCheckpoint.ThrowIfHeld(dir, "SftOptions.Lora");
            using var saved = Policy.Load(dir, policy.Device);
            if (saved.Config != policy.Config)
                throw new InvalidOperationException($"{dir}: the checkpoint's model config ({saved.Config}) differs from the policy being trained ({policy.Config}).");
            using var noGrad = TorchSharp.torch.no_grad();
            var source = saved.Model.state_dict();
            foreach (var (name, target) in policy.Model.state_dict())
                target.copy_(source[name]);
        }
        OptimizerCheckpoint.Load(dir, optimizer, policy.Model);
        return step;
    }
}
