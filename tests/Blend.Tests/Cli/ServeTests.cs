using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Blend.Cli;
using Blend.Cli.Recipes;
using Blend.Cli.Serve;

namespace Blend.Tests.Cli;

/// <summary>blend serve on a loopback port, driven by a real HttpClient.</summary>
public sealed class ServeTests
{
    static readonly string RecipeFile = RepoRoot.File("recipes/judges-four-tasks.json");

    static ServeOptions Loopback(int maxBatch = 64, double waitMs = 2, int maxBody = 1 << 20, double deadlineSeconds = 30) =>
        new("http://127.0.0.1:0", maxBatch, TimeSpan.FromMilliseconds(waitMs), maxBody, TimeSpan.FromSeconds(deadlineSeconds), TimeSpan.FromSeconds(20));

    static HttpClient Client(RewardServer server) => new() { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

    static async Task<(HttpStatusCode Status, JsonNode Body)> Post(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    /// <summary>Training prompts (known to the recipe) of every task with their gold responses and a wrong response each.</summary>
    static List<Sample> Samples(RecipeBuilder builder)
    {
        var samples = new List<Sample>();
        foreach (var task in builder.TaskNames)
        {
            var set = PromptSet.Load(RepoRoot.Data($"tasks/{task}.train.jsonl")).Take(6);
            for (int i = 0; i < set.Count; i++)
            {
                var s = set[i].ToSample(set.Responses[i] ?? "");
                samples.Add(s);
                samples.Add(s.WithResponse("I can't help with that. See http://example.com"));
            }
        }
        return samples;
    }

    [Fact]
    public async Task Get_reward_round_trip_equals_in_process_scores_and_carries_verdicts_and_components()
    {
        using var builder = new RecipeBuilder(RecipeReader.Read(RecipeFile));
        var scorer = RewardScorer.FromRecipe(builder, constrained: false);
        var samples = Samples(builder);
        var expected = scorer.Score(samples);
        Assert.Contains(expected, r => r.Passed);
        Assert.Contains(expected, r => !r.Passed);
        await using var server = await RewardServer.StartAsync(scorer, Loopback(), "t");
        using var client = Client(server);
        var body = new JsonObject
        {
            ["query"] = new JsonArray([.. samples.Select(s => (JsonNode)(s.Prompt + s.Response))]),
            ["prompts"] = new JsonArray([.. samples.Select(s => (JsonNode)s.Prompt)]),
            ["labels"] = new JsonArray([.. samples.Select(s => (JsonNode?)s.Reference)]),
        };
        var (status, json) = await Post(client, "/get_reward", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var rewards = json["rewards"]!.AsArray().Select(x => x!.GetValue<double>()).ToList();
        Assert.Equal(expected.Select(r => r.Reward), rewards);
        Assert.Equal(rewards, json["scores"]!.AsArray().Select(x => x!.GetValue<double>()));
        var logs = json["extra_logs"]!.AsObject();
        for (int i = 0; i < samples.Count; i++)
        {
            Assert.Equal(expected[i].Passed ? 1.0 : 0.0, logs["passed"]![i]!.GetValue<double>());
            foreach (var v in expected[i].Verdicts)
                Assert.Equal(v.Passed ? 1.0 : v.Outcome == VerdictOutcome.Fail ? 0.0 : -1.0, logs["judge/" + v.Judge]![i]!.GetValue<double>());
            foreach (var (name, value) in expected[i].Components)
                Assert.Equal(value, logs["reward/" + name]![i]!.GetValue<double>());
        }
        // The in-process scores are the library's own: the judge mixture's verdicts and the reward mixture's totals.
        var report = builder.Judges().Evaluate(samples);
        var totals = builder.Rewards().Evaluate(samples).Total;
        Assert.Equal(report.Overall.Select(v => v.Passed), expected.Select(r => r.Passed));
        Assert.Equal(totals, rewards);
    }

    [Fact]
    public async Task Plain_endpoint_and_constrained_mode_return_calibrated_reward_or_penalty()
    {
        using var builder = new RecipeBuilder(RecipeReader.Read(RecipeFile));
        var scorer = RewardScorer.FromRecipe(builder, constrained: true);
        await using var server = await RewardServer.StartAsync(scorer, Loopback(), "t");
        using var client = Client(server);
        var gold = PromptSet.Load(RepoRoot.Data("tasks/math.train.jsonl"))[0];
        JsonNode Item(string response) => new JsonObject { ["task"] = "math", ["prompt"] = gold.Text, ["response"] = response, ["reference"] = gold.Reference };
        var body = new JsonObject { ["samples"] = new JsonArray(Item($"The answer is {gold.Reference}."), Item("The answer is 1000001.")) }.ToJsonString();
        var (status, json) = await Post(client, "/score", body);
        Assert.Equal(HttpStatusCode.OK, status);
        var ok = json["results"]![0]!;
        var wrong = json["results"]![1]!;
        Assert.True(ok["passed"]!.GetValue<bool>());
        // Correct and in the gold's own words: r(s, a) = r(s, ā), so σ(0) = 0.5.
        Assert.Equal(0.5, ok["reward"]!.GetValue<double>(), 12);
        Assert.False(wrong["passed"]!.GetValue<bool>());
        Assert.Equal(-1.0, wrong["reward"]!.GetValue<double>()); // the recipe's penalty
        Assert.Equal("fail", wrong["verdicts"]![0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_one_sample_requests_are_coalesced_and_each_gets_its_own_answer()
    {
        using var builder = new RecipeBuilder(RecipeReader.Read(RecipeFile));
        var scorer = RewardScorer.FromRecipe(builder, constrained: false);
        var samples = Samples(builder);
        var expected = scorer.Score(samples);
        await using var server = await RewardServer.StartAsync(scorer, Loopback(maxBatch: 16, waitMs: 20), "t");
        using var client = Client(server);
        var tasks = Enumerable.Range(0, 64).Select(async i =>
        {
            var s = samples[i % samples.Count];
            var (status, json) = await Post(client, "/get_reward", new JsonObject { ["query"] = new JsonArray(s.Prompt + s.Response), ["prompts"] = new JsonArray(s.Prompt), ["labels"] = new JsonArray(s.Reference) }.ToJsonString());
            Assert.Equal(HttpStatusCode.OK, status);
            return (i, reward: json["rewards"]![0]!.GetValue<double>());
        }).ToList();
        foreach (var (i, reward) in await Task.WhenAll(tasks)) Assert.Equal(expected[i % samples.Count].Reward, reward);
        var metrics = await client.GetStringAsync("/metrics");
        long batches = long.Parse(metrics.Split('\n').First(l => l.StartsWith("blend_batches_total ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(batches, 4, 63); // at most 16 per batch, and fewer batches than requests
        Assert.Contains("blend_samples_total 64", metrics, StringComparison.Ordinal);
        Assert.Contains("blend_judge_pass_rate{judge=\"math-answer\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("blend_request_duration_seconds_count", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"query\": [\"a\"", 400, "malformed JSON at line 1")]
    [InlineData("[1, 2]", 400, "must be a JSON object")]
    [InlineData("", 400, "empty body")]
    [InlineData("{\"query\": [\"a\", \"b\"], \"prompts\": [\"a\"]}", 400, "'prompts' has 1 items but 'query' has 2")]
    [InlineData("{\"query\": [\"a\"], \"labels\": [\"1\", \"2\"]}", 400, "'labels' has 2 items but 'query' has 1")]
    [InlineData("{\"query\": [\"a\"], \"prompt\": [\"a\"]}", 400, "unknown field 'prompt'; did you mean 'prompts'?")]
    [InlineData("{\"query\": [\"a\"], \"query\": [\"b\"]}", 400, "duplicate field 'query'")]
    [InlineData("{\"query\": [1]}", 400, "'query[0]' must be a string")]
    [InlineData("{\"query\": \"a\"}", 400, "'query' must be a list of strings")]
    [InlineData("{\"prompts\": [\"a\"]}", 400, "missing field 'query'")]
    public async Task Bad_input_is_a_4xx_with_a_clear_message(string body, int status, string message)
    {
        using var builder = new RecipeBuilder(RecipeReader.Read(RecipeFile));
        await using var server = await RewardServer.StartAsync(RewardScorer.FromRecipe(builder, false), Loopback(), "t");
        using var client = Client(server);
        var (code, json) = await Post(client, "/get_reward", body);
        Assert.Equal(status, (int)code);
        Assert.Contains(message, json["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_the_cap_and_bad_plain_samples_are_refused()
    {
        using var builder = new RecipeBuilder(RecipeReader.Read(RecipeFile));
        await using var server = await RewardServer.StartAsync(RewardScorer.FromRecipe(builder, false), Loopback(maxBody: 4096), "t");
        using var client = Client(server);
        var big = "{\"query\": [\"" + new string('x', 10_000) + "\"]}";
        // The server answers 413 without reading the rest of the body, so the client may see its upload cut off instead
        // of the answer (a race of the transport); either way the refusal is counted as a bad request.
        async Task Oversized(HttpRequestMessage request)
        {
            try
            {
                using var r = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
                Assert.Contains("4096", JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
            }
            catch (HttpRequestException) { }
        }
        await Oversized(new HttpRequestMessage(HttpMethod.Post, "/get_reward") { Content = new StringContent(big, Encoding.UTF8, "application/json") });
        // Chunked (no Content-Length): the cap still holds while reading.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/get_reward") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) };
        chunked.Headers.TransferEncodingChunked = true;
        await Oversized(chunked);
        // A client that saw its upload cut off may ask before the server's handler has returned and counted the refusal:
        // wait (bounded) for the count instead of reading it once.
        var metrics = await client.GetStringAsync("/metrics");
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); !metrics.Contains("status=\"413\"} 2", StringComparison.Ordinal) && wait.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
            metrics = await client.GetStringAsync("/metrics");
        }
        Assert.Contains("blend_errors_total{kind=\"bad_request\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("blend_requests_total{endpoint=\"get_reward\",status=\"413\"} 2", metrics, StringComparison.Ordinal);
        HttpStatusCode code;
        JsonNode json;
        (code, json) = await Post(client, "/score", "{\"samples\": [{\"task\": \"math\", \"prompt\": \"p\", \"respons\": \"r\"}]}");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("unknown field 'samples[0].respons'; did you mean 'response'?", json["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (code, json) = await Post(client, "/score", "{\"samples\": [{\"task\": \"nope\", \"prompt\": \"p\", \"response\": \"r\"}]}");
        Assert.Equal(HttpStatusCode.OK, code); // an unknown task is that sample's error, not the request's
        Assert.Contains("unknown task 'nope'", json["results"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Throws for a whole batch when any sample's response contains "boom"; sleeps when one contains "slow".</summary>
    sealed class HostileJudge : IJudge
    {
        /// <summary>Holds every "held" sample until the shutdown test opens it (a gate, not a sleep: load cannot reorder it).</summary>
        public static readonly ManualResetEventSlim Gate = new(false);

        public string Name => "hostile";

        public IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples)
        {
            if (samples.Any(s => s.Response.Contains("boom", StringComparison.Ordinal))) throw new InvalidOperationException("boom");
            if (samples.Any(s => s.Response.Contains("held", StringComparison.Ordinal)) && !Gate.Wait(TimeSpan.FromSeconds(60)))
                throw new TimeoutException("the shutdown test never opened the gate");
            if (samples.Any(s => s.Response.Contains("slow", StringComparison.Ordinal))) Thread.Sleep(samples.Any(s => s.Response.Contains("forever", StringComparison.Ordinal)) ? 10_000 : 400);
            return [.. samples.Select(s => Verdict.Pass(Name))];
        }
    }

    static RewardScorer Hostile() => new(
        JudgeMixture.Create().Task("chat", t => t.Add(new HostileJudge())),
        RewardMixture.Create().Task("chat", t => t.Add("words", Reward.From("words", s => s.Response.Length))),
        ["chat"], _ => -5);

    [Fact]
    public async Task A_throwing_judge_is_an_error_verdict_for_its_sample_only_never_a_500()
    {
        await using var server = await RewardServer.StartAsync(Hostile(), Loopback(), "t");
        using var client = Client(server);
        var (code, json) = await Post(client, "/get_reward", """{"query": ["fine", "boom", "also fine"], "prompts": ["", "", ""]}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal([1.0, -1.0, 1.0], json["extra_logs"]!["judge/hostile"]!.AsArray().Select(x => x!.GetValue<double>()));
        Assert.Equal([4.0, 4.0, 9.0], json["rewards"]!.AsArray().Select(x => x!.GetValue<double>()));
        Assert.Equal([1.0, 0.0, 1.0], json["extra_logs"]!["passed"]!.AsArray().Select(x => x!.GetValue<double>()));
    }

    [Fact]
    public async Task A_judge_past_the_deadline_gives_error_verdicts_and_the_penalty_without_hanging()
    {
        await using var server = await RewardServer.StartAsync(Hostile(), Loopback(deadlineSeconds: 0.2), "t");
        using var client = Client(server);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, json) = await Post(client, "/score", """{"samples": [{"task": "chat", "prompt": "p", "response": "slow forever"}]}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var r = json["results"]![0]!;
        Assert.Equal(-5.0, r["reward"]!.GetValue<double>());
        Assert.Contains("deadline", r["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("error", r["verdicts"]![0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shutdown_while_busy_drains_in_flight_requests_then_refuses_connections()
    {
        var server = await RewardServer.StartAsync(Hostile(), Loopback(maxBatch: 1), "t");
        using var client = Client(server);
        var busy = Enumerable.Range(0, 4).Select(_ => Post(client, "/score", """{"samples": [{"task": "chat", "prompt": "p", "response": "held"}]}""")).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (server.InFlight < 4 && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(10);
        Assert.Equal(4, server.InFlight); // the first is held in the judge, three wait behind it (batches of one)
        var address = server.Address;
        var stopping = server.DisposeAsync().AsTask(); // stop while four requests are in flight
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "the server stopped before its in-flight requests were answered");
        HostileJudge.Gate.Set();
        await stopping;
        foreach (var (code, json) in await Task.WhenAll(busy))
        {
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.Equal(4.0, json["results"]![0]!["reward"]!.GetValue<double>());
        }
        using var fresh = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("/health"));
    }

    [Fact]
    public async Task The_server_binds_only_the_address_it_is_given()
    {
        await using var server = await RewardServer.StartAsync(Hostile(), Loopback(), "t");
        using var client = Client(server);
        Assert.Equal("ok", JsonNode.Parse(await client.GetStringAsync("/health"))!["status"]!.GetValue<string>());
        using var other = new TcpClient();
        // 127.0.0.2 is another loopback address: a server bound to every address would accept there too.
        var refused = await Assert.ThrowsAnyAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), server.Address.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Throws<UsageException>(() => RewardServer.Endpoint("http://*:8000"));
        Assert.Throws<UsageException>(() => RewardServer.Endpoint("http://0.0.0.0"));
        Assert.Throws<UsageException>(() => RewardServer.Endpoint("https://127.0.0.1:8000"));
        Assert.Throws<UsageException>(() => RewardServer.Endpoint("http://example.com:8000"));
    }

    [Fact]
    public void Serve_refuses_a_bad_recipe_or_address_with_exit_code_2()
    {
        var bad = Path.Combine(Path.GetTempPath(), "blend-serve-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(bad, "{\"name\": 1}");
        try
        {
            var r = CliRun.Invoke("serve", "--recipe", bad, "--urls", "http://127.0.0.1:0");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("$.name: must be a string", r.Err, StringComparison.Ordinal);
            r = CliRun.Invoke("serve", "--recipe", RecipeFile, "--urls", "http://*:9");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("wildcards are refused", r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        }
        finally { File.Delete(bad); }
    }
}
