using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// The <c>config.json</c> a Hugging Face model was read from, carried so that a saved model keeps the fields Blend does not
/// model (token ids, dtype, exporter versions). It is not part of the architecture's identity: any two sources compare equal.
/// </summary>
public sealed class ConfigSource : IEquatable<ConfigSource>
{
    readonly string _json;

    internal ConfigSource(JsonObject config)
    {
        _json = config.ToJsonString();
        PadTokenId = config["pad_token_id"] is JsonValue v && v.TryGetValue<int>(out var pad) ? pad : null;
    }

    /// <summary>The source's <c>pad_token_id</c> (null when absent or not one integer): the id a sequence classifier skips when it looks for a row's last token.</summary>
    internal int? PadTokenId { get; }

    /// <summary>A fresh copy of the source object.</summary>
    public JsonObject ToJsonObject() => (JsonObject)JsonNode.Parse(_json)!;

    /// <summary>Always true: the source does not change the model.</summary>
    public bool Equals(ConfigSource? other) => other is not null;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ConfigSource;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    /// <inheritdoc />
    public override string ToString() => _json;
}
