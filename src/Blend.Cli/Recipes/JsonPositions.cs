using System.Globalization;
using System.Text.Json;

namespace Blend.Cli.Recipes;

/// <summary>
/// A first pass over a JSON file with <see cref="Utf8JsonReader"/>: the line of every value by JSON path, duplicate keys,
/// and syntax errors with their line (JsonNode keeps neither positions nor duplicates).
/// </summary>
internal sealed class JsonPositions
{
    readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>Problems found while reading: syntax errors and duplicate keys.</summary>
    public List<(int Line, string Path, string Message)> Problems { get; } = [];

    /// <summary>The 1-based line where the value at <paramref name="path"/> starts (0 when unknown).</summary>
    public int LineOf(string path) => _lines.TryGetValue(path, out var l) ? l : 0;

    sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int Index { get; set; }
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Reads <paramref name="utf8"/> (strict JSON: no comments, no trailing commas).</summary>
    public static JsonPositions Read(byte[] utf8)
    {
        var result = new JsonPositions();
        var newlines = new List<long>();
        for (int i = 0; i < utf8.Length; i++) if (utf8[i] == (byte)'\n') newlines.Add(i);
        int LineAt(long offset)
        {
            int index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        var stack = new Stack<Frame>();
        string pending = "$";
        string ValuePath()
        {
            if (stack.Count == 0) return "$";
            var top = stack.Peek();
            if (!top.IsArray) return pending;
            return top.Path + "[" + (top.Index++).ToString(CultureInfo.InvariantCulture) + "]";
        }
        try
        {
            while (reader.Read())
            {
                int line = LineAt(reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var frame = stack.Peek();
                        pending = Child(frame.Path, name);
                        if (!frame.Keys.Add(name)) result.Problems.Add((line, pending, $"duplicate field '{name}' (JSON objects must not repeat a key)"));
                        else result._lines[pending] = line;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = ValuePath();
                        result._lines.TryAdd(path, line);
                        stack.Push(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        result._lines.TryAdd(ValuePath(), line);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            result.Problems.Add(((int)(e.LineNumber ?? 0) + 1, stack.Count > 0 ? stack.Peek().Path : "$", "not valid JSON: " + FirstSentence(e.Message)));
        }
        return result;
    }

    /// <summary>The path of field <paramref name="name"/> of the object at <paramref name="parent"/>.</summary>
    public static string Child(string parent, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? parent + "." + name : parent + "[" + JsonSerializer.Serialize(name) + "]";

    static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Change the reader options", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
