// Lesson 04 · Reward hacking: PPO vs CGPO on a biased reward — notebooks/04-reward-hacking.ipynb as a .NET 10 file-based app.
// Every stage the notebook renders goes into one offline HTML page (plotly.js inlined once), and as text to the terminal.
// The torch backend is TorchSharp-cpu unless the environment says TorchBackend=cuda.
//
//   dotnet run lessons/04-reward-hacking.cs                      quick (the default): writes lessons/out/04-reward-hacking.html
//   dotnet run lessons/04-reward-hacking.cs -- --full --out DIR  the notebook's full budgets, another folder
#:project LessonPage/LessonPage.csproj
#:property Configuration=Release
#:property UsesTorchBackend=true
using Blend;
using Blend.Interactive;
using Blend.Lessons;

var page = LessonPage.Start("04 · Reward hacking: PPO vs CGPO on a biased reward", args);
bool quick = page.Quick;
int seed = page.UseTorch(11);
var chat = PromptSet.Load(page.Data("tasks/chat.train.jsonl")).Take(quick ? 8 : 120);
var codec = TextCodec.Cl100k().Compact(chat.Select(p => p.Text).Concat(chat.Responses.Where(r => r is not null).Select(r => r!)));
using var start = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 96, ValueHead = true }, seed);
page.Show("Supervised start", Sft.Train(start, chat, options: new SftOptions { Steps = quick ? 2 : 100, BatchSize = quick ? 4 : 16, LearningRate = 3e-3, WarmupSteps = 2, EvalEvery = 0, Seed = seed }));

// The biased reward (friendliness plus a bonus per word) and the judge (a word limit).
var biased = Reward.Biased(Reward.Friendliness(), lengthBonus: 0.05);
var wordLimit = Judge.Length(maxWords: 8);
page.Show("The biased reward", biased);

// Two runs from the same start with the same seed: PPO without judges, CGPO (CRPG + the word limit).
CgpoResult Train(Func<CgpoTask, CgpoTask> setup) =>
    Cgpo.Create(start.Clone(), reference: start, seed: seed)
        .Task("chat", t => setup(t.Prompts(chat).Reward(biased).PromptsPerStep(quick ? 1 : 8)))
        .Sampling(maxNewTokens: quick ? 8 : 24)
        .LearningRate(2e-3)
        .Steps(quick ? 2 : 40)
        .Train();
var ppo = page.Show("PPO (no judges)", Train(t => t.Judges(Judge.From("always", _ => true)).Optimizer(new PpoOptions { SamplesPerPrompt = 2 })));
var cgpo = page.Show("CGPO (CRPG + word limit)", Train(t => t.Judges(wordLimit).Optimizer(new CrpgOptions { SamplesPerPrompt = 2, KlMax = 8 })));

// Side by side: response length and KL, and the rewards, per step.
var both = ppo.Metrics.Select(m => m with { Task = "PPO (no judges)" })
    .Concat(cgpo.Metrics.Select(m => m with { Task = "CGPO (CRPG + word limit)" })).ToList();
page.Show("KL and length", TrainingCharts.KlAndLength(both));
page.Show("Rewards", TrainingCharts.Rewards(both));
page.Save("04-reward-hacking");
