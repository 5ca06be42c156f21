// Lesson 05 · Rewarded soups and the Pareto front — notebooks/05-rewarded-soups.ipynb as a .NET 10 file-based app.
// Every stage the notebook renders goes into one offline HTML page (plotly.js inlined once), and as text to the terminal.
// The torch backend is TorchSharp-cpu unless the environment says TorchBackend=cuda.
//
//   dotnet run lessons/05-rewarded-soups.cs                      quick (the default): writes lessons/out/05-rewarded-soups.html
//   dotnet run lessons/05-rewarded-soups.cs -- --full --out DIR  the notebook's full budgets, another folder
#:project LessonPage/LessonPage.csproj
#:property Configuration=Release
#:property UsesTorchBackend=true
using Blend;
using Blend.Interactive;
using Blend.Lessons;

var page = LessonPage.Start("05 · Rewarded soups and the Pareto front", args);
bool quick = page.Quick;
int seed = page.UseTorch(5);

// Two conflicting rewards: the share of vowels and the share of digits in a response (R₁ + R₂ ≤ 1).
IRewardModel Share(string name, string chars) =>
    Reward.From(name, s => s.Response.Length == 0 ? 0.0 : s.Response.Count(chars.Contains) / (double)s.Response.Length);
var vowels = Share("vowels", "aeiouAEIOU");
var digits = Share("digits", "0123456789");
var prompts = PromptSet.Load(page.Data("tasks/chat.train.jsonl")).Take(quick ? 6 : 24);
var codec = TextCodec.Cl100k().Compact(prompts.Select(p => p.Text).Append("aeiou AEIOU 0123456789 the answer is"));
using var init = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 64 }, seed);
page.Show("The shared start", init);

// One expert per reward: a short policy-gradient fine-tune with a KL penalty to the start.
var options = new ExpertTrainingOptions { Steps = quick ? 3 : 20, PromptsPerStep = quick ? 3 : 6, SamplesPerPrompt = quick ? 2 : 4, MaxNewTokens = 6, LearningRate = 1e-2, Beta = 0.02, Seed = 1 };
using var vowelExpert = page.Show("Vowel expert", ExpertTraining.FineTune(init, vowels, prompts, options));
using var digitExpert = page.Show("Digit expert", ExpertTraining.FineTune(init, digits, prompts, options));

// The soup sweep over λ and its Pareto front.
var sweep = page.Show("Soup sweep", Soup.Of(vowelExpert.Policy, digitExpert.Policy).Named("vowels", "digits")
    .Method(Merge.Linear())
    .Lambdas(Lambda.Grid(steps: quick ? 5 : 11))
    .Objective(vowels)
    .Objective(digits)
    .Generation(new GenerationOptions { MaxNewTokens = 6 })
    .SamplesPerPrompt(quick ? 2 : 8)
    .WithSeed(seed)
    .Sweep(prompts));

// The MORL baseline: one RL run per preference μ on Σ μᵢ Rᵢ.
var morl = Soup.Of(vowelExpert.Policy, digitExpert.Policy).Named("vowels", "digits")
    .Objective(vowels).Objective(digits)
    .Generation(new GenerationOptions { MaxNewTokens = 6 })
    .SamplesPerPrompt(quick ? 2 : 8)
    .WithSeed(seed)
    .Morl(init, Lambda.Grid(steps: quick ? 3 : 5), prompts, prompts, options);
page.Show("Soups vs MORL", ParetoCharts.Front(sweep, morl));
page.Show("Hypervolumes", $"rewarded soups: {sweep.Hypervolume:0.####} from {sweep.TrainingRuns} training runs; MORL: {morl.Hypervolume(sweep.HypervolumeReference):0.####} from {morl.TrainingRuns}");
page.Show("The sweep as a Deedle frame", sweep.Frame);
page.Save("05-rewarded-soups");
