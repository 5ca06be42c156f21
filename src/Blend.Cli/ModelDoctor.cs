using System.Globalization;

namespace Blend.Cli;

/// <summary><c>blend doctor --model DIR</c>: what Blend makes of a model folder: architecture, parameters, dtype, tokenizer, chat template.</summary>
internal static class ModelDoctor
{
    public static int Run(string dir)
    {
        var (policy, code) = ModelFolder.Load(dir);
        if (policy is null) return code;
        using (policy)
        {
            var c = policy.Config;
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"model       {Path.GetFullPath(dir)}");
            Console.WriteLine($"arch        {c.Architecture}: {c.Layers} layers, width {c.Width}, context {c.ContextLength}, vocab {c.VocabSize}" + (c.ValueHead ? ", value head" : "") + (c.RewardHead ? ", reward head" : ""));
            if (c is LlamaConfig l)
                Console.WriteLine(string.Create(inv, $"attention   {l.Heads} heads, {l.KvHeads} kv heads, head size {l.HeadWidth}, rope theta {l.RopeTheta}{(l.RopeScaling is { } r ? $", rope scaling {r.Type} x{r.Factor}" : "")}{(l.QkNorm ? ", q/k norm" : "")}{(l.QkvBias ? ", qkv bias" : "")}, {(l.TieEmbeddings ? "tied" : "untied")} embeddings"));
            Console.WriteLine($"parameters  {policy.Model.ParameterCount.ToString("N0", inv)}");
            Console.WriteLine($"dtype       {policy.Model.DType}");
            Console.WriteLine($"device      {policy.Device}");
            Console.WriteLine($"tokenizer   {policy.Codec}");
            Console.WriteLine($"chat        {(policy.Codec.ChatTemplate is null ? "no chat template (prompts are laid out as BOS prompt SEP)" : "chat template found")}");
            return 0;
        }
    }
}
