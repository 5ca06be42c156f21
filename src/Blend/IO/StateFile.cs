using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>Reads the JSON state file of a training checkpoint, with errors that name the file and the field.</summary>
internal static class StateFile
{
    /// <summary>Parses <paramref name="path"/> as a JSON object whose <c>format</c> field is <paramref name="format"/>.</summary>
    public static JsonObject Read(string path, string format, string what)
    {
        JsonObject state;
        try { state = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException("empty"); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"{path}: not {what} ({e.Message}).", e);
        }
        if ((string?)state["format"] != format) throw new FormatException($"{path}: field 'format' is '{state["format"]}', expected '{format}'.");
        return state;
    }

    /// <summary>The integer field <paramref name="name"/>; a missing one is a <see cref="FormatException"/> naming it.</summary>
    public static int Int(JsonObject state, string path, string name) =>
        (int?)state[name] ?? throw new FormatException($"{path}: field '{name}' is missing.");
}
