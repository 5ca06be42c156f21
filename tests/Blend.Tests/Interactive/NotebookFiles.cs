using System.Text.Json.Nodes;

namespace Blend.Tests.Interactive;

/// <summary>Builds small nbformat 4 notebooks for tests.</summary>
internal static class NotebookFiles
{
    public static string Make(string language, params string[] cells)
    {
        var arr = new JsonArray();
        foreach (var c in cells)
        {
            bool md = c.StartsWith("md:", StringComparison.Ordinal);
            var cell = new JsonObject
            {
                ["cell_type"] = md ? "markdown" : "code",
                ["id"] = "c" + arr.Count,
                ["metadata"] = new JsonObject(),
                ["source"] = md ? c[3..] : c,
            };
            if (!md) { cell["execution_count"] = null; cell["outputs"] = new JsonArray(); }
            arr.Add(cell);
        }
        var (name, lang, kernel) = language == "fsharp" ? (".net-fsharp", "F#", "fsharp") : (".net-csharp", "C#", "csharp");
        var nb = new JsonObject
        {
            ["cells"] = arr,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (" + lang + ")", ["language"] = lang, ["name"] = name },
                ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = kernel } },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return nb.ToJsonString();
    }
}
