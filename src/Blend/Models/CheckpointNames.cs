namespace Blend.Models;

/// <summary>
/// The one mapping between a model's parameter names and the tensor names of its checkpoint files: GPT-2's backbone under
/// <c>transformer.</c> (as <c>GPT2LMHeadModel</c>), the reward head as the <c>score</c> layer of transformers'
/// <c>…ForSequenceClassification</c>, the value head as TRL's <c>v_head.summary</c>; every other name is the same on both
/// sides. Files written by earlier Blend versions (<c>reward_head.*</c>, <c>value_head.*</c>) read as well.
/// </summary>
internal static class CheckpointNames
{
    const string Gpt2Prefix = "transformer.";
    const string RewardParameter = "reward_head.";
    const string RewardFile = "score.";
    const string ValueParameter = "value_head.";
    const string ValueFile = "v_head.summary.";

    /// <summary>The tensor name a parameter is saved under.</summary>
    public static string FileName(ModelConfig config, string parameter)
    {
        if (parameter.StartsWith(RewardParameter, StringComparison.Ordinal)) return RewardFile + parameter[RewardParameter.Length..];
        if (parameter.StartsWith(ValueParameter, StringComparison.Ordinal)) return ValueFile + parameter[ValueParameter.Length..];
        bool gpt2Backbone = parameter.StartsWith("h.", StringComparison.Ordinal) || parameter is "wte.weight" or "wpe.weight" || parameter.StartsWith("ln_f.", StringComparison.Ordinal);
        return config is Gpt2Config && gpt2Backbone ? Gpt2Prefix + parameter : parameter;
    }

    /// <summary>The parameter a tensor of a checkpoint file fills (bare <c>GPT2Model</c> files have no <c>transformer.</c> prefix).</summary>
    public static string ParameterName(ModelConfig config, string file)
    {
        if (file.StartsWith(RewardFile, StringComparison.Ordinal)) return RewardParameter + file[RewardFile.Length..];
        if (file.StartsWith(ValueFile, StringComparison.Ordinal)) return ValueParameter + file[ValueFile.Length..];
        return config is Gpt2Config && file.StartsWith(Gpt2Prefix, StringComparison.Ordinal) ? file[Gpt2Prefix.Length..] : file;
    }

    /// <summary>
    /// Tensors a file may hold that are no parameter and are skipped on load: the causal-mask buffers older GPT-2 exporters
    /// wrote (<c>attn.bias</c>, <c>attn.masked_bias</c>), the rotary <c>inv_freq</c> buffers of older Llama exports, the
    /// copy of a tied LM head, and the LM head of a reward model (a sequence classifier has none; earlier Blend versions saved it).
    /// </summary>
    public static bool Ignorable(ModelConfig config, string name) => config switch
    {
        Gpt2Config c => name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
            || (!ParameterShapes.HasLmHead(c) && name == "lm_head.weight"),
        LlamaConfig c => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (!ParameterShapes.HasLmHead(c) && name == "lm_head.weight"),
        _ => false,
    };

    /// <summary>
    /// Parameters a checkpoint may lack: the bias of the reward head, which transformers' <c>score</c> layer does not have
    /// (a reward model from another tool loads with bias 0, so Blend scores it exactly as transformers does).
    /// </summary>
    public static bool MayBeMissing(string parameter) => parameter == RewardParameter + "bias";
}
