using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Tests.Judges;

/// <summary>No built-in judge throws, on any string: every call returns one verdict per sample.</summary>
public sealed class JudgeRobustnessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static IEnumerable<string> NastyStrings()
    {
        yield return "";
        yield return " \t\r\n";
        yield return "\0\u0001\u0007\u001b[31m\u007f";
        yield return "\ud800 lone high, lone low \udc00, reversed \udc00\ud800";
        yield return "😀👩‍👩‍👧 مرحبا שלום 你好 \u202e RTL override";
        yield return "```csharp\n```";
        yield return "\\boxed{\\boxed{\\frac{1}{0}}} \\frac{}{} 1/0 -- 99999999999999999999999999999999999/0.000";
        yield return "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[";
        yield return new string('*', 5000) + new string('\n', 100) + "<<" + new string('[', 1000);
        var rng = new Random(7);
        var noise = new StringBuilder(1 << 16);
        while (noise.Length < (1 << 16)) noise.Append((char)rng.Next(0, 0xFFFF));
        yield return noise.ToString();                     // 64 K random UTF-16 units, invalid surrogates included
        var big = new StringBuilder(1 << 20);
        while (big.Length < (1 << 20)) big.Append(rng.Next(4) == 0 ? "Word, 12 *x* [y] SECTION 3\n\n" : "another sentence. ");
        yield return big.ToString();                       // 1 MB of text
    }

    static JsonObject HostileMetadata() => new()
    {
        ["instruction_id_list"] = new JsonArray(IfEvalJudge.SupportedInstructions.Select(i => (JsonNode)i).ToArray()),
        ["kwargs"] = new JsonArray(IfEvalJudge.SupportedInstructions.Select(id => (JsonNode)IfEvalArguments.Only(id, new JsonObject
        {
            ["relation"] = "at least",
            ["num_words"] = 3,
            ["num_sentences"] = 2,
            ["num_paragraphs"] = 2,
            ["nth_paragraph"] = 1,
            ["first_word"] = "a",
            ["num_placeholders"] = 1,
            ["postscript_marker"] = "P.S.",
            ["num_bullets"] = 1,
            ["num_highlights"] = 1,
            ["section_spliter"] = "SECTION",
            ["num_sections"] = 1,
            ["prompt_to_repeat"] = "\ud800",
            ["end_phrase"] = "\0",
            ["capital_relation"] = "less than",
            ["capital_frequency"] = 1,
            ["keywords"] = new JsonArray("(", "\\"),
            ["keyword"] = "[",
            ["frequency"] = 1,
            ["forbidden_words"] = new JsonArray("*"),
            ["letter"] = "z",
            ["let_frequency"] = 1,
            ["let_relation"] = "at least",
            ["language"] = "en",
            ["key_sentences"] = new JsonArray("another sentence.", "\ud800"),
            ["original_paragraph"] = "another sentence",
            ["low"] = 0,
            ["high"] = 5,
            ["original_message"] = "*x*",
            ["starter"] = "Word",
        })).ToArray()),
        ["should_refuse"] = true,
        ["tests"] = new JsonArray("true"),
    };

    [Fact]
    public void No_built_in_judge_throws_on_hostile_strings()
    {
        var judges = JudgeQuality.LabeledSetJudges(includeCode: false).Append(Judge.Model("lm", (t, c) => [Math.Log(0.5), Math.Log(0.5)])).ToList();
        var strings = NastyStrings().ToList();
        var samples = strings.Select(s => new Sample("chat", s, s) { Reference = s, Metadata = HostileMetadata() })
            .Concat(strings.Select(s => new Sample("math", "q", s) { Reference = "42" }))
            .ToList();
        foreach (var judge in judges)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var verdicts = judge.Judge(samples);
            output.WriteLine($"{judge.Name}: {watch.ElapsedMilliseconds} ms");
            Assert.Equal(samples.Count, verdicts.Count);
            Assert.All(verdicts, v => Assert.Equal(judge.Name, v.Judge));
        }
    }

    [Fact]
    public void Code_judge_does_not_throw_on_hostile_strings()
    {
        // Without tests metadata no process is started: this checks extraction and validation on every string.
        var verdicts = Judge.Code().Judge([.. NastyStrings().Select(s => new Sample("code", s, s))]);
        Assert.All(verdicts, v => Assert.Equal(VerdictOutcome.Error, v.Outcome));
        Assert.All(NastyStrings(), s => CodeJudge.ExtractCode(s));
    }
}
