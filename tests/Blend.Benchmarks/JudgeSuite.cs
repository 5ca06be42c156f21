using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Blend.Benchmarks;

/// <summary>
/// Verdicts per second of the rule judges on ~100-token responses (one thread), next to a peer: a plain
/// <c>string.Contains</c> predicate through <c>Judge.From</c>, the cheapest possible judge; and the code judge's
/// per-sample overhead next to starting a trivial process. Usage: <c>-- judges [--quick]</c>.
/// </summary>
internal static class JudgeSuite
{
    /// <summary>Feeds a small valid JSON document instead of the prose response (the schema path).</summary>
    sealed class JsonOnly(IJudge inner) : IJudge
    {
        public string Name => inner.Name;
        public IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples) =>
            inner.Judge([.. samples.Select(s => s.WithResponse("{\"a\": 1, \"b\": [1, 2, 3], \"c\": \"text\"}"))]);
    }

    /// <summary>Math answers in the formats the math judge parses (boxed numbers, fractions, radicals, ±, intervals, lists,
    /// relations, units, choices), each after ~100 tokens of working, half right and half wrong; the same one-thread loop.</summary>
    static void MathFormats(double seconds)
    {
        const string working = "We set up the equation from the problem statement and simplify both sides carefully. "
            + "Multiplying through by the common denominator and collecting like terms gives a quadratic, which we factor; "
            + "checking each root against the original constraints rules out the extraneous one. ";
        var cases = new (string Answer, string Reference)[]
        {
            ("\\boxed{42}", "42"), ("\\boxed{\\frac{3}{4}}", "0.75"), ("\\boxed{2\\sqrt{3}}", "\\sqrt{12}"), ("\\boxed{\\pm 2021}", "2021"),
            ("\\boxed{[0, 1)}", "[0,1)"), ("\\boxed{(0, 1)}", "[0,1)"), ("\\boxed{x = 1, x = 2}", "2, 1"), ("\\boxed{x < 5}", "x > 5"),
            ("The final answer is $14{,}916$. I hope it is correct.", "14916"), ("\\boxed{12 \\text{ cm}}", "13"),
            ("\\boxed{(r+5)(r+5)}", "(r+5)^2"), ("\\boxed{\\textbf{(B)}}", "C"),
        };
        var samples = Enumerable.Range(0, 1200).Select(i => cases[i % cases.Length])
            .Select(c => new Sample("math", "Solve.", working + c.Answer) { Reference = c.Reference }).ToArray();
        var judge = Judge.MathAnswer();
        var peer = Judge.From("contains", s => s.Response.Contains(s.Reference!, StringComparison.Ordinal));
        foreach (var (label, j) in new (string, IJudge)[] { ("peer: Contains(reference)", peer), ("math answer (12 formats)", judge) })
        {
            j.Judge(samples);
            long n = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < seconds) { j.Judge(samples); n += samples.Length; }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-28} {n / watch.Elapsed.TotalSeconds,12:N0}"));
        }
    }

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        var response = "Photosynthesis converts light energy into chemical energy. Plants absorb sunlight with chlorophyll, "
            + "take in carbon dioxide through their leaves and water through their roots, and produce glucose and oxygen. "
            + "The light reactions happen in the thylakoids; the Calvin cycle happens in the stroma. "
            + "Without photosynthesis there would be no oxygen in the atmosphere and almost no food for animals. "
            + "* Light reactions\n* Calvin cycle\n* Glucose storage\nAny other questions?";
        var sample = new Sample("instructions", "Explain photosynthesis.", response)
        {
            Metadata = new JsonObject
            {
                ["instruction_id_list"] = new JsonArray("punctuation:no_comma", "length_constraints:number_words", "detectable_format:number_bullet_lists", "startend:end_checker"),
                ["kwargs"] = new JsonArray(new JsonObject(), new JsonObject { ["relation"] = "less than", ["num_words"] = 120 },
                    new JsonObject { ["num_bullets"] = 3 }, new JsonObject { ["end_phrase"] = "Any other questions?" }),
            },
            Reference = "42",
        };
        Console.WriteLine($"response: {response.Length} chars, {TextCounts.Words(response)} words, {TextCounts.Cl100kTokens(response)} cl100k tokens; {Environment.ProcessorCount} cores, one thread");
        var judges = new (string Label, IJudge Judge)[]
        {
            ("peer: Judge.From(Contains)", Judge.From("contains", s => !s.Response.Contains("http", StringComparison.Ordinal))),
            ("regex must-not", Judge.Regex(@"https?://", mustMatch: false)),
            ("length (chars+words)", Judge.Length(maxChars: 2000, minWords: 10, maxWords: 150)),
            ("length (cl100k tokens)", Judge.Length(maxTokens: 150)),
            ("starts/ends with", Judge.EndsWith("Any other questions?")),
            ("all lower", Judge.AllLower()),
            ("keywords", Judge.Keywords(required: ["chlorophyll", "glucose"], forbidden: ["basically"])),
            ("bullets", Judge.Bullets(min: 3, max: 3)),
            ("paragraphs", Judge.Paragraphs(max: 3)),
            ("json (prose: fast fail)", Judge.Json()),
            ("json schema (valid doc)", new JsonOnly(Judge.Json("""{"type":"object","required":["a"],"properties":{"a":{"type":"integer"}}}"""))),
            ("ifeval (4 instructions)", Judge.IfEval()),
            ("math answer", Judge.MathAnswer()),
            ("refusal", Judge.NoFalseRefusal()),
        };
        int batch = 1000;
        var samples = Enumerable.Repeat(sample, batch).ToArray();
        double seconds = quick ? 0.3 : 1.5;
        Console.WriteLine($"{"judge",-28} {"verdicts/s",12}");
        foreach (var (label, judge) in judges)
        {
            judge.Judge(samples);                         // warm-up (JIT, regex compilation, tokenizer load)
            long n = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < seconds) { judge.Judge(samples); n += batch; }
            double rate = n / watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-28} {rate,12:N0}"));
        }

        MathFormats(seconds);

        // Code judge: per-sample overhead (process start + Roslyn compile + tests), next to starting /bin/true.
        var code = new Sample("code", "Square", "```csharp\nint Square(int x) => x * x;\n```") { Metadata = new JsonObject { ["tests"] = new JsonArray("Square(3) == 9") } };
        var codeJudge = Judge.Code(new CodeJudgeOptions { MaxParallel = 1, TimeoutSeconds = 120 });
        int runs = quick ? 2 : 5;
        var first = codeJudge.Judge([code])[0];
        Console.WriteLine($"code judge isolation: {CodeJudge.Isolation}; warm-up verdict: {first.Outcome} ({first.Reason})");
        var w = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) codeJudge.Judge([code]);
        double codeMs = w.Elapsed.TotalMilliseconds / runs;
        w.Restart();
        for (int i = 0; i < runs; i++) { using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!; p.WaitForExit(); }
        double trueMs = w.Elapsed.TotalMilliseconds / runs;
        var parallel = Judge.Code(new CodeJudgeOptions { MaxParallel = Environment.ProcessorCount, TimeoutSeconds = 120 });
        w.Restart();
        parallel.Judge([.. Enumerable.Repeat(code, runs * 2)]);
        double parallelMs = w.Elapsed.TotalMilliseconds / (runs * 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"code judge: {codeMs:N0} ms/sample sequential, {parallelMs:N0} ms/sample with {Environment.ProcessorCount} in parallel; peer /bin/true process: {trueMs:N1} ms"));
        return 0;
    }
}
