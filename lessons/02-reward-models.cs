// Lesson 02 · Reward models and calibrated reward mixtures — notebooks/02-reward-models.ipynb as a .NET 10 file-based app.
// Every stage the notebook renders goes into one offline HTML page (plotly.js inlined once), and as text to the terminal.
//
//   dotnet run lessons/02-reward-models.cs                      quick (the default): writes lessons/out/02-reward-models.html
//   dotnet run lessons/02-reward-models.cs -- --full --out DIR  the notebook's full budgets, another folder
#:project LessonPage/LessonPage.csproj
#:property Configuration=Release
using Blend;
using Blend.Lessons;
using Plotly.NET.CSharp;

var page = LessonPage.Start("02 · Reward models and calibrated reward mixtures", args);
var pairs = PreferencePairs.Load(page.Data("preferences/chat.jsonl"));
var shown = pairs.Take(page.Quick ? 40 : pairs.Count).ToList();
page.Show($"{pairs.Count} hand-written preference pairs; using {shown.Count} (first 3 chosen)", shown.Take(3).Select(p => p.ChosenSample()).ToList());

// How good is a reward at predicting preferences? Right when r(chosen) > r(rejected); Bradley–Terry loss −log σ(Δr).
var candidates = new[] { Reward.Detail(), Reward.Brevity(maxWords: 40), Reward.Friendliness(), Reward.Length(targetWords: 40) };
var rows = candidates.Select(r =>
{
    var chosen = r.Score(shown.Select(p => p.ChosenSample()).ToList());
    var rejected = r.Score(shown.Select(p => p.RejectedSample()).ToList());
    double accuracy = chosen.Zip(rejected).Count(x => x.First > x.Second) / (double)shown.Count;
    return new { Reward = r.Name, Accuracy = Math.Round(accuracy, 3), BradleyTerryLoss = Math.Round(BradleyTerry.Loss(chosen, rejected), 4) };
}).ToList();
page.Show("Preference accuracy and Bradley–Terry loss", rows);
page.Show("Preference accuracy", Chart.Column<double, string, string>(rows.Select(r => r.Accuracy), Keys: rows.Select(r => r.Reward).ToArray(), Name: "preference accuracy"));

// A weighted mixture and its per-component breakdown.
var mixture = RewardMixture.Create("helpful")
    .Add("detail", Reward.Detail(), weight: 0.6)
    .Add("friendly", Reward.Friendliness(), weight: 0.3)
    .Add("brevity", Reward.Brevity(maxWords: 60), weight: 0.1);
page.Show("The mixture", mixture);
var responses = shown.Take(page.Quick ? 6 : 20).SelectMany(p => new[] { p.ChosenSample(), p.RejectedSample() }).ToList();
page.Show("Breakdown", mixture.Evaluate(responses));

// Calibration against a baseline: σ(r(s,a) − r(s,ā)), the rejected answer as ā.
var onePerPrompt = shown.DistinctBy(p => p.Id ?? p.Prompt).ToList();
var calibrated = Reward.Calibrated(mixture, onePerPrompt.Select(p => p.RejectedSample()));
var scores = calibrated.Score(onePerPrompt.Select(p => p.ChosenSample()).ToList());
page.Show($"Calibrated reward of the chosen answers: mean {scores.Average():0.###} (0.5 = no better than the baseline); first 10", scores.Take(10).Select(s => Math.Round(s, 3)).ToList());

// A biased reward: a length bonus makes the padded answer win (lesson 04 trains a policy on it).
var biased = Reward.Biased(Reward.Friendliness(), lengthBonus: 0.05);
var plain = new Sample("chat", "Say hello.", "Hello!");
var padded = new Sample("chat", "Say hello.", "Hello hello hello hello hello hello hello hello hello hello hello hello!");
page.Show("A biased reward", RewardMixture.Create("biased").Add("biased friendliness", biased).Evaluate([plain, padded]));
page.Save("02-reward-models");
