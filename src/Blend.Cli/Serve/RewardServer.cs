using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Blend.Cli.Serve;

/// <summary>Settings of <see cref="RewardServer"/> (from the recipe's <c>serve</c> object and the command line).</summary>
/// <param name="Url">The one address to bind, <c>http://IP:PORT</c> or <c>http://localhost:PORT</c> (port 0: any free port).</param>
/// <param name="MaxBatch">Most samples per coalesced batch.</param>
/// <param name="MaxWait">How long a batch stays open for more requests.</param>
/// <param name="MaxBodyBytes">Largest request body accepted.</param>
/// <param name="Deadline">Longest one batch's judging and scoring may take.</param>
/// <param name="DrainTimeout">How long shutdown waits for in-flight requests.</param>
internal sealed record ServeOptions(string Url, int MaxBatch = 64, TimeSpan? MaxWait = null, int MaxBodyBytes = 4 << 20, TimeSpan? Deadline = null, TimeSpan? DrainTimeout = null);

/// <summary>
/// <c>blend serve</c>: an ASP.NET Core minimal API over a <see cref="RewardScorer"/>. Endpoints: <c>POST /get_reward</c>
/// (OpenRLHF's remote reward protocol), <c>POST /score</c> (plain JSON), <c>GET /health</c>, <c>GET /metrics</c>
/// (Prometheus). Concurrent requests are coalesced by a <see cref="ScoreBatcher"/>; bad input is a 400 with a message;
/// a failing judge or reward is a per-sample error, never a 500; stopping drains in-flight requests.
/// </summary>
internal sealed class RewardServer : IAsyncDisposable
{
    static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly WebApplication _app;
    readonly RewardScorer _scorer;
    readonly ScoreBatcher _batcher;
    readonly ServerMetrics _metrics = new();
    readonly ServeOptions _options;
    readonly string _recipeName;
    int _inFlight;

    RewardServer(WebApplication app, RewardScorer scorer, ServeOptions options, string recipeName)
    {
        _app = app;
        _scorer = scorer;
        _options = options;
        _recipeName = recipeName;
        _batcher = new ScoreBatcher(scorer.Score, scorer.Failed, options.MaxBatch, options.MaxWait ?? TimeSpan.FromMilliseconds(2), options.Deadline ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>The address actually bound (with the real port when 0 was asked for).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The metrics, for tests and the benchmark.</summary>
    public ServerMetrics Metrics => _metrics;

    /// <summary>Requests being answered now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Parses <paramref name="url"/> into the one endpoint to bind; wildcards and non-http schemes are refused.</summary>
    /// <exception cref="UsageException">Not http://IP:PORT or http://localhost:PORT.</exception>
    public static IPEndPoint Endpoint(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme != "http")
            throw new UsageException($"--urls: '{url}' is not an http://HOST:PORT address");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0) throw new UsageException($"--urls: '{url}' has a path; give only http://HOST:PORT");
        IPAddress address;
        if (uri.Host == "localhost") address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address!))
            throw new UsageException($"--urls: '{uri.Host}' is not an IP address or localhost (the server binds exactly the address it is given; wildcards are refused)");
        if (uri.IsDefaultPort && !url.Contains(":80", StringComparison.Ordinal)) throw new UsageException($"--urls: '{url}' has no port; give http://HOST:PORT");
        return new IPEndPoint(address, uri.Port);
    }

    /// <summary>Builds and starts the server; returns when it is listening.</summary>
    public static async Task<RewardServer> StartAsync(RewardScorer scorer, ServeOptions options, string recipeName, TextWriter? log = null)
    {
        var endpoint = Endpoint(options.Url);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (log is not null) builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.DrainTimeout ?? TimeSpan.FromSeconds(30));
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var server = new RewardServer(app, scorer, options, recipeName);
        server.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    void Map(WebApplication app)
    {
        app.MapPost("/get_reward", ctx => Handle(ctx, "get_reward", GetReward));
        app.MapPost("/score", ctx => Handle(ctx, "score", Score));
        app.MapGet("/health", ctx => Handle(ctx, "health", Health));
        app.MapGet("/metrics", async ctx =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Response.WriteAsync(_metrics.Text(_batcher.Batches)).ConfigureAwait(false);
        });
    }

    Task<JsonNode> Health(byte[] _) => Task.FromResult<JsonNode>(new JsonObject
    {
        ["status"] = "ok",
        ["recipe"] = _recipeName,
        ["mode"] = _scorer.Constrained ? "constrained" : "mixture",
        ["tasks"] = new JsonArray([.. _scorer.Tasks.Select(t => (JsonNode)t)]),
        ["judges"] = new JsonArray([.. _scorer.JudgeNames.Select(t => (JsonNode)t)]),
        ["max_batch"] = _options.MaxBatch,
    });

    async Task Handle(HttpContext ctx, string endpoint, Func<byte[], Task<JsonNode>> answer)
    {
        Interlocked.Increment(ref _inFlight);
        var clock = Stopwatch.StartNew();
        int status = 200;
        JsonNode body;
        try
        {
            var bytes = HttpMethods.IsPost(ctx.Request.Method) ? await ReadBody(ctx).ConfigureAwait(false) : [];
            body = await answer(bytes).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            status = e.Status;
            _metrics.Error("bad_request");
            body = new JsonObject { ["error"] = e.Message };
        }
        catch (Exception e)
        {
            // Not a sample's fault (those are per-sample errors): still one clear message, not a stack trace.
            status = 500;
            _metrics.Error("internal");
            body = new JsonObject { ["error"] = $"{e.GetType().Name}: {e.Message}" };
        }
        try
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(body.ToJsonString(Compact)).ConfigureAwait(false);
        }
        finally
        {
            _metrics.Request(endpoint, status, clock.Elapsed);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    async Task<byte[]> ReadBody(HttpContext ctx)
    {
        if (ctx.Request.ContentLength is long declared && declared > _options.MaxBodyBytes)
            throw new BadRequestException($"the body has {declared} bytes; the limit is {_options.MaxBodyBytes} (serve.max_body_bytes)", 413);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > _options.MaxBodyBytes)
                    throw new BadRequestException($"the body is over the limit of {_options.MaxBodyBytes} bytes (serve.max_body_bytes)", 413);
                buffer.Write(chunk, 0, n);
            }
        }
        catch (BadHttpRequestException e) { throw new BadRequestException(e.Message, e.StatusCode); }
        return buffer.ToArray();
    }

    async Task<JsonNode> GetReward(byte[] body)
    {
        var (queries, prompts, labels) = ServeRequests.ParseReward(body);
        var samples = new Sample[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            var prompt = prompts?[i] ?? "";
            // OpenRLHF sends the decoded prompt + response as "query": the response is what follows the prompt.
            var response = prompt.Length > 0 && queries[i].StartsWith(prompt, StringComparison.Ordinal) ? queries[i][prompt.Length..] : queries[i];
            samples[i] = _scorer.Resolve(null, prompt, response, labels?[i]);
        }
        var results = await Scored(samples).ConfigureAwait(false);
        var extra = new JsonObject();
        foreach (var judge in results.SelectMany(r => r.Verdicts.Select(v => v.Judge)).Distinct())
            extra["judge/" + judge] = new JsonArray([.. results.Select(r => (JsonNode)VerdictValue(r.Verdicts.FirstOrDefault(v => v.Judge == judge)))]);
        foreach (var component in results.SelectMany(r => r.Components.Keys).Distinct())
            extra["reward/" + component] = new JsonArray([.. results.Select(r => (JsonNode)r.Components.GetValueOrDefault(component))]);
        extra["passed"] = new JsonArray([.. results.Select(r => (JsonNode)(r.Passed ? 1.0 : 0.0))]);
        extra["error"] = new JsonArray([.. results.Select(r => (JsonNode)(r.Error is null ? 0.0 : 1.0))]);
        var rewards = new JsonArray([.. results.Select(r => (JsonNode)r.Reward)]);
        return new JsonObject
        {
            ["rewards"] = rewards,
            ["scores"] = rewards.DeepClone(),
            ["extra_logs"] = extra,
            ["errors"] = new JsonArray([.. results.Select(r => (JsonNode?)r.Error)]),
        };
    }

    /// <summary>A verdict as a number for OpenRLHF's logs: 1 pass, 0 fail, −1 error, NaN-free; 0 when the judge does not apply to the sample.</summary>
    static double VerdictValue(Verdict? v) => v is null ? 0 : v.Outcome switch { VerdictOutcome.Pass => 1, VerdictOutcome.Fail => 0, _ => -1 };

    async Task<JsonNode> Score(byte[] body)
    {
        var parsed = ServeRequests.ParseScore(body);
        var samples = parsed.Select(p => _scorer.Resolve(p.Task, p.Prompt, p.Response, p.Reference, p.Metadata)).ToArray();
        var results = await Scored(samples).ConfigureAwait(false);
        return new JsonObject { ["results"] = new JsonArray([.. results.Select(r => (JsonNode)ToJson(r))]) };
    }

    /// <summary>One scored sample as the plain endpoint (and <c>blend judge</c>'s JSONL) writes it.</summary>
    public static JsonObject ToJson(ScoredSample r) => new()
    {
        ["task"] = r.Sample.Task,
        ["passed"] = r.Passed,
        ["verdicts"] = new JsonArray([.. r.Verdicts.Select(v => (JsonNode)new JsonObject
        {
            ["judge"] = v.Judge,
            ["outcome"] = v.Outcome.ToString().ToLowerInvariant(),
            ["reason"] = v.Reason,
            ["score"] = v.Score,
        })]),
        ["components"] = new JsonObject([.. r.Components.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
        ["total"] = r.Total,
        ["reward"] = r.Reward,
        ["error"] = r.Error,
    };

    async Task<IReadOnlyList<ScoredSample>> Scored(Sample[] samples)
    {
        if (samples.Length == 0) return [];
        var results = await _batcher.ScoreAsync(samples).ConfigureAwait(false);
        _metrics.Scored(results);
        return results;
    }

    /// <summary>Stops listening, waits for in-flight requests (up to the drain timeout), then stops the batcher.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Waits until the host is asked to stop (Ctrl-C / SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
