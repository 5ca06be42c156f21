using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// The <c>config.json</c> a Hugging Face model was read from, carried so that a saved model keeps the fields Blend does not
/// model (token ids, dtype, exporter versions). It is not part of the architecture's identity: any two sources compare equal.
/// </summary>
public sealed class ConfigSource : IEquatable<ConfigSource>
{
    readonly string _json;

    internal ConfigSource(JsonObject config) => _json = config.ToJsonString();

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
