using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Cli;

/// <summary>
/// What a long command prints: human lines (<c>== phase</c>, indented steps), or with <c>--json</c> one compact JSON object
/// per line (<c>{"phase": …}</c>, each step, then the result) for machines.
/// </summary>
internal sealed class CommandLog(TextWriter output, bool json)
{
    /// <summary>Compact JSON with readable non-ASCII (λ, ≥).</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented JSON with readable non-ASCII, for result files.</summary>
    public static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json => json;

    /// <summary>A phase starts: <c>== text</c>, or <c>{"phase": text}</c>.</summary>
    public void Phase(string text)
    {
        if (json) output.WriteLine(new JsonObject { ["phase"] = text }.ToJsonString(Compact));
        else output.WriteLine("== " + text);
    }

    /// <summary>One record: its JSON line with <c>--json</c>, else <paramref name="text"/> (nothing when null).</summary>
    public void Write(JsonObject record, string? text)
    {
        if (json) output.WriteLine(record.ToJsonString(Compact));
        else if (text is not null) output.WriteLine(text);
    }

    /// <summary>A human line only (nothing with <c>--json</c>).</summary>
    public void Text(string text)
    {
        if (!json) output.WriteLine(text);
    }
}
