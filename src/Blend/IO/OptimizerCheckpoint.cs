using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// AdamW's state in a checkpoint folder as <c>optimizer.safetensors</c>, beside the model (the place of transformers'
/// Trainer's <c>optimizer.pt</c>): per parameter, by its name in the model, <c>NAME.exp_avg</c>, <c>NAME.exp_avg_sq</c>
/// (<c>NAME.max_exp_avg_sq</c> with AMSGrad) and <c>NAME.step</c> (int64); the parameter groups' hyperparameters (learning
/// rates, betas, ε, weight decay) and parameter names as JSON in the header's <c>__metadata__</c>. Restoring checks the
/// optimizer type, the groups and every name and shape first, then copies the values exactly.
/// </summary>
/// <remarks>Folders written by earlier Blend versions hold TorchSharp's own <c>optimizer.bin</c>; it is read when no <c>optimizer.safetensors</c> is there.</remarks>
internal static class OptimizerCheckpoint
{
    public const string FileName = "optimizer.safetensors";
    const string LegacyFile = "optimizer.bin";
    const string Format = "blend-optimizer/1";

    /// <summary>Writes <paramref name="optimizer"/>'s state into <paramref name="dir"/> (parameters named as in <paramref name="model"/>).</summary>
    public static void Save(string dir, OptimizerHelper optimizer, nn.Module model)
    {
        var names = Names(model);
        var tensors = new List<NamedTensor>();
        var groups = new JsonArray();
        var owned = new List<Tensor>();
        try
        {
            foreach (var (options, entries) in Walk(optimizer, names, "save"))
            {
                groups.Add(new JsonObject
                {
                    ["lr"] = options.LearningRate, ["initial_lr"] = options.InitialLearningRate, ["beta1"] = options.beta1, ["beta2"] = options.beta2,
                    ["eps"] = options.eps, ["weight_decay"] = options.weight_decay, ["amsgrad"] = options.amsgrad, ["maximize"] = options.maximize,
                    ["params"] = new JsonArray(entries.Select(e => (JsonNode)e.Name).ToArray()),
                });
                foreach (var (name, state) in entries)
                {
                    var step = tensor(state.step);
                    owned.Add(step);
                    tensors.Add(new NamedTensor(name + ".step", step));
                    tensors.Add(new NamedTensor(name + ".exp_avg", state.exp_avg));
                    tensors.Add(new NamedTensor(name + ".exp_avg_sq", state.exp_avg_sq));
                    if (state.max_exp_avg_sq is not null) tensors.Add(new NamedTensor(name + ".max_exp_avg_sq", state.max_exp_avg_sq));
                }
            }
            Safetensors.Write(Path.Combine(dir, FileName), tensors,
                [new("format", Format), new("optimizer", optimizer.GetType().Name), new("param_groups", groups.ToJsonString())]);
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>Restores <paramref name="optimizer"/>'s state from <paramref name="dir"/>; a mismatch is a <see cref="FormatException"/> naming the file, the group or the parameter.</summary>
    public static void Load(string dir, OptimizerHelper optimizer, nn.Module model)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            var legacy = Path.Combine(dir, LegacyFile);
            if (!File.Exists(legacy)) throw new FileNotFoundException($"{dir}: no {FileName} (the optimizer state) in the checkpoint.", path);
            optimizer.load_state_dict(legacy);
            return;
        }
        using var file = SafetensorsFile.Open(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v : throw new FormatException($"{path}: __metadata__ field '{key}' is missing.");
        if (Meta("format") != Format) throw new FormatException($"{path}: __metadata__ field 'format' is '{Meta("format")}', expected '{Format}'.");
        if (Meta("optimizer") != optimizer.GetType().Name) throw new FormatException($"{path}: the state is of optimizer {Meta("optimizer")}, this run uses {optimizer.GetType().Name}.");
        JsonArray groups;
        try { groups = JsonNode.Parse(Meta("param_groups")) as JsonArray ?? throw new FormatException("not an array"); }
        catch (Exception e) when (e is JsonException or FormatException) { throw new FormatException($"{path}: __metadata__ field 'param_groups' is not a JSON array ({e.Message}).", e); }
        var walked = Walk(optimizer, Names(model), "restore").ToList();
        if (groups.Count != walked.Count) throw new FormatException($"{path}: {groups.Count} parameter groups, this optimizer has {walked.Count}.");
        // Check everything first, then copy: a mismatch leaves the optimizer as it was.
        for (int g = 0; g < walked.Count; g++)
        {
            var stored = groups[g]?["params"]?.AsArray().Select(n => (string?)n).ToList() ?? throw new FormatException($"{path}: parameter group {g} has no 'params'.");
            var entries = walked[g].Entries;
            if (stored.Count != entries.Count) throw new FormatException($"{path}: parameter group {g} holds {stored.Count} parameters, this optimizer's {entries.Count}.");
            for (int i = 0; i < entries.Count; i++)
            {
                var (name, state) = entries[i];
                if (stored[i] != name) throw new FormatException($"{path}: parameter group {g}, entry {i} is '{stored[i]}', this optimizer's is '{name}'.");
                foreach (var (suffix, target) in new[] { (".exp_avg", state.exp_avg), (".exp_avg_sq", state.exp_avg_sq) })
                {
                    if (!file.Contains(name + suffix)) throw new FormatException($"{path}: missing tensor '{name + suffix}'.");
                    var e = file.Entry(name + suffix);
                    if (!e.Shape.SequenceEqual(target.shape)) throw new FormatException($"{path}: tensor '{name + suffix}' has shape [{string.Join(",", e.Shape)}], the parameter [{string.Join(",", target.shape)}].");
                }
                if (!file.Contains(name + ".step")) throw new FormatException($"{path}: missing tensor '{name}.step'.");
            }
        }
        using var noGrad = no_grad();
        for (int g = 0; g < walked.Count; g++)
        {
            var o = groups[g]!.AsObject();
            var options = walked[g].Options;
            options.LearningRate = Number(o, "lr", path, g);
            options.InitialLearningRate = Number(o, "initial_lr", path, g);
            options.beta1 = Number(o, "beta1", path, g);
            options.beta2 = Number(o, "beta2", path, g);
            options.eps = Number(o, "eps", path, g);
            options.weight_decay = Number(o, "weight_decay", path, g);
            options.amsgrad = (bool?)o["amsgrad"] ?? false;
            options.maximize = (bool?)o["maximize"] ?? false;
            foreach (var (name, state) in walked[g].Entries)
            {
                using (var step = file.Read(name + ".step", CPU)) state.step = step.item<long>();
                file.ReadInto(name + ".exp_avg", state.exp_avg);
                file.ReadInto(name + ".exp_avg_sq", state.exp_avg_sq);
                if (file.Contains(name + ".max_exp_avg_sq"))
                {
                    state.max_exp_avg_sq ??= zeros_like(state.exp_avg_sq).DetachFromDisposeScope();
                    file.ReadInto(name + ".max_exp_avg_sq", state.max_exp_avg_sq);
                }
            }
        }
    }

    static double Number(JsonObject o, string key, string path, int group) =>
        (double?)o[key] ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}: parameter group {group} has no '{key}'."));

    static Dictionary<IntPtr, string> Names(nn.Module model)
    {
        var names = new Dictionary<IntPtr, string>();
        foreach (var (name, p) in model.named_parameters()) names.TryAdd(p.Handle, name);
        return names;
    }

    sealed record Group(AdamW.Options Options, List<(string Name, AdamW.State State)> Entries);

    /// <summary>The optimizer's groups with each parameter's name and state, in the optimizer's order.</summary>
    static IEnumerable<Group> Walk(OptimizerHelper optimizer, Dictionary<IntPtr, string> names, string what)
    {
        if (optimizer is not AdamW) throw new NotSupportedException($"Checkpoint: cannot {what} the state of {optimizer.GetType().Name}; Blend's checkpoints hold AdamW state.");
        var states = optimizer.state_dict().State;
        int k = 0;
        foreach (var controller in optimizer.ParamGroups)
        {
            var group = (ParamGroup)controller;
            var entries = new List<(string, AdamW.State)>();
            foreach (var p in group.Parameters)
            {
                var name = names.TryGetValue(p.Handle, out var n) ? n : throw new InvalidOperationException($"Checkpoint: the optimizer holds a parameter {string.Join("x", p.shape)} that is not part of the model.");
                entries.Add((name, (AdamW.State)states[k++]));
            }
            yield return new Group((AdamW.Options)group.Options, entries);
        }
    }
}
