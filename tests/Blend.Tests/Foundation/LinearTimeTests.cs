using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Tests.Foundation;

/// <summary>
/// Hostile shapes of input (one repeated character, only newlines, only brackets, one long word, deeply nested JSON, prose)
/// cost time linear in their length in the tokenizer and every rule judge: the time for 256 K characters over the time for
/// 16 K must stay near 16 (a quadratic stage gives about 256). A ratio, not a wall time; each long run has a deadline so a
/// quadratic stage fails instead of hanging.
/// </summary>
[Collection("Torch")]
public class LinearTimeTests
{
    const int Small = 16 * 1024, Large = 256 * 1024;
    const double MaxRatio = 48; // 16 for linear, with room for a loaded machine; quadratic is 256

    public static TheoryData<string> Shapes => new() { "letter", "newlines", "brackets", "word", "json", "prose", "digits", "bullets" };

    static string Make(string shape, int n) => shape switch
    {
        "letter" => new string('a', n),
        "newlines" => new string('\n', n),
        "brackets" => Repeat("([{<", n),
        "word" => Repeat("Supercalifragilistic", n),
        "json" => new string('[', n / 2) + new string(']', n - n / 2),
        "prose" => Repeat("The quick brown fox, it said, jumps over 12 lazy dogs. ", n),
        "digits" => Repeat("0123456789", n),
        "bullets" => Repeat("* item\n", n),
        _ => throw new ArgumentException(shape),
    };

    static string Repeat(string unit, int n)
    {
        var sb = new StringBuilder(n + unit.Length);
        while (sb.Length < n) sb.Append(unit);
        return sb.ToString(0, n);
    }

    static IEnumerable<(string Name, Action<string> Run)> Stages()
    {
        var codec = TextCodec.Cl100k();
        var compact = codec.Compact(["hello world", "What is 2 + 3?"]);
        yield return ("cl100k", s => codec.Encode(s));
        yield return ("compact", s => compact.Encode(s));
        var ifeval = Jsonl.Read(RepoRoot.Data("judges/ifeval.jsonl")).Select(l => l.OptionalObject("metadata")).Where(m => m is not null)
            .Select(m => m!.ToJsonString()).Distinct().Select(m => (JsonObject)JsonNode.Parse(m)!).ToList();
        IJudge[] judges =
        [
            Judge.Bullets(min: 1), Judge.Paragraphs(max: 3), Judge.Sections(min: 1), Judge.Length(maxWords: 150), Judge.Length(minChars: 5),
            Judge.Json(), Judge.AllLower(), Judge.Keywords(["fox"], ["dog"]), Judge.NoFalseRefusal(), Judge.MathAnswer(),
            Judge.StartsWith("The"), Judge.EndsWith("."), Judge.IfEval(),
        ];
        foreach (var judge in judges)
        {
            if (judge.Name == "ifeval")
                yield return ("ifeval", s => judge.Judge(ifeval.Select(m => new Sample("instructions", "p", s) { Metadata = m }).ToList()));
            else
                yield return (judge.Name, s => judge.Judge([new Sample("math", "What is 2 + 3?", s) { Reference = "5" }]));
        }
    }

    static double Seconds(Action<string> run, string input)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            var clock = Stopwatch.StartNew();
            run(input);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return Math.Max(best, 1e-4);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tokenizer_and_rule_judges_scale_linearly(string shape)
    {
        var small = Make(shape, Small);
        var large = Make(shape, Large);
        var slow = new List<string>();
        foreach (var (name, run) in Stages())
        {
            run(small); // warm-up (JIT, caches)
            double t16 = Seconds(run, small);
            var limit = TimeSpan.FromSeconds(Math.Max(5, t16 * MaxRatio * 4));
            double t256;
            try { t256 = Deadline.Run(() => Seconds(run, large), limit, () => $"{name}: 256 K characters took over {limit.TotalSeconds:0.#} s"); }
            catch (DeadlineExceededException e) { slow.Add(e.Message); continue; }
            double ratio = t256 / t16;
            // below one second for 256 K (4 µs a character) the ratio is noise (caches, a loaded machine): such a stage is fast either way
            if (ratio > MaxRatio && t256 > 1.0) slow.Add($"{name}: {t16 * 1000:0.#} ms → {t256 * 1000:0.#} ms (×{ratio:0.#})");
        }
        Assert.True(slow.Count == 0, $"super-linear on '{shape}': " + string.Join("; ", slow));
    }

    [Fact]
    public void Chunked_encoding_gives_the_ids_of_one_pass_on_ordinary_text()
    {
        var text = string.Concat(Directory.GetFiles(RepoRoot.Data("tasks"), "*.jsonl").Order(StringComparer.Ordinal).Select(File.ReadAllText))
            + File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        Assert.True(text.Length > 10 * TextChunks.Target);
        foreach (var codec in new[] { TextCodec.Cl100k(), TextCodec.O200k() })
        {
            var whole = codec.Tokenizer.EncodeToIds(text);
            var chunked = codec.Encode(text);
            int first = Enumerable.Range(0, Math.Min(whole.Count, chunked.Count)).FirstOrDefault(i => whole[i] != chunked[i], -1);
            Assert.True(first < 0 && whole.Count == chunked.Count,
                $"{codec.Kind}: {whole.Count} vs {chunked.Count} ids, first difference at {first}: '{(first < 0 ? "" : codec.Tokenizer.Decode(whole.Skip(Math.Max(0, first - 5)).Take(10)))}'");
        }
    }

    [Fact]
    public void Chunks_cover_the_text_exactly_and_never_split_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 5000)) + new string('x', 3000) + " a b " + Repeat("word ", 20000);
        var chunks = TextChunks.Split(text).ToList();
        Assert.Equal(text, string.Concat(chunks.Select(c => text.Substring(c.Start, c.Length))));
        Assert.All(chunks, c => Assert.False(char.IsLowSurrogate(text[c.Start])));
        Assert.All(chunks, c => Assert.True(c.Length <= TextChunks.Target + TextChunks.MaxRun));
    }
}
