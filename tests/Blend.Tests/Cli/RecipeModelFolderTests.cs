using System.Text.Json.Nodes;
using Blend.Cli;
using Blend.Cli.Recipes;
using Blend.Tests.Models;

namespace Blend.Tests.Cli;

/// <summary>
/// Recipes whose model is a Hugging Face folder and whose judges include a model judge, on a tiny random Qwen3 checkpoint
/// written by the NumPy reference script (tests/reference/hf_tiny.py) with a Blend codec beside it.
/// </summary>
[Collection("Torch")]
public sealed class RecipeModelFolderTests : IDisposable
{
    readonly string _dir = Blend.Tests.Policy.TinyPolicy.TempDir();
    readonly string _model;

    public RecipeModelFolderTests()
    {
        TinyHuggingFace.RunScript(_dir, "qwen3-qknorm");
        _model = Path.Combine(_dir, "qwen3-qknorm");
        TinyHuggingFace.Codec.Save(_model);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    static readonly ModelJudgeOptions JudgeOptions = new() { Template = "{response}", ViolationToken = "Blue", PassToken = "Bonjour", Margin = 0.25 };

    string Recipe(string model, string judgeModel, string name = "hf.json")
    {
        var path = Path.Combine(_dir, name);
        var math = RepoRoot.Data("tasks/math.train.jsonl").Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(path, $$"""
            {"name": "hf-model", "seed": 1, "output": "out", "model": {"hf": "{{model}}"},
             "budget": {"steps": 1, "eval_prompts": 0, "max_new_tokens": 2},
             "tasks": [{"name": "math", "prompts": "{{math}}",
                        "judges": [{"type": "model", "name": "lm-judge", "model": "{{judgeModel}}", "template": "{response}",
                                    "violation_token": "Blue", "pass_token": "Bonjour", "margin": 0.25}],
                        "rewards": [{"type": "judge", "judge": "lm-judge"}], "optimizer": {"type": "crpg"}, "prompts_per_step": 1, "samples_per_prompt": 2}]}
            """);
        return path;
    }

    [Fact]
    public void A_hugging_face_model_and_a_model_judge_validate_load_judge_and_train()
    {
        var recipe = Recipe(_model, _model);
        var v = CliRun.Invoke("recipe", "validate", recipe);
        Assert.True(v.ExitCode == 0, v.Err);

        using (var builder = new RecipeBuilder(RecipeReader.Read(recipe)))
        using (var loaded = builder.LoadPolicy())
        using (var direct = Blend.Policy.Load(_model))
        {
            Assert.Equal("qwen3", loaded.Config.Architecture);
            Assert.Equal(direct.Config, loaded.Config);
        }

        // blend judge with the recipe: every verdict is the model judge's, built in process from the same folder and options.
        var samples = new[] { "Blue.", "Bonjour!", "The answer is 68.", "Name a color." }.Select(r => new Sample("math", "What is 23 + 45?", r)).ToList();
        var data = Path.Combine(_dir, "samples.jsonl");
        Jsonl.Write(data, samples.Select(s => new JsonObject { ["task"] = s.Task, ["prompt"] = s.Prompt, ["response"] = s.Response }));
        var outFile = Path.Combine(_dir, "verdicts.jsonl");
        var report = Path.Combine(_dir, "judge.html");
        var r = CliRun.Invoke("judge", "--recipe", recipe, "--data", data, "--out", outFile, "--report", report);
        Assert.True(r.ExitCode == 0, r.Err);
        IReadOnlyList<Verdict> expected;
        using (var judgeModel = Blend.Policy.Load(_model)) expected = Judge.Model("lm-judge", judgeModel, JudgeOptions).Judge(samples);
        var written = Jsonl.Read(outFile);
        Assert.Equal(samples.Count, written.Count);
        for (int i = 0; i < samples.Count; i++)
        {
            var verdict = written[i].Object["verdicts"]![0]!;
            Assert.Equal("lm-judge", verdict["judge"]!.GetValue<string>());
            Assert.Equal(expected[i].Outcome.ToString().ToLowerInvariant(), verdict["outcome"]!.GetValue<string>());
            Assert.Equal(expected[i].Score!.Value, verdict["score"]!.GetValue<double>(), 12);
        }
        Assert.True(expected.Select(e => e.Score).Distinct().Count() > 1, "the judge model's scores depend on the response");
        ReportAssert.Offline(File.ReadAllText(report), plotly: true);
        Assert.Equal(1, ReportAssert.ChartsDrawn(report));

        // One CGPO step from the Hugging Face model; the trained policy is saved in the Hugging Face layout, with its report.
        var outDir = Path.Combine(_dir, "train");
        var t = CliRun.Invoke("train", "--recipe", recipe, "--out", outDir);
        Assert.True(t.ExitCode == 0, t.Err);
        Assert.Equal("qwen3", JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "policy", "config.json")))!["model_type"]!.GetValue<string>());
        using (var trained = Blend.Policy.Load(Path.Combine(outDir, "policy"))) Assert.Equal("qwen3", trained.Config.Architecture);
        ReportAssert.Offline(File.ReadAllText(Path.Combine(outDir, "report.html")), plotly: true);

        // A reward model from the recipe's Hugging Face model: its backbone plus a reward head, saved and loaded back.
        var rmDir = Path.Combine(_dir, "rm");
        var rm = CliRun.Invoke("rm", "train", "--pairs", RepoRoot.Data("preferences/chat.jsonl"), "--recipe", recipe, "--out", rmDir, "--steps", "2", "--batch-size", "4");
        Assert.True(rm.ExitCode == 0, rm.Err);
        using var reward = RewardModel.Load(Path.Combine(rmDir, "reward-model"));
        Assert.Equal(("qwen3", true), (reward.Backbone.Config.Architecture, reward.Backbone.Config.RewardHead));
        Assert.Contains("held-out accuracy", rm.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_model_folder_is_reported_at_its_json_path()
    {
        var noTokenizer = Path.Combine(_dir, "no-tokenizer");
        Directory.CreateDirectory(noTokenizer);
        foreach (var f in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(_model, f), Path.Combine(noTokenizer, f));
        var badConfig = Path.Combine(_dir, "bad-config");
        Directory.CreateDirectory(badConfig);
        foreach (var f in Directory.GetFiles(_model)) File.Copy(f, Path.Combine(badConfig, Path.GetFileName(f)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(badConfig, "config.json")))!.AsObject();
        config["model_type"] = "mamba";
        File.WriteAllText(Path.Combine(badConfig, "config.json"), config.ToJsonString());
        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);

        var (_, errors) = RecipeReader.Check(Recipe(noTokenizer, empty, "broken.json"));
        Assert.Contains(errors, e => e.Path == "$.model.hf" && e.Message.Contains("has no tokenizer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.tasks[0].judges[0].model" && e.Message.Contains("has no config.json", StringComparison.Ordinal));
        (_, errors) = RecipeReader.Check(Recipe(badConfig, _model, "config.json.recipe"));
        var error = Assert.Single(errors);
        Assert.Equal("$.model.hf", error.Path);
        Assert.Contains(Path.Combine(badConfig, "config.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("mamba", error.Message, StringComparison.Ordinal);

        var r = CliRun.Invoke("recipe", "validate", Path.Combine(_dir, "broken.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("broken.json:1: $.model.hf", r.Err, StringComparison.Ordinal);
        r = CliRun.Invoke("judge", "--data", RepoRoot.Data("judges/refusal.jsonl"), "--judges", "model");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("judge 'model' needs its 'model' option", r.Err, StringComparison.Ordinal);
    }
}
