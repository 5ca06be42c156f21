namespace Blend;

/// <summary>
/// Hyperparameters of a LoRA adapter (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"), spelled as
/// PEFT's <c>LoraConfig</c>: each target projection W becomes W' = W + (α/r)·B·A with A [r, in] and B [out, r]; only A and B
/// train. Defaults are PEFT's (r 8, α 8, dropout 0).
/// </summary>
/// <example><code>new LoraOptions { Rank = 16, Alpha = 32, Dropout = 0.05, TargetModules = ["q_proj", "v_proj"] }</code></example>
public sealed record LoraOptions
{
    /// <summary>Rank r of the update B·A; default 8 (PEFT's <c>r</c>).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>α of the scaling α/r (PEFT's <c>lora_alpha</c>); default 8.</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>Dropout probability on the adapter's input, in training mode only (PEFT's <c>lora_dropout</c>); default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// The projections to adapt, by module name as PEFT matches them (a module whose name is the entry or ends with
    /// <c>.</c> + entry): <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>o_proj</c>, <c>gate_proj</c>, <c>up_proj</c>,
    /// <c>down_proj</c> for Llama, Mistral and Qwen; <c>c_attn</c>, <c>c_proj</c>, <c>c_fc</c> for GPT-2 and Blend's
    /// <see cref="Models.Gpt"/>. Null (default) takes PEFT's default for the architecture: <c>q_proj</c>, <c>v_proj</c> for the
    /// Llama family, <c>c_attn</c> for GPT-2 and Blend's GPT.
    /// </summary>
    public IReadOnlyList<string>? TargetModules { get; init; }

    /// <summary>Seed of A's Kaiming-uniform initialisation; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The scaling α/r applied to B·A.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>The target modules for <paramref name="config"/>: <see cref="TargetModules"/>, or PEFT's default for its architecture.</summary>
    public IReadOnlyList<string> TargetsFor(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TargetModules ?? (config is LlamaConfig ? ["q_proj", "v_proj"] : ["c_attn"]);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public LoraOptions Validate()
    {
        if (Rank < 1) throw new ArgumentException($"LoraOptions.Rank must be at least 1 (is {Rank}).");
        if (!double.IsFinite(Alpha) || Alpha <= 0) throw new ArgumentException($"LoraOptions.Alpha must be positive and finite (is {Alpha}).");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"LoraOptions.Dropout must be in [0, 1) (is {Dropout}).");
        if (TargetModules is { } t)
        {
            if (t.Count == 0) throw new ArgumentException("LoraOptions.TargetModules is empty; give at least one module name, or null for the architecture's default.");
            foreach (var name in t)
                if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("LoraOptions.TargetModules has an empty name.");
        }
        return this;
    }
}
