using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;
using Blend.Cli.Serve;

namespace Blend.Benchmarks;

/// <summary>
/// <c>blend serve</c> under load, loopback only: one-sample <c>/get_reward</c> requests from 1, 16 and 64 concurrent
/// clients (real HttpClient, keep-alive), for the rule-judge recipe (recipes/judges-four-tasks.json) and for the same
/// judges plus a tiny reward model; beside each, the in-process throughput of the same scorer on batches of 64, in the
/// same interleaved run. Reports samples/s, p50/p99 latency and served/in-process as the serving overhead ratio.
/// </summary>
/// <remarks>Options: <c>--seconds S</c> per measurement (default 3), <c>--rounds N</c> (default 2; the best round is kept),
/// <c>--max-requests N</c> per measurement (default 200000). Every loop is bounded by both.</remarks>
internal static class ServeSuite
{
    public static int Run(string[] args)
    {
        double seconds = Option(args, "--seconds", 3.0);
        int rounds = (int)Option(args, "--rounds", 2.0);
        int maxRequests = (int)Option(args, "--max-requests", 200_000.0);
        BlendRuntime.UseDevice("cpu");
        var root = FindRoot();
        var work = Path.Combine(Path.GetTempPath(), "blend-serve-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var rules = Path.Combine(root, "recipes", "judges-four-tasks.json");
            var withModel = RecipeWithRewardModel(rules, work);
            Console.WriteLine($"serve: loopback, {Environment.ProcessorCount} cores (shared with other work: numbers are pessimistic), {seconds:0.#} s per point, best of {rounds} rounds");
            Console.WriteLine("| mixture | clients | served samples/s | p50 ms | p99 ms | in-process samples/s (batch 64) | served / in-process |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var (label, file) in new[] { ("rule judges", rules), ("rule judges + tiny RM", withModel) })
            {
                using var builder = new RecipeBuilder(RecipeReader.Read(file));
                var scorer = RewardScorer.FromRecipe(builder, constrained: false);
                var samples = Samples(builder);
                var best = new Dictionary<int, (double Rate, double P50, double P99)>();
                double inProcess = 0;
                for (int round = 0; round < rounds; round++)
                {
                    foreach (int clients in new[] { 1, 16, 64 })
                    {
                        var served = Served(scorer, samples, clients, seconds, maxRequests).GetAwaiter().GetResult();
                        if (!best.TryGetValue(clients, out var b) || served.Rate > b.Rate) best[clients] = served;
                        inProcess = Math.Max(inProcess, InProcess(scorer, samples, seconds));
                    }
                }
                foreach (var (clients, s) in best.OrderBy(x => x.Key))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {label} | {clients} | {s.Rate:N0} | {s.P50:0.00} | {s.P99:0.00} | {inProcess:N0} | {s.Rate / inProcess:0.00} |"));
            }
            return 0;
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    static async Task<(double Rate, double P50, double P99)> Served(RewardScorer scorer, IReadOnlyList<Sample> samples, int clients, double seconds, int maxRequests)
    {
        var options = new ServeOptions("http://127.0.0.1:0", MaxBatch: 64, MaxWait: TimeSpan.FromMilliseconds(1), DrainTimeout: TimeSpan.FromSeconds(10));
        await using var server = await RewardServer.StartAsync(scorer, options, "bench");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 1 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var bodies = samples.Select(s => Encoding.UTF8.GetBytes(new JsonObject
        {
            ["query"] = new JsonArray(s.Prompt + s.Response), ["prompts"] = new JsonArray(s.Prompt), ["labels"] = new JsonArray(s.Reference),
        }.ToJsonString())).ToArray();
        // Warm up connections and JIT.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Send(http, bodies[i % bodies.Length])));
        var latencies = new List<double>[clients];
        int sent = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            var watch = new Stopwatch();
            for (int i = c; clock.Elapsed < end && Interlocked.Increment(ref sent) <= maxRequests; i += clients)
            {
                watch.Restart();
                await Send(http, bodies[i % bodies.Length]);
                mine.Add(watch.Elapsed.TotalMilliseconds);
            }
        }));
        double elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    static async Task Send(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/get_reward", content);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"server answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await response.Content.ReadAsByteArrayAsync();
    }

    static double InProcess(RewardScorer scorer, IReadOnlyList<Sample> samples, double seconds)
    {
        var batch = Enumerable.Range(0, 64).Select(i => samples[i % samples.Count]).ToArray();
        scorer.Score(batch);
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds) { scorer.Score(batch); count += batch.Length; }
        return count / clock.Elapsed.TotalSeconds;
    }

    static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    static List<Sample> Samples(RecipeBuilder builder) =>
        [.. builder.TaskNames.SelectMany(t =>
        {
            var set = builder.Prompts(t)!.Take(50);
            return Enumerable.Range(0, set.Count).Select(i => set[i].ToSample(i % 2 == 0 ? set.Responses[i] ?? "" : "I can't help with that."));
        })];

    /// <summary>The rule recipe with a tiny untrained reward model (2 layers, width 64) added to every task.</summary>
    static string RecipeWithRewardModel(string rules, string work)
    {
        var recipe = JsonNode.Parse(File.ReadAllText(rules))!.AsObject();
        var dir = Path.GetDirectoryName(rules)!;
        var corpus = recipe["tasks"]!.AsArray().SelectMany(t => PromptSet.Load(Path.GetFullPath(Path.Combine(dir, t!["prompts"]!.GetValue<string>()))))
            .SelectMany(i => new[] { i.Text }).ToList();
        var codec = TextCodec.Cl100k().Compact(corpus.Concat(["I can't help with that."]));
        using var rm = RewardModel.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 128 }, seed: 1, name: "tiny-rm");
        var rmDir = Path.Combine(work, "rm");
        rm.Save(rmDir);
        foreach (var t in recipe["tasks"]!.AsArray())
        {
            t!["prompts"] = Path.GetFullPath(Path.Combine(dir, t["prompts"]!.GetValue<string>()));
            t["rewards"]!.AsArray().Add(new JsonObject { ["type"] = "reward_model", ["checkpoint"] = rmDir, ["weight"] = 0.5 });
        }
        recipe["output"] = Path.Combine(work, "out");
        recipe.Remove("$schema");
        var path = Path.Combine(work, "with-rm.json");
        File.WriteAllText(path, recipe.ToJsonString());
        return path;
    }

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Kit.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Kit.sln not found above " + AppContext.BaseDirectory);
    }

    static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
