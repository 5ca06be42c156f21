using System.Text.Json.Nodes;

namespace Blend.HuggingFace;

/// <summary>The <c>post_processor</c> of a <c>tokenizer.json</c>, for a single sequence: the special ids added around it.</summary>
internal static class PostProcessors
{
    /// <summary>(ids before, ids after) the sequence when special tokens are added.</summary>
    public static (int[] Before, int[] After) From(JsonNode? node, Func<string, int> idOf, string where)
    {
        if (node is null) return ([], []);
        if (node is not JsonObject obj) throw new FormatException($"{where}: expected an object or null.");
        var type = JsonFields.Type(obj, where);
        switch (type)
        {
            case "ByteLevel": return ([], []);
            case "Sequence":
            {
                var before = new List<int>(); var after = new List<int>();
                int i = 0;
                foreach (var p in JsonFields.Objects(JsonFields.Array(obj, "processors", where), where + ".processors"))
                {
                    var (b, a) = From(p, idOf, $"{where}.processors[{i++}]");
                    before.AddRange(b); after.InsertRange(0, a);
                }
                return (before.ToArray(), after.ToArray());
            }
            case "TemplateProcessing":
            {
                var before = new List<int>(); var after = new List<int>();
                bool seenSequence = false;
                var specials = obj["special_tokens"] as JsonObject;
                int i = 0;
                foreach (var item in JsonFields.Objects(JsonFields.Array(obj, "single", where), where + ".single"))
                {
                    if (item["Sequence"] is not null) { seenSequence = true; i++; continue; }
                    var name = (item["SpecialToken"] as JsonObject)?["id"]?.GetValue<string>()
                        ?? throw new FormatException($"{where}.single[{i}]: expected SpecialToken or Sequence.");
                    var ids = specials?[name]?["ids"] is JsonArray arr ? arr.Select(n => n!.GetValue<int>()).ToArray() : [idOf(name)];
                    (seenSequence ? after : before).AddRange(ids);
                    i++;
                }
                return (before.ToArray(), after.ToArray());
            }
            case "RobertaProcessing":
            case "BertProcessing":
            {
                int Id(string field) => (obj[field] as JsonArray)?[1]?.GetValue<int>() ?? throw new FormatException($"{where}: field '{field}' must be [token, id].");
                return ([Id("cls")], [Id("sep")]);
            }
            default:
                throw new FormatException($"{where}: post-processor type '{type}' is not supported (ByteLevel, TemplateProcessing, RobertaProcessing, BertProcessing, Sequence).");
        }
    }
}
