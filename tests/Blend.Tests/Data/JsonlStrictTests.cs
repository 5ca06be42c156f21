using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Tests.Data;

/// <summary>JSONL input that would be silently changed is an error naming file, line and field; writers refuse what cannot round-trip.</summary>
public class JsonlStrictTests
{
    static string Temp(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "blend-jsonl-" + Guid.NewGuid().ToString("N")[..10] + ".jsonl");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static FormatException Bad(byte[] bytes)
    {
        var path = Temp(bytes);
        try { return Assert.Throws<FormatException>(() => Jsonl.Read(path)); }
        finally { File.Delete(path); }
    }

    static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Duplicate_keys_are_an_error_with_file_and_line()
    {
        var e = Bad(Utf8("{\"prompt\": \"a\"}\n{\"prompt\": \"a\", \"prompt\": \"b\"}\n"));
        Assert.Contains(":2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("prompt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_not_a_replacement_character()
    {
        var bytes = Utf8("{\"prompt\": \"ok\"}\n{\"prompt\": \"x").Concat(new byte[] { 0xC3, 0x28 }).Concat(Utf8("\"}\n")).ToArray();
        var e = Bad(bytes);
        Assert.Contains(":2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_escape_names_line_and_field()
    {
        var e = Bad(Utf8("{\"id\": \"1\", \"response\": \"a\\ud800b\"}\n"));
        Assert.Contains(":1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("field 'response'", e.Message, StringComparison.Ordinal);
        // a proper pair and an escaped backslash are fine
        var path = Temp(Utf8("{\"a\": \"\\ud83d\\ude00\", \"b\": \"\\\\ud800\"}\n"));
        try { Assert.Equal("😀", Jsonl.Read(path)[0].String("a")); }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\n \t\n")]
    public void An_empty_or_blank_file_is_an_error(string content)
    {
        var e = Bad(Utf8(content));
        Assert.Contains("no JSON object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writers_round_trip_exactly_or_refuse()
    {
        var path = Path.Combine(Path.GetTempPath(), "blend-jsonl-" + Guid.NewGuid().ToString("N")[..10] + ".jsonl");
        try
        {
            var tricky = "tab\t quote\" back\\ emoji 😀 nul\u0001 <html> é";
            Jsonl.Write(path, [new JsonObject { ["text"] = tricky }]);
            Assert.Equal(tricky, Jsonl.Read(path)[0].String("text"));
            var e = Assert.Throws<ArgumentException>(() => Jsonl.Write(path, [new JsonObject { ["ok"] = "x" }, new JsonObject { ["rejected"] = "a\ud800" }]));
            Assert.Contains("line 2, field 'rejected'", e.Message, StringComparison.Ordinal);
            var pairs = new[] { new PreferencePair("chat", "p", "good", "bad\udc00") };
            Assert.Throws<ArgumentException>(() => PreferencePairs.Save(path, pairs));
        }
        finally { if (File.Exists(path)) File.Delete(path); }
    }
}
