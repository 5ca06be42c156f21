using System.Text.Json.Nodes;
using Blend.Cli;

namespace Blend.Tests.Cli;

[Collection("Torch")]
public sealed class TrainAndJudgeCommandTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "blend-train-" + Guid.NewGuid().ToString("N"));

    public TrainAndJudgeCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Recipe(int steps = 3, int every = 2)
    {
        var path = Path.Combine(_dir, "train.json");
        var math = RepoRoot.Data("tasks/math.train.jsonl").Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(path, $$$"""
            {"name": "tiny-train", "seed": 5, "output": "out", "model": {"tiny": {"context_length": 48, "width": 32}},
             "budget": {"steps": {{{steps}}}, "eval_prompts": 0, "max_new_tokens": 4},
             "training": {"learning_rate": 0.003, "checkpoint_every": {{{every}}}},
             "tasks": [{"name": "math", "prompts": "{{{math}}}", "judges": [{"type": "math_answer"}],
                        "rewards": [{"type": "gold_overlap"}], "optimizer": {"type": "crpg"}, "prompts_per_step": 2, "samples_per_prompt": 2}]}
            """);
        return path;
    }

    sealed class StopAfter(int step, CancellationTokenSource cancel) : IProgress<StepMetrics>
    {
        public void Report(StepMetrics value)
        {
            if (value.Step >= step) cancel.Cancel();
        }
    }

    static JsonArray Steps(string output) => JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["metrics"]!.AsArray();

    static IEnumerable<(int, double, double, double)> Numbers(JsonArray steps) => steps.Select(m =>
        (m!["Step"]!.GetValue<int>(), m["Reward"]!.GetValue<double>(), m["Kl"]!.GetValue<double>(), m["Loss"]!.GetValue<double>()));

    [Fact]
    public void Ctrl_c_saves_a_checkpoint_and_resume_gives_the_uninterrupted_numbers_and_weights()
    {
        var recipe = Recipe();
        var whole = Path.Combine(_dir, "whole");
        var split = Path.Combine(_dir, "split");
        Assert.Equal(0, TrainCommand.Run(recipe, false, whole, json: false, TextWriter.Null, CancellationToken.None));
        // The run's report: a complete offline page whose charts a real browser draws.
        var report = Path.Combine(whole, "report.html");
        ReportAssert.Offline(File.ReadAllText(report), plotly: true);
        Assert.Equal(5, ReportAssert.ChartsDrawn(report)); // overview, pass rates, updates (clip fraction, approximate KL), timings; the page's judge pass rates

        using var cancel = new CancellationTokenSource();
        var log = new StringWriter();
        // Cancelled after step 1 (what Ctrl-C does through System.CommandLine's token): step 1 is saved though the interval is 2.
        Assert.Equal(ExitCodes.Interrupted, TrainCommand.Run(recipe, false, split, json: false, log, cancel.Token, new StopAfter(1, cancel)));
        Assert.Contains("stopped after step 1 of 3", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("--resume", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(split, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(split, "report.html")));
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(Path.Combine(split, "checkpoint", "trainer_state.json")))!["step"]!.GetValue<int>());

        Assert.Equal(0, TrainCommand.Run(recipe, true, split, json: true, TextWriter.Null, CancellationToken.None));
        Assert.Equal(Numbers(Steps(whole)), Numbers(Steps(split)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "policy", "model.safetensors")), File.ReadAllBytes(Path.Combine(split, "policy", "model.safetensors")));
    }

    [Fact]
    public void Train_refuses_bad_input_before_any_work_and_writes_nothing()
    {
        var recipe = Recipe();
        var fresh = Path.Combine(_dir, "fresh");
        var r = CliRun.Invoke("train", "--recipe", recipe, "--out", fresh, "--resume");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--resume: there is no checkpoint", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh));
        r = CliRun.Invoke("train", "--recipe", recipe, "--out", fresh, "--report", Path.Combine(_dir, "report.txt"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--report: ", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh));
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("\"prompts_per_step\": 2", "\"prompts_per_stp\": 2", StringComparison.Ordinal));
        r = CliRun.Invoke("train", "--recipe", recipe, "--out", fresh);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("train.json:5: $.tasks[0].prompts_per_stp: unknown field 'prompts_per_stp' in task; did you mean 'prompts_per_step'?", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh));
        Directory.CreateDirectory(Path.Combine(fresh, "checkpoint"));
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("\"prompts_per_stp\": 2", "\"prompts_per_step\": 2", StringComparison.Ordinal));
        r = CliRun.Invoke("train", "--recipe", recipe, "--out", fresh);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already holds a checkpoint; pass --resume", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_on_shipped_data_prints_pass_rates_and_writes_one_result_per_line()
    {
        var outFile = Path.Combine(_dir, "verdicts.jsonl");
        var data = RepoRoot.Data("judges/refusal.jsonl");
        var r = CliRun.Invoke("judge", "--data", data, "--judges", "refusal", "--out", outFile, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        var lines = Jsonl.Read(data);
        var written = Jsonl.Read(outFile);
        Assert.Equal(lines.Count, written.Count);
        // The verdicts are Judge.Refusal()'s own, line by line.
        var expected = Judge.Refusal().Judge([.. lines.Select(l => new Sample(l.String("task"), l.String("prompt"), l.String("response")) { Metadata = l.OptionalObject("metadata")?.DeepClone().AsObject() })]);
        for (int i = 0; i < lines.Count; i++)
            Assert.Equal(expected[i].Outcome.ToString().ToLowerInvariant(), written[i].Object["verdicts"]![0]!["outcome"]!.GetValue<string>());
        var summary = JsonNode.Parse(r.Out)!;
        Assert.Equal(expected.Count(v => v.Passed) / (double)expected.Count, summary["judges"]!["refusal"]!["pass_rate"]!.GetValue<double>(), 12);

        var table = CliRun.Invoke("judge", "--data", RepoRoot.Data("judges/math.jsonl"), "--recipe", RepoRoot.File("recipes/judges-four-tasks.json"));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("math-answer", table.Out, StringComparison.Ordinal);
        Assert.Contains("answer-format", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_bad_input_names_file_line_and_field_and_writes_nothing()
    {
        var bad = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(bad, "{\"task\": \"math\", \"prompt\": \"p\", \"response\": \"r\"}\n{\"task\": \"math\", \"prompt\": \"p\"}\n");
        var outFile = Path.Combine(_dir, "out.jsonl");
        var r = CliRun.Invoke("judge", "--data", bad, "--judges", "math_answer", "--out", outFile);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{bad}:2: field 'response' is missing", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(outFile));
        r = CliRun.Invoke("judge", "--data", bad, "--judges", "math_answr");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean 'math_answer'?", r.Err, StringComparison.Ordinal);
        r = CliRun.Invoke("judge", "--data", bad);
        Assert.Equal(2, r.ExitCode);
        r = CliRun.Invoke("judge", "--data", Path.Combine(_dir, "none.jsonl"), "--judges", "refusal");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Err, StringComparison.Ordinal);
        r = CliRun.Invoke("judge", "--nope");
        Assert.Equal(2, r.ExitCode);
        r = CliRun.Invoke("judge", "--data", RepoRoot.Data("judges/refusal.jsonl"), "--judges", "refusal", "--report", _dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a folder; give a file path ending in .html", r.Err, StringComparison.Ordinal);
    }
}
