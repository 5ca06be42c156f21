namespace Blend.Models;

/// <summary>A parameter a config's model has: its name (as in <c>state_dict</c>) and shape.</summary>
internal sealed record ParameterShape(string Name, long[] Shape)
{
    /// <summary>Number of elements (checked: an overflow throws <see cref="OverflowException"/>).</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// The parameters a config describes, computed from the config alone, without building the model: what
/// <see cref="CheckpointCheck.BeforeAllocation"/> compares the safetensors headers with before anything is allocated. It lists
/// exactly the <c>state_dict</c> of the model <see cref="ModelConfig.CreateEmpty"/> builds (a test holds every architecture to it).
/// </summary>
internal static class ParameterShapes
{
    /// <summary>Every parameter of <paramref name="config"/>'s model, heads included.</summary>
    public static IReadOnlyList<ParameterShape> Of(ModelConfig config)
    {
        var list = new List<ParameterShape>();
        void Add(string name, params long[] shape) => list.Add(new ParameterShape(name, shape));
        long v = config.VocabSize, c = config.Width;
        switch (config)
        {
            case GptConfig g:
                Add("wte.weight", v, c);
                if (g.Positions == GptPositions.Learned) Add("wpe.weight", g.ContextLength, c);
                for (int i = 0; i < g.Layers; i++)
                {
                    var p = $"h.{i}.";
                    Add(p + "ln_1.weight", c); Add(p + "ln_1.bias", c);
                    Add(p + "attn.c_attn.weight", 3 * c, c); Add(p + "attn.c_attn.bias", 3 * c);
                    Add(p + "attn.c_proj.weight", c, c); Add(p + "attn.c_proj.bias", c);
                    Add(p + "ln_2.weight", c); Add(p + "ln_2.bias", c);
                    Add(p + "mlp.c_fc.weight", 4 * c, c); Add(p + "mlp.c_fc.bias", 4 * c);
                    Add(p + "mlp.c_proj.weight", c, 4 * c); Add(p + "mlp.c_proj.bias", c);
                }
                Add("ln_f.weight", c); Add("ln_f.bias", c);
                if (!g.TieEmbeddings) Add("lm_head.weight", v, c);
                break;
            case Gpt2Config g:
                long inner = g.Inner;
                Add("wte.weight", v, c);
                Add("wpe.weight", g.ContextLength, c);
                for (int i = 0; i < g.Layers; i++)
                {
                    var p = $"h.{i}.";
                    Add(p + "ln_1.weight", c); Add(p + "ln_1.bias", c);
                    Add(p + "attn.c_attn.weight", c, 3 * c); Add(p + "attn.c_attn.bias", 3 * c);   // Conv1D: [in, out]
                    Add(p + "attn.c_proj.weight", c, c); Add(p + "attn.c_proj.bias", c);
                    Add(p + "ln_2.weight", c); Add(p + "ln_2.bias", c);
                    Add(p + "mlp.c_fc.weight", c, inner); Add(p + "mlp.c_fc.bias", inner);
                    Add(p + "mlp.c_proj.weight", inner, c); Add(p + "mlp.c_proj.bias", c);
                }
                Add("ln_f.weight", c); Add("ln_f.bias", c);
                if (HasLmHead(g)) Add("lm_head.weight", v, c);
                break;
            case LlamaConfig l:
                long d = l.HeadWidth, q = (long)l.Heads * d, kv = (long)l.KvHeads * d, m = l.IntermediateSize;
                Add("model.embed_tokens.weight", v, c);
                for (int i = 0; i < l.Layers; i++)
                {
                    var p = $"model.layers.{i}.";
                    foreach (var (name, rows) in new[] { ("q_proj", q), ("k_proj", kv), ("v_proj", kv) })
                    {
                        Add(p + $"self_attn.{name}.weight", rows, c);
                        if (l.QkvBias) Add(p + $"self_attn.{name}.bias", rows);
                    }
                    Add(p + "self_attn.o_proj.weight", c, q);
                    if (l.OutputBias) Add(p + "self_attn.o_proj.bias", c);
                    if (l.QkNorm) { Add(p + "self_attn.q_norm.weight", d); Add(p + "self_attn.k_norm.weight", d); }
                    foreach (var (name, rows, cols) in new[] { ("gate_proj", m, c), ("up_proj", m, c), ("down_proj", c, m) })
                    {
                        Add(p + $"mlp.{name}.weight", rows, cols);
                        if (l.MlpBias) Add(p + $"mlp.{name}.bias", rows);
                    }
                    Add(p + "input_layernorm.weight", c);
                    Add(p + "post_attention_layernorm.weight", c);
                }
                Add("model.norm.weight", c);
                if (HasLmHead(l)) Add("lm_head.weight", v, c);
                break;
            default:
                throw new NotSupportedException($"ParameterShapes: {config.GetType().Name} is not a known architecture.");
        }
        if (config.ValueHead) { Add("value_head.weight", 1, c); Add("value_head.bias", 1); }
        if (config.RewardHead) { Add("reward_head.weight", 1, c); Add("reward_head.bias", 1); }
        return list;
    }

    /// <summary>
    /// Whether a Hugging Face architecture has its own LM head matrix: untied embeddings, and not a reward model (transformers'
    /// <c>…ForSequenceClassification</c> has the backbone and <c>score</c> only; its LM head is neither stored nor built).
    /// </summary>
    public static bool HasLmHead(Gpt2Config config) => !config.TieEmbeddings && !config.RewardHead;

    /// <inheritdoc cref="HasLmHead(Gpt2Config)"/>
    public static bool HasLmHead(LlamaConfig config) => !config.TieEmbeddings && !config.RewardHead;

    /// <summary>The config's parameter count (tied tensors once); <see cref="FormatException"/> when it overflows 64 bits.</summary>
    public static long Count(IReadOnlyList<ParameterShape> shapes, string configPath)
    {
        try { return shapes.Aggregate(0L, (sum, s) => checked(sum + s.Elements)); }
        catch (OverflowException) { throw new FormatException($"{configPath}: describes a model whose parameter count overflows a 64-bit size (checked before building the model)."); }
    }
}
