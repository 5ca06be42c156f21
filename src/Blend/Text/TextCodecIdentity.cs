using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Blend;

public sealed partial class TextCodec
{
    IReadOnlyList<KeyValuePair<string, string>>? _identity;

    /// <summary>
    /// A SHA-256 (hex) of everything that decides which ids a text gets: the base tokenizer (its vocabulary, merges, added
    /// tokens, normalizer and pre-tokenizer, from its files), digit splitting, the compact map and the special ids. Two codecs
    /// with the same identity encode every text alike; weights trained over different identities do not line up.
    /// </summary>
    /// <remarks>A chat template is not part of it (it changes prompts, not what an id means).</remarks>
    public string Identity => Sha256(string.Join("\n", IdentityParts.Select(p => p.Key + "=" + p.Value)));

    /// <summary>The parts of <see cref="Identity"/>, each with its hash, in a fixed order.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> IdentityParts => _identity ??= ComputeIdentity();

    /// <summary>What differs between two codecs' identities (the part names, e.g. <c>vocabulary and merges</c>), or null when they are the same.</summary>
    internal static string? Difference(TextCodec a, TextCodec b)
    {
        var pa = a.IdentityParts.ToDictionary(p => p.Key, p => p.Value);
        var pb = b.IdentityParts.ToDictionary(p => p.Key, p => p.Value);
        var parts = pa.Keys.Union(pb.Keys).Where(k => pa.GetValueOrDefault(k) != pb.GetValueOrDefault(k)).ToList();
        if (parts.Count == 0) return null;
        string Show(string part) => part switch
        {
            "kind" => $"base tokenizer {a._kind} vs {b._kind}",
            "vocabulary size" => $"vocabulary size {a.VocabSize} vs {b.VocabSize}",
            "special ids" => $"special ids (pad, bos, eos, unk, sep) {a.SpecialIds} vs {b.SpecialIds}",
            _ => part,
        };
        return string.Join(", ", parts.Select(Show));
    }

    string SpecialIds => $"{Pad},{Bos},{Eos},{Unk},{Sep}";

    List<KeyValuePair<string, string>> ComputeIdentity()
    {
        var parts = new List<KeyValuePair<string, string>>
        {
            new("kind", _kind),
            new("vocabulary size", VocabSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("special ids", SpecialIds),
            new("digit splitting", SplitDigits ? "on" : "off"),
            new("compact map", _denseToBase is null ? "none" : Sha256(string.Join(",", _denseToBase))),
        };
        var byName = _files.ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal);
        string? File(string name) => byName.TryGetValue(name, out var f) && System.IO.File.Exists(f) ? f : null;
        if (_hf is not null && File("tokenizer.json") is { } json && JsonNode.Parse(System.IO.File.ReadAllText(json)) is JsonObject t)
        {
            parts.Add(new("vocabulary and merges", Sha256(t["model"]?.ToJsonString() ?? "")));
            parts.Add(new("added tokens", Sha256(t["added_tokens"]?.ToJsonString() ?? "")));
            parts.Add(new("normalizer, pre-tokenizer and decoder", Sha256(string.Join("\n",
                new[] { "normalizer", "pre_tokenizer", "post_processor", "decoder" }.Select(k => t[k]?.ToJsonString() ?? "")))));
            return parts;
        }
        foreach (var (name, part) in new[] { ("vocab.json", "vocabulary"), ("merges.txt", "merges"), ("tokenizer.model", "sentencepiece model") })
            if (File(name) is { } f) parts.Add(new(part, Sha256(System.IO.File.ReadAllBytes(f))));
        if (_hf is not null)
        {
            if (File("tokenizer_config.json") is { } cfg && JsonNode.Parse(System.IO.File.ReadAllText(cfg)) is JsonObject c)
                parts.Add(new("added tokens", Sha256(c["added_tokens_decoder"]?.ToJsonString() ?? "")));
            if (File("vocab.json") is null)   // the files are gone: the id → token table stands for them
                parts.Add(new("vocabulary", Sha256(string.Join("\n", Enumerable.Range(0, _hf.VocabSize).Select(i => _hf.IdToToken(i) ?? "")))));
        }
        return parts;
    }

    static string Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
