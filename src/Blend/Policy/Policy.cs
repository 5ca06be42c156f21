using System.Globalization;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A language-model policy: a <see cref="TextCodec"/> plus a causal LM (<see cref="CausalLM"/>: Blend's <see cref="Gpt"/>, or a
/// GPT-2 / Llama-family model loaded from a Hugging Face folder) on a device, with batched generation, response scoring
/// (the input of every RL loss), cloning (frozen references) and atomic checkpoints.
/// </summary>
/// <remarks>The concepts live in one file each: generation (<c>PolicyGeneration.cs</c>), scoring (<c>PolicyScoring.cs</c>) and checkpoints (<c>PolicyCheckpoint.cs</c>).</remarks>
/// <example><code>var codec = TextCodec.Cl100k().Compact(corpus);
/// using var policy = Policy.Create(codec, GptConfig.Small(codec.VocabSize), seed: 1);
/// var outs = policy.Generate(["What is 2 + 3?"], new GenerationOptions { Greedy = true });
/// using var reference = policy.Clone().Freeze();
/// using var qwen = Policy.Load("models/Qwen2.5-0.5B", dtype: ScalarType.BFloat16);</code></example>
public sealed partial class Policy : IDisposable
{
    Policy(TextCodec codec, CausalLM model, Device device)
    {
        Codec = codec;
        Model = model;
        Device = device;
    }

    /// <summary>The model architecture (a <see cref="GptConfig"/>, <see cref="Gpt2Config"/> or <see cref="LlamaConfig"/>).</summary>
    public ModelConfig Config => Model.Config;

    /// <summary>The tokenizer and chat layout.</summary>
    public TextCodec Codec { get; }

    /// <summary>The torch module (train it directly, e.g. with <c>Model.parameters()</c>).</summary>
    public CausalLM Model { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device { get; }

    /// <summary>True after <see cref="Freeze"/>: no gradients, eval mode.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>
    /// A freshly initialised policy (random weights from <paramref name="seed"/>) on <paramref name="device"/> (default
    /// <see cref="BlendRuntime.Device"/>) in <paramref name="dtype"/> (default float32).
    /// </summary>
    /// <exception cref="ArgumentException">The config's vocabulary is smaller than the codec's.</exception>
    public static Policy Create(TextCodec codec, ModelConfig config, int seed, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(config);
        if (config.VocabSize < codec.VocabSize)
            throw new ArgumentException($"Policy.Create: {config.GetType().Name}.VocabSize {config.VocabSize} is smaller than the codec's {codec.VocabSize} ids.");
        device ??= BlendRuntime.Device;
        return new Policy(codec, config.Create(seed, dtype ?? ScalarType.Float32, device), device);
    }

    /// <summary>A policy like this one (same codec, device and dtype) over <paramref name="config"/>, with every parameter of the same name and shape copied from this one and the rest initialised from <paramref name="seed"/> (or zeroed with <paramref name="zeroNew"/>).</summary>
    internal Policy Derive(ModelConfig config, int seed, bool zeroNew = false)
    {
        var model = config.Create(seed, Model.DType, Device);
        using (no_grad())
        {
            var source = Model.state_dict();
            foreach (var (name, t) in model.state_dict())
            {
                if (source.TryGetValue(name, out var s) && s.shape.SequenceEqual(t.shape)) t.copy_(s);
                else if (zeroNew) t.zero_();
            }
        }
        if (!Model.training) model.eval();
        return LoraAdapter.CarryOver(this, new Policy(Codec, model, Device));
    }

    /// <summary>
    /// A deep copy (same weights, same codec, same device), trainable; call <see cref="Freeze"/> for a reference model. A LoRA
    /// adapter attached to this policy is copied too (base frozen, adapter trainable, as here).
    /// </summary>
    public Policy Clone() => LoraAdapter.CarryOver(this, CloneBase());

    /// <summary>A deep copy of the base weights only: an attached LoRA adapter is left out, every parameter is trainable.</summary>
    internal Policy CloneBase()
    {
        var copy = Config.CreateEmpty(Model.DType, Device);
        using (no_grad())
        {
            var src = Model.state_dict();
            foreach (var (name, t) in copy.state_dict()) t.copy_(src[name]);
        }
        if (!Model.training) copy.eval();
        return new Policy(Codec, copy, Device);
    }

    /// <summary>Turns off gradients for every parameter and switches to eval mode (a frozen reference); returns this policy.</summary>
    public Policy Freeze()
    {
        foreach (var p in Model.parameters()) p.requires_grad = false;
        Model.eval();
        IsFrozen = true;
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => Config is GptConfig g
        ? $"Policy(Gpt {g.Layers}x{g.Width}, {g.Heads} heads, ctx {g.ContextLength}, {Model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} params, {Codec}, {Device})"
        : $"Policy({Config.Architecture} {Config.Layers}x{Config.Width}, ctx {Config.ContextLength}, {Model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} params, {Model.DType}, {Codec}, {Device})";

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
