using System.Globalization;
using System.Runtime.CompilerServices;
using Blend.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A LoRA adapter attached to a <see cref="Policy"/> (Hu et al. 2021; PEFT's <c>LoraModel</c>): every target projection W
/// (<see cref="LoraOptions.TargetModules"/>) computes W x + (α/r)·B·A·x, with A [r, in] drawn Kaiming-uniform and B [out, r] = 0,
/// so the adapted model equals its base until training moves B. Attaching freezes every base parameter
/// (<c>requires_grad = false</c>) except the scalar heads (a reward model's score head, PPO's value head, which PEFT would list in
/// <c>modules_to_save</c>), so any trainer that optimises the parameters with gradients — <see cref="Sft"/>,
/// <see cref="RewardTrainer"/>, every CGPO optimizer — trains only the adapter.
/// </summary>
/// <remarks>
/// <para>The adapter's parameters are submodules of their targets (<c>h.0.attn.c_attn.lora_A.weight</c>); the wrapped modules keep
/// their own code, so every architecture (Blend's <see cref="Models.Gpt"/>, GPT-2, Llama and its relatives) is adapted the same
/// way. <see cref="Policy.Clone"/> copies the adapter with the base; <see cref="Policy.Save(string)"/> refuses an adapted
/// policy: save the adapter (<see cref="Save"/>, PEFT's layout) or merge it into its base first (<see cref="Merge"/>).</para>
/// <para>Soups of adapters interpolate their weight deltas (<see cref="AdapterSoup"/>).</para>
/// </remarks>
/// <example><code>using var policy = Policy.Load("models/Qwen2.5-0.5B");
/// var adapter = LoraAdapter.Attach(policy, new LoraOptions { Rank = 16, Alpha = 32, TargetModules = ["q_proj", "v_proj"] });
/// Sft.Train(policy, train);                   // trains A and B only
/// adapter.Save("out/adapter");               // adapter_config.json + adapter_model.safetensors
/// using var merged = adapter.Merge();         // W + (α/r)·B·A: a plain policy
/// merged.Save("out/merged");</code></example>
public sealed class LoraAdapter
{
    static readonly ConditionalWeakTable<CausalLM, LoraAdapter> Attached = new();

    readonly List<LoraLayer> _layers;

    LoraAdapter(Policy host, LoraOptions options, List<LoraLayer> layers)
    {
        Policy = host;
        Options = options;
        _layers = layers;
    }

    /// <summary>The policy the adapter is attached to (its base weights stay frozen).</summary>
    public Policy Policy { get; }

    /// <summary>The adapter's hyperparameters (target modules resolved to the architecture's default when they were null).</summary>
    public LoraOptions Options { get; }

    /// <summary>The adapted modules, by their Hugging Face path (<c>transformer.h.0.attn.c_attn</c>, <c>model.layers.0.self_attn.q_proj</c>).</summary>
    public IReadOnlyList<string> Modules => _layers.Select(l => ModulePath(l)).ToList();

    /// <summary>Trainable adapter parameters (A and B of every target).</summary>
    public long ParameterCount => _layers.Sum(l => l.A.Weight.numel() + l.B.Weight.numel());

    internal IReadOnlyList<LoraLayer> Layers => _layers;

    /// <summary>The adapter attached to <paramref name="policy"/>, or null.</summary>
    public static LoraAdapter? Of(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Attached.TryGetValue(policy.Model, out var a) ? a : null;
    }

    /// <summary>
    /// Attaches a fresh adapter to <paramref name="policy"/> in place (A Kaiming-uniform from <see cref="LoraOptions.Seed"/>,
    /// B = 0) and freezes the base parameters.
    /// </summary>
    /// <exception cref="ArgumentException">A target name matches no module, or matches a module that is not a linear projection; the options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The policy already carries an adapter.</exception>
    public static LoraAdapter Attach(Policy policy, LoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = policy.Model;
        if (Of(policy) is not null) throw new InvalidOperationException("LoraAdapter.Attach: the policy already carries a LoRA adapter (LoraAdapter.Of(policy)); merge it (Merge()) or start from a policy without one.");
        var targets = options.TargetsFor(policy.Config);
        var matched = new List<(string Name, nn.Module<Tensor, Tensor> Module)>();
        var unused = new HashSet<string>(targets, StringComparer.Ordinal);
        foreach (var (name, module) in model.named_modules())
        {
            var hit = targets.FirstOrDefault(t => name == t || name.EndsWith("." + t, StringComparison.Ordinal));
            if (hit is null) continue;
            unused.Remove(hit);
            if (module is not (Linear or Dense or Conv1D))
                throw new ArgumentException($"LoraAdapter.Attach: target '{hit}' matches module '{name}' ({module.GetType().Name}), which is not a linear projection (Linear, Dense or Conv1D).");
            matched.Add((name, (nn.Module<Tensor, Tensor>)module));
        }
        if (unused.Count > 0)
            throw new ArgumentException($"LoraAdapter.Attach: target module(s) {string.Join(", ", unused.Select(u => $"'{u}'"))} not found in the {policy.Config.Architecture} model (its projections: {string.Join(", ", ProjectionNames(model))}).");
        options = options with { TargetModules = targets };
        foreach (var (name, p) in model.named_parameters())
            if (!IsHead(name)) p.requires_grad = false;
        using var generator = BlendRuntime.Generator(options.Seed, "lora-init");
        var layers = matched.Select(m => LoraLayer.Attach(m.Name, m.Module, options.Rank, options.Scaling, options.Dropout, generator)).ToList();
        if (policy.IsFrozen || !model.training) foreach (var l in layers) { l.A.eval(); l.B.eval(); }
        var adapter = new LoraAdapter(policy, options, layers);
        Attached.Add(model, adapter);
        return adapter;
    }

    /// <summary>
    /// Loads an adapter saved in PEFT's layout (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, by Blend or by
    /// PEFT) and attaches it to <paramref name="policy"/>, its base model, in place.
    /// </summary>
    /// <exception cref="FormatException">A missing or malformed file, an unsupported PEFT option, or a tensor that is missing, unexpected or mis-shaped (the message names the file and the field or tensor).</exception>
    public static LoraAdapter Load(Policy policy, string dir) => LoraAdapterFile.Load(policy, dir);

    /// <summary>
    /// Writes the adapter into <paramref name="dir"/> atomically in PEFT's layout: <c>adapter_config.json</c> (<c>peft_type</c>
    /// LORA, <c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>, <c>target_modules</c>, <c>base_model_name_or_path</c> =
    /// <paramref name="baseModel"/>, <c>bias</c> none, <c>task_type</c> CAUSAL_LM or SEQ_CLS for a reward model,
    /// <c>fan_in_fan_out</c> true for GPT-2's Conv1D) and <c>adapter_model.safetensors</c>
    /// (<c>base_model.model.PATH.lora_A.weight</c> / <c>lora_B.weight</c>; a reward model's head as
    /// <c>base_model.model.score.weight</c> / <c>.bias</c>).
    /// </summary>
    public void Save(string dir, string? baseModel = null) => LoraAdapterFile.Save(this, dir, baseModel);

    /// <summary>
    /// A new policy (same codec, device and dtype, no adapter, trainable) whose target weights are W + (α/r)·B·A, computed in
    /// float32 and rounded once to the base dtype: a plain Hugging Face checkpoint once saved, whose forward equals the adapted
    /// one up to rounding.
    /// </summary>
    public Policy Merge() => Merged([(this, 1.0)]);

    /// <summary>The base of <see cref="Policy"/> plus Σ λᵢ ΔWᵢ over <paramref name="terms"/> (terms with λ = 0 are skipped, λ = 1 is not multiplied).</summary>
    internal Policy Merged(IReadOnlyList<(LoraAdapter Adapter, double Lambda)> terms) => AddDeltas(Policy.CloneBase(), terms);

    internal static Policy AddDeltas(Policy target, IReadOnlyList<(LoraAdapter Adapter, double Lambda)> terms)
    {
        try
        {
            var weights = target.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using var noGrad = no_grad();
            foreach (var prefix in terms.SelectMany(t => t.Adapter._layers.Select(l => l.ParameterPrefix)).Distinct())
            {
                var w = weights[prefix + ".weight"];
                using var scope = NewDisposeScope();
                var sum = w.to(ScalarType.Float32, copy: true);
                foreach (var (adapter, lambda) in terms)
                {
                    if (lambda == 0) continue;
                    var layer = adapter._layers.FirstOrDefault(l => l.ParameterPrefix == prefix);
                    if (layer is null) continue;
                    var delta = layer.Delta().to(sum.device);
                    sum.add_(lambda == 1 ? delta : delta.mul_(lambda));
                }
                w.copy_(sum);
            }
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>Attaches a copy of <paramref name="source"/>'s adapter (same options, same A and B) to <paramref name="copy"/>, which holds a copy of its base; returns <paramref name="copy"/>.</summary>
    internal static Policy CarryOver(Policy source, Policy copy)
    {
        if (Of(source) is not { } adapter) return copy;
        try
        {
            var clone = Attach(copy, adapter.Options);
            using var noGrad = no_grad();
            for (int i = 0; i < adapter._layers.Count; i++)
            {
                clone._layers[i].A.Weight.copy_(adapter._layers[i].A.Weight);
                clone._layers[i].B.Weight.copy_(adapter._layers[i].B.Weight);
            }
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Throws when <paramref name="policy"/> carries an adapter: its checkpoint would hold tensors no base loader expects.</summary>
    internal static void ThrowIfAttached(Policy policy, string what)
    {
        if (Of(policy) is not null)
            throw new InvalidOperationException($"{what}: the policy carries a LoRA adapter; save the adapter with LoraAdapter.Save (PEFT layout), or merge it into its base with LoraAdapter.Merge() and save that.");
    }

    /// <summary>The Hugging Face module path of a layer (its weight's checkpoint name without <c>.weight</c>).</summary>
    internal string ModulePath(LoraLayer layer)
    {
        var file = CheckpointNames.FileName(Policy.Config, layer.ParameterPrefix + ".weight");
        return file[..^".weight".Length];
    }

    static bool IsHead(string parameter) => parameter.StartsWith("value_head.", StringComparison.Ordinal) || parameter.StartsWith("reward_head.", StringComparison.Ordinal);

    static IEnumerable<string> ProjectionNames(CausalLM model) =>
        model.named_modules().Where(m => m.module is Linear or Dense or Conv1D).Select(m => m.name.Split('.')[^1]).Distinct();

    /// <inheritdoc />
    public override string ToString() =>
        $"LoraAdapter(r {Options.Rank}, α {Options.Alpha.ToString(CultureInfo.InvariantCulture)}, dropout {Options.Dropout.ToString(CultureInfo.InvariantCulture)}, {string.Join("/", Options.TargetModules!)} on {_layers.Count} modules, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} params)";
}
