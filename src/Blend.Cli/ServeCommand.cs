using System.CommandLine;
using Blend.Cli.Recipes;
using Blend.Cli.Serve;

namespace Blend.Cli;

/// <summary><c>blend serve --recipe R --urls http://127.0.0.1:PORT</c>: the recipe's judges and rewards behind OpenRLHF's remote reward protocol and a plain JSON endpoint.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "The recipe whose judges, rewards and serve settings to use.", Required = true };
        var urls = new Option<string>("--urls") { Description = "The one address to bind: http://IP:PORT or http://localhost:PORT.", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
        var mode = new Option<string?>("--mode") { Description = "mixture (the reward mixture's total) or constrained (calibrated reward, penalty on a judge violation); default: the recipe's serve.mode." };
        mode.AcceptOnlyFromAmong("mixture", "constrained");
        var task = new Option<string?>("--task") { Description = "The task of samples whose prompt is not in the recipe's prompt files (default: the only task, if there is one)." };
        var cmd = new Command("serve", "Serve a recipe's judges and rewards over HTTP: POST /get_reward (OpenRLHF), POST /score, GET /health, GET /metrics.") { recipe, urls, mode, task };
        cmd.SetAction((r, cancel) => Run(r.GetValue(recipe)!, r.GetValue(urls)!, r.GetValue(mode), r.GetValue(task), r.InvocationConfiguration.Output, cancel));
        return cmd;
    }

    /// <summary>The server's settings: the recipe's <c>serve</c> object with the command line's address.</summary>
    internal static ServeOptions Options(Recipe recipe, string url)
    {
        var s = recipe.Serve;
        return new ServeOptions(url,
            MaxBatch: s.Int("max_batch") ?? 64,
            MaxWait: TimeSpan.FromMilliseconds(s.Number("max_wait_ms") ?? 2),
            MaxBodyBytes: s.Int("max_body_bytes") ?? 4 << 20,
            Deadline: TimeSpan.FromSeconds(s.Number("judge_timeout_seconds") ?? 30));
    }

    static async Task<int> Run(string recipePath, string url, string? mode, string? task, TextWriter output, CancellationToken cancel)
    {
        RewardServer.Endpoint(url); // a bad address is bad input: refuse it before loading anything
        var recipe = RecipeReader.Read(recipePath);
        using var builder = new RecipeBuilder(recipe);
        builder.UseDevice();
        var scorer = RewardScorer.FromRecipe(builder, (mode ?? recipe.Serve.String("mode") ?? "mixture") == "constrained", task);
        await using var server = await RewardServer.StartAsync(scorer, Options(recipe, url), recipe.Name, Console.Error).ConfigureAwait(false);
        output.WriteLine($"blend serve: recipe '{recipe.Name}' ({(scorer.Constrained ? "constrained" : "mixture")} mode, tasks {string.Join(", ", scorer.Tasks)}) listening on {server.Address}");
        output.WriteLine("endpoints: POST /get_reward (OpenRLHF), POST /score, GET /health, GET /metrics; Ctrl-C drains in-flight requests and stops.");
        output.Flush();
        try { await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        output.WriteLine($"blend serve: stopping (draining {server.InFlight} in-flight requests)");
        await server.StopAsync().ConfigureAwait(false);
        output.WriteLine($"blend serve: stopped after {server.Metrics.Samples} samples");
        return ExitCodes.Ok;
    }
}
