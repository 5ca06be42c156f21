using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Blend.Benchmarks;

/// <summary>
/// Verdicts per second of the rule judges on ~100-token responses (one thread), next to a peer: a plain
/// <c>string.Contains</c> predicate through <c>Judge.From</c>, the cheapest possible judge; and the code judge's
/// verdicts/s next to starting its interpreter bare. Usage: <c>-- judges [--quick] [--code]</c> (<c>--code</c>: the code judge only).
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
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < seconds) { j.Judge(samples); n += samples.Length; }
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            // Verdicts per CPU-second (one thread) is what one idle core reaches; wall-clock rate depends on the box's load.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-28} {n / watch.Elapsed.TotalSeconds,12:N0} wall   {n / cpu,12:N0} per CPU-second"));
        }
    }

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        if (args.Contains("--code")) { CodeJudgeRates(quick); return 0; }
        if (args.Contains("--math")) { MathFormats(quick ? 0.3 : 1.5); return 0; }
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
        CodeJudgeRates(quick);
        return 0;
    }

    /// <summary>
    /// Code judge verdicts/s on small snippets, every sample in its own fresh sandbox, all cores in parallel: Python and
    /// C#, cold (the first verdict of the process: runtime probe, Roslyn's first compile) and warm, next to a peer that
    /// starts the same interpreter unsandboxed (<c>python3 -I -S -c pass</c>), in interleaved rounds.
    /// </summary>
    static void CodeJudgeRates(bool quick)
    {
        var python = new Sample("code", "Square", "```python\ndef square(x):\n    return x * x\n```")
        { Metadata = new JsonObject { ["tests"] = new JsonArray("assert square(3) == 9", "assert square(-2) == 4") } };
        var csharp = new Sample("code", "Square", "```csharp\nint Square(int x) => x * x;\n```")
        { Metadata = new JsonObject { ["tests"] = new JsonArray("Square(3) == 9", "Square(-2) == 4") } };
        var judge = Judge.Code(new CodeJudgeOptions { TimeoutSeconds = 30 });
        Console.WriteLine($"code judge: {Environment.ProcessorCount} cores, MaxParallel {judge.Options.MaxParallel}; machine shared with other work (figures are pessimistic)");
        double Cold(Sample s)
        {
            var w = Stopwatch.StartNew();
            var v = judge.Judge([s])[0];
            if (v.Outcome != VerdictOutcome.Pass) throw new InvalidOperationException($"code judge warm-up: {v.Outcome} ({v.Reason})");
            return w.Elapsed.TotalSeconds;
        }
        double coldPy = Cold(python), coldCs = Cold(csharp);
        int rounds = quick ? 1 : 3, pyBatch = quick ? 40 : 100, csBatch = quick ? 16 : 40;
        double pyTime = 0, csTime = 0, peerTime = 0, pyCpu = 0, csCpu = 0, peerCpu = 0; int pyN = 0, csN = 0, peerN = 0;
        for (int r = 0; r < rounds; r++)
        {
            var w = Stopwatch.StartNew();
            double cpu = CpuSeconds();
            var pv = judge.Judge([.. Enumerable.Repeat(python, pyBatch)]);
            pyTime += w.Elapsed.TotalSeconds; pyN += pyBatch; pyCpu += CpuSeconds() - cpu;
            if (pv.Any(v => v.Outcome != VerdictOutcome.Pass)) throw new InvalidOperationException("a Python verdict was not Pass: " + pv.First(v => v.Outcome != VerdictOutcome.Pass).Reason);
            w.Restart();
            cpu = CpuSeconds();
            Parallel.For(0, pyBatch, new ParallelOptions { MaxDegreeOfParallelism = judge.Options.MaxParallel }, _ =>
            {
                using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-I -S -c pass") { UseShellExecute = false })!;
                p.WaitForExit();
            });
            peerTime += w.Elapsed.TotalSeconds; peerN += pyBatch; peerCpu += CpuSeconds() - cpu;
            w.Restart();
            cpu = CpuSeconds();
            var cv = judge.Judge([.. Enumerable.Repeat(csharp, csBatch)]);
            csTime += w.Elapsed.TotalSeconds; csN += csBatch; csCpu += CpuSeconds() - cpu;
            if (cv.Any(v => v.Outcome != VerdictOutcome.Pass)) throw new InvalidOperationException("a C# verdict was not Pass: " + cv.First(v => v.Outcome != VerdictOutcome.Pass).Reason);
        }
        // CPU seconds per verdict (this process and every waited-for descendant) do not depend on what else the box runs:
        // cores / CPU-per-verdict is the rate an idle box of this many cores reaches.
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"{"code judge",-28} {"warm verdicts/s",16} {"CPU ms/verdict",15} {"idle-box verdicts/s",20} {"cold first verdict",19}");
        void Row(string label, int n, double time, double cpuSeconds, string cold) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-28} {n / time,16:N1} {1000 * cpuSeconds / n,15:N1} {cores * n / cpuSeconds,20:N1} {cold,19}"));
        Row("python (sandboxed)", pyN, pyTime, pyCpu, coldPy.ToString("N2", CultureInfo.InvariantCulture) + " s");
        Row("c# (sandboxed)", csN, csTime, csCpu, coldCs.ToString("N2", CultureInfo.InvariantCulture) + " s");
        Row("peer: python3 -I -S, bare", peerN, peerTime, peerCpu, "");
    }

    /// <summary>User + system CPU seconds of this process and its reaped descendants (/proc/self/stat utime..cstime).</summary>
    static double CpuSeconds()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ": fields[11..14] are utime, stime, cutime, cstime in clock ticks (USER_HZ, 100 on Linux).
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture)) / 100.0;
    }
}
