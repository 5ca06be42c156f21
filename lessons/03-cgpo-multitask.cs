// Lesson 03 · CGPO on several tasks, one optimizer per task — notebooks/03-cgpo-multitask.ipynb as a .NET 10 file-based app.
// Every stage the notebook renders goes into one offline HTML page (plotly.js inlined once), and as text to the terminal.
// The torch backend is TorchSharp-cpu unless the environment says TorchBackend=cuda.
//
//   dotnet run lessons/03-cgpo-multitask.cs                      quick (the default): writes lessons/out/03-cgpo-multitask.html
//   dotnet run lessons/03-cgpo-multitask.cs -- --full --out DIR  the notebook's full budgets, another folder
#:project LessonPage/LessonPage.csproj
#:property Configuration=Release
#:property UsesTorchBackend=true
using Blend;
using Blend.Interactive;
using Blend.Lessons;

var page = LessonPage.Start("03 · CGPO on several tasks, one optimizer per task", args);
bool quick = page.Quick;
int seed = page.UseTorch(7);

// Data, a compact cl100k tokenizer and a tiny policy.
var math = PromptSet.Load(page.Data("tasks/math.train.jsonl")).Take(quick ? 24 : 400);
var chat = PromptSet.Load(page.Data("tasks/chat.train.jsonl")).Take(quick ? 16 : 200);
var mathEval = PromptSet.Load(page.Data("tasks/math.test.jsonl")).Take(quick ? 2 : 40);
var chatEval = PromptSet.Load(page.Data("tasks/chat.test.jsonl")).Take(quick ? 2 : 30);
var corpus = math.Concat(chat).Concat(mathEval).Concat(chatEval);
var codec = TextCodec.Cl100k().Compact(corpus.Select(p => p.Text).Concat(corpus.Responses.Where(r => r is not null).Select(r => r!)));
using var policy = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 96 }, seed);
page.Show("The policy", policy);

// Warm-up SFT on the reference responses; the SFT model is also the frozen reference for the KL term.
page.Show("Supervised fine-tuning", Sft.Train(policy, math.Concat(chat), options: new SftOptions { Steps = quick ? 3 : 150, BatchSize = quick ? 4 : 16, LearningRate = 3e-3, WarmupSteps = 5, EvalEvery = 0, Seed = seed }));

// The CGPO run: judges, reward and optimizer per task (CRPG for math, CODPO for chat).
using var reference = policy.Clone().Freeze();
var mathReward = Reward.From("answer-digits", s => s.Reference is not null && s.Response.Contains(s.Reference, StringComparison.Ordinal) ? 1.0 : 0.0);
var chatReward = RewardMixture.Create("chat")
    .Add("brevity", Reward.Brevity(maxWords: 12), weight: 0.5)
    .Add("friendly", Reward.Friendliness(), weight: 0.5);
var run = Cgpo.Create(policy, reference: reference, seed: seed)
    .Task("math", t => t.Prompts(math).EvalPrompts(mathEval)
        .Judges(Judge.MathAnswer())
        .Reward(mathReward)
        .Optimizer(new CrpgOptions { SamplesPerPrompt = 2, KlMax = 8 })
        .PromptsPerStep(quick ? 1 : 8))
    .Task("chat", t => t.Prompts(chat).EvalPrompts(chatEval)
        .Judges(Judge.From("no-url", s => !s.Response.Contains("http", StringComparison.Ordinal)), Judge.Length(maxWords: 30))
        .Reward(chatReward)
        .Optimizer(new CodpoOptions { SamplesPerPrompt = 2, Beta = 0.1 })
        .PromptsPerStep(quick ? 1 : 8))
    .Sampling(maxNewTokens: quick ? 6 : 16)
    .EvalSamplesPerPrompt(1)
    .LearningRate(1e-3)
    .Steps(quick ? 2 : 40);
// In a notebook this chart updates live; here the terminal gets one line per step and the page the final chart.
var live = LiveDisplay.Of<StepMetrics>(m => TrainingCharts.Overview(m), every: 2);
var result = run.Train(progress: new StepLog(live));
page.Show("Training (the live chart, final)", live.Flush()!);
page.Show("CGPO result", result);

// Reading the result: the chart functions are plain functions of results.
page.Show("Judge pass rates", TrainingCharts.PassRates(result));
page.Show("KL and length", TrainingCharts.KlAndLength(result));
page.Show("Metrics as a Deedle frame", result.Frame);
page.Save("03-cgpo-multitask");

/// <summary>Prints each step and passes it on to the live view.</summary>
sealed class StepLog(IProgress<StepMetrics> next) : IProgress<StepMetrics>
{
    public void Report(StepMetrics value)
    {
        Console.WriteLine("  " + value);
        next.Report(value);
    }
}
