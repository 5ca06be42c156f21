using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blend.Cli.Recipes;
using Blend.Cli.Serve;

namespace Blend.Tests.Cli;

/// <summary>The real <c>blend serve</c> process on a loopback port, called by the Python clients under Debian's python3, then stopped with SIGINT.</summary>
public sealed partial class ServeProcessTests
{
    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex Listening();

    [Fact]
    public async Task Python_trl_and_verl_clients_get_the_in_process_rewards_from_a_live_server()
    {
        var recipe = RepoRoot.File("recipes/judges-four-tasks.json");
        // The server starts with SIGINT at its default disposition: a non-interactive shell starts background jobs with
        // SIGINT ignored, that disposition is inherited through exec (dotnet test, the test host, this child), and a server
        // that ignores SIGINT never sees the Ctrl-C below (`nohup bash .ci/run &` hung here). Python resets it, then execs.
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
            "dotnet", Path.Combine(AppContext.BaseDirectory, "Blend.Cli.dll"), "serve", "--recipe", recipe, "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        using var server = Process.Start(psi)!;
        var stderr = server.StandardError.ReadToEndAsync();
        var work = Path.Combine(Path.GetTempPath(), "blend-clients-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string? url = null;
            while (url is null)
            {
                var line = await server.StandardOutput.ReadLineAsync(startup.Token) ?? throw new InvalidOperationException("blend serve exited: " + await stderr);
                if (Listening().Match(line) is { Success: true } m) url = m.Groups[1].Value;
            }
            var restOfOutput = server.StandardOutput.ReadToEndAsync();

            // Samples: gold and wrong responses to known prompts of every task.
            using var builder = new RecipeBuilder(RecipeReader.Read(recipe));
            var samples = builder.TaskNames.SelectMany(t =>
            {
                var set = PromptSet.Load(RepoRoot.Data($"tasks/{t}.train.jsonl")).Take(3);
                return Enumerable.Range(0, set.Count).SelectMany(i => new[] { set[i].ToSample(set.Responses[i] ?? ""), set[i].ToSample("No. http://x.example") });
            }).ToList();
            var expected = RewardScorer.FromRecipe(builder, constrained: false).Score(samples).Select(r => r.Reward).ToList();
            var file = Path.Combine(work, "samples.json");
            File.WriteAllText(file, new JsonArray([.. samples.Select(s => (JsonNode)new JsonObject { ["task"] = s.Task, ["prompt"] = s.Prompt, ["response"] = s.Response, ["reference"] = s.Reference })]).ToJsonString());

            var py = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { RepoRoot.File("clients/python/check_clients.py"), url, file }) py.ArgumentList.Add(a);
            using var client = Process.Start(py)!;
            var pyOut = client.StandardOutput.ReadToEndAsync();
            var pyErr = client.StandardError.ReadToEndAsync();
            // A deadline against hangs, not a timing (alone this takes ~2 s, also beside six busy loops); on a hang the
            // failure shows both sides.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            try { await client.WaitForExitAsync(deadline.Token); }
            catch (OperationCanceledException)
            {
                client.Kill(entireProcessTree: true);
                server.Kill(entireProcessTree: true);
                Assert.Fail($"the Python clients did not finish within 180 s.\nclient stdout: {await pyOut}\nclient stderr: {await pyErr}\nserver stderr: {await stderr}");
            }
            Assert.True(client.ExitCode == 0, await pyErr);
            var result = JsonNode.Parse(await pyOut)!;
            Assert.Equal(expected, result["trl"]!.AsArray().Select(x => x!.GetValue<double>()));
            Assert.Equal(expected, result["verl"]!.AsArray().Select(x => x!.GetValue<double>()));
            Assert.Equal("blend", result["name"]!.GetValue<string>());
            var errors = result["errors"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            Assert.Contains("answered 400: 'samples[0].metadata' must be an object", errors[0], StringComparison.Ordinal);
            Assert.Equal("unreachable", errors[1]);

            // Ctrl-C: the server drains and exits cleanly.
            using (var kill = Process.Start("kill", ["-INT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(deadline.Token);
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                try { await server.WaitForExitAsync(stop.Token); }
                catch (OperationCanceledException) { Assert.Fail($"blend serve did not stop within 60 s of SIGINT ({File.ReadAllLines($"/proc/{server.Id}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))}, the mask of ignored signals)."); }
            Assert.Equal(0, server.ExitCode);
            Assert.Contains("blend serve: stopped after", await restOfOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            Directory.Delete(work, recursive: true);
        }
    }
}
