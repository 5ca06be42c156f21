using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// Before a soup merges anything: every expert (and the base model) must share the first expert's tokenizer
/// (<see cref="TextCodec.Identity"/>) and model config, unless the soup allows the difference. Equal shapes are not enough:
/// two vocabularies of the same size give every id a different token, and weights averaged across them mean nothing.
/// </summary>
internal static class SoupCompatibility
{
    // Fields of a Hugging Face config that do not describe the model (they differ between exports of the same weights).
    static readonly HashSet<string> Bookkeeping = ["_name_or_path", "transformers_version", "torch_dtype", "dtype"];

    sealed record Side(string Label, string Where, ModelConfig Config, TextCodec Codec);

    /// <exception cref="ArgumentException">Two inputs differ; the message names both (label and folder) and what differs.</exception>
    public static void Check(IReadOnlyList<SoupExpert> experts, SoupExpert? baseModel, bool tokenizersMayDiffer, bool configsMayDiffer)
    {
        if (tokenizersMayDiffer && configsMayDiffer) return;
        var inputs = experts.Concat(baseModel is null ? [] : [baseModel]).ToList();
        if (inputs.Count < 2) return;
        var first = Describe(inputs[0]);
        foreach (var other in inputs.Skip(1).Select(Describe))
        {
            if (!configsMayDiffer && !first.Config.Equals(other.Config))
                throw new ArgumentException($"Soup: {Name(first)} and {Name(other)} have different model configs ({ConfigDifference(first.Config, other.Config)}); "
                    + "a soup averages experts of one architecture. Call .AllowDifferentConfigs() to merge them anyway.");
            if (!tokenizersMayDiffer && TextCodec.Difference(first.Codec, other.Codec) is { } diff)
                throw new ArgumentException($"Soup: {Name(first)} and {Name(other)} have different tokenizers ({diff}); the same id means a different token in each, "
                    + "so their weights do not line up. Call .AllowDifferentTokenizers() to merge them anyway (the soup keeps the first expert's tokenizer).");
        }
    }

    static string Name(Side s) => $"'{s.Label}' ({s.Where})";

    static Side Describe(SoupExpert e)
    {
        if (e.Policy is { } p) return new Side(e.Label, "in memory", p.Config, p.Codec);
        string dir;
        using (CheckpointCheck.Allow("reward-model")) dir = CheckpointCheck.PolicyFolder(e.Checkpoint!);
        return new Side(e.Label, dir, Policy.ReadConfig(Path.Combine(dir, "config.json")), Policy.ReadCodec(dir));
    }

    static string ConfigDifference(ModelConfig a, ModelConfig b)
    {
        if (a.GetType() != b.GetType()) return $"architecture {a.Architecture} vs {b.Architecture}";
        var ja = HuggingFaceConfig.ToJson(a);
        var jb = HuggingFaceConfig.ToJson(b);
        var fields = ja.Select(kv => kv.Key).Union(jb.Select(kv => kv.Key))
            .Where(k => !Bookkeeping.Contains(k) && !JsonNode.DeepEquals(ja[k], jb[k]))
            .Select(k => $"{k} {ja[k]?.ToJsonString() ?? "absent"} vs {jb[k]?.ToJsonString() ?? "absent"}").ToList();
        return fields.Count > 0 ? string.Join(", ", fields) : $"{a} vs {b}";
    }
}
