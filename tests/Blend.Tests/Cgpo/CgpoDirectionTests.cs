using System.Globalization;
using Xunit.Abstractions;

namespace Blend.Tests.Cgpo;

/// <summary>
/// Acceptance of issue 6, at its full budget: on the synthetic multi-task suite, 60 CRPG steps from the tiny SFT policy
/// raise every task's mean calibrated reward on held-out prompts over the SFT policy, while no task's mixture pass rate
/// falls below the SFT policy's.
/// </summary>
/// <remarks>
/// Rewards: word-overlap F1 with the task's gold response (a stand-in for a helpfulness RM that knows good answers).
/// Judges per task (the library's): math — "The answer is N." format (Judge.Regex); instructions — Judge.IfEval; chat — no
/// false refusal and at most 20 words; safety — Judge.Refusal (refuses exactly when <c>should_refuse</c>). 16 prompts per
/// task and step; K = 8 for instructions (precise judge, ~40 % SFT pass rate: CGPO §1.9's larger K), 4 elsewhere.
/// Evaluation: up to 100 held-out prompts per task, 4 samples each, policy and SFT reference on the same seeds.
/// Measured on 3 seeds (3, 1, 2), every task rose on each; with 4 prompts per step instead of 16 the instructions task did
/// not (its judge-gated signal is too sparse at that batch), which is why the batch is 16.
/// </remarks>
[Collection("Torch")]
public class CgpoDirectionTests(ITestOutputHelper output)
{
    static readonly string[] Tasks = ["math", "instructions", "chat", "safety"];

    static IJudge[] JudgesFor(string task) => task switch
    {
        "math" => [Judge.Regex(@"^The answer is -?\d+\.$", name: "answer-format")],
        "instructions" => [Judge.IfEval()],
        "chat" => [Judge.NoFalseRefusal(), Judge.Length(maxWords: 20)],
        _ => [Judge.Refusal()],
    };

    const int Steps = 60;

    [Fact]
    public void Crpg_raises_calibrated_reward_over_the_sft_policy_without_losing_pass_rate()
    {
        var sft = TinySft.Policy;
        output.WriteLine($"tiny SFT: {TinySft.Seconds:F1} s wall, {TinySft.CpuSeconds:F1} s CPU, loss {TinySft.FirstLoss:F3} → {TinySft.LastLoss:F3}");
        var run = global::Blend.Cgpo.Create(sft, seed: 3).Sampling(maxNewTokens: 32).LearningRate(1e-3).EvalSamplesPerPrompt(4).Steps(Steps);
        foreach (var task in Tasks)
        {
            var train = TinySft.Train(task);
            var test = TinySft.Test(task).Take(100);
            var gold = train.Concat(test).Select((item, i) => (item.Text, Gold: i < train.Count ? train.Responses[i] : test.Responses[i - train.Count]))
                .GroupBy(p => p.Text).ToDictionary(g => g.Key, g => g.First().Gold!);
            run = run.Task(task, t => t.Prompts(train).EvalPrompts(test).Judges(JudgesFor(task)).Reward(Reward.GoldOverlap(s => gold[s.Prompt]))
                .Optimizer(new CrpgOptions { SamplesPerPrompt = task == "instructions" ? 8 : 4, KlMax = task is "math" or "instructions" ? 8 : 4 }).PromptsPerStep(16));
        }
        var result = Report(run);
        foreach (var e in result.Evaluation!.Tasks)
        {
            Assert.True(e.PassRate >= e.ReferencePassRate, $"{e.Task}: pass rate {e.PassRate:F3} fell below SFT's {e.ReferencePassRate:F3}");
            Assert.True(e.CalibratedReward > e.ReferenceCalibratedReward, $"{e.Task}: calibrated reward {e.CalibratedReward:F4} did not rise over SFT's {e.ReferenceCalibratedReward:F4}");
        }
    }

    CgpoResult Report(CgpoRun run)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var result = run.Train();
        var cpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        output.WriteLine($"CRPG to step {result.Steps}: {result.Seconds:F1} s wall, {cpuSeconds:F1} s CPU (including both evaluations)");
        foreach (var step in result.Metrics.Select(m => m.Step).Distinct().Where(s => s <= 2 || s == result.Steps))
        {
            var rows = result.Metrics.Where(m => m.Step == step).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {step} phases (s, 4 tasks): generate {rows.Sum(m => m.GenerateSeconds):F3}, judge {rows.Sum(m => m.JudgeSeconds):F3}, score {rows.Sum(m => m.ScoreSeconds):F3}, update {rows.Sum(m => m.UpdateSeconds):F3}"));
        }
        foreach (var m in result.Metrics.Where(m => m.Step == 1 || m.Step == result.Steps))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {m.Step} {m.Task}: R {m.Reward:F3} Rcal {m.CalibratedReward:F3} pass {m.PassRate:F3} kl {m.Kl:F2} len {m.Length:F1} loss {m.Loss:F4}"));
        foreach (var e in result.Evaluation!.Tasks)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"eval@{result.Steps} {e.Task}: Rcal {e.ReferenceCalibratedReward:F4} → {e.CalibratedReward:F4}, R {e.ReferenceReward:F3} → {e.Reward:F3}, pass {e.ReferencePassRate:F3} → {e.PassRate:F3}, win {e.WinRate:F3}"));
        return result;
    }
}
