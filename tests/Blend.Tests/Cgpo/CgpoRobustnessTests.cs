using TorchSharp;

namespace Blend.Tests.Cgpo;

[Collection("Torch")]
public class CgpoRobustnessTests
{
    static CgpoRun Math(Blend.Policy policy, Func<CgpoTask, CgpoTask>? more = null) =>
        global::Blend.Cgpo.Create(policy, seed: 3)
            .Task("math", t => (more ?? (x => x))(t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits)
                .Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2)))
            .Sampling(maxNewTokens: 4)
            .Steps(1);

    [Fact]
    public void Missing_parts_are_named_by_train()
    {
        using var policy = CgpoFixture.Policy();
        var none = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy).Train());
        Assert.Contains("no task", none.Message, StringComparison.Ordinal);
        var noPrompts = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy).Task("math", t => t.Reward(CgpoFixture.Digits).Optimizer(new CrpgOptions())).Train());
        Assert.Contains("Task 'math': no prompts", noPrompts.Message, StringComparison.Ordinal);
        var noReward = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy).Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Optimizer(new CrpgOptions())).Train());
        Assert.Contains("Task 'math': no reward model", noReward.Message, StringComparison.Ordinal);
        var noOptimizer = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy).Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Reward(CgpoFixture.Digits)).Train());
        Assert.Contains("Task 'math': no optimizer", noOptimizer.Message, StringComparison.Ordinal);
        var noPairs = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy).Task("math", t => t.Optimizer(new DpoOptions())).Train());
        Assert.Contains("preference pairs", noPairs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_with_no_prompts_is_a_clear_error()
    {
        using var policy = CgpoFixture.Policy();
        var empty = Assert.Throws<InvalidOperationException>(() => Math(policy, t => t.Prompts(new PromptSet([]))).Train());
        Assert.Contains("Task 'math'", empty.Message, StringComparison.Ordinal);
        Assert.Contains("no prompt for this task", empty.Message, StringComparison.Ordinal);
        // a mixed set without any item of this task is refused too, naming the tasks it holds
        var other = Assert.Throws<InvalidOperationException>(() => Math(policy, t => t.Prompts(CgpoFixture.ChatPrompts().Concat(new PromptSet([new PromptItem("x", "safety", "no")])))).Train());
        Assert.Contains("chat, safety", other.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("codpo")]
    [InlineData("grpo")]
    [InlineData("rloo")]
    [InlineData("online-dpo")]
    public void K_of_one_for_an_optimizer_that_compares_responses_is_refused(string name)
    {
        using var policy = CgpoFixture.Policy();
        OptimizerOptions options = name switch
        {
            "codpo" => new CodpoOptions { SamplesPerPrompt = 1 },
            "grpo" => new GrpoOptions { SamplesPerPrompt = 1 },
            "rloo" => new RlooOptions { SamplesPerPrompt = 1 },
            _ => new OnlineDpoOptions { SamplesPerPrompt = 1 },
        };
        var e = Assert.Throws<ArgumentException>(() => Math(policy, t => t.Optimizer(options)).Train());
        Assert.Contains("Task 'math'", e.Message, StringComparison.Ordinal);
        Assert.Contains("K) ≥ 2; got 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_hyperparameters_name_the_task_and_field()
    {
        using var policy = CgpoFixture.Policy();
        var kl = Assert.Throws<ArgumentException>(() => Math(policy, t => t.Optimizer(new CrpgOptions { KlMax = 0 })).Train());
        Assert.Contains("KlMax", kl.Message, StringComparison.Ordinal);
        var rho = Assert.Throws<ArgumentException>(() => Math(policy, t => t.Weight(double.NaN)).Train());
        Assert.Contains("Weight (ρ)", rho.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_judge_that_throws_gives_error_verdicts_counted_apart_and_training_goes_on()
    {
        using var policy = CgpoFixture.Policy();
        var result = Math(policy, t => t.Judges(CgpoFixture.Short(100), new ThrowingJudge())).Train();
        var m = Assert.Single(result.Metrics);
        Assert.Equal(4, m.JudgeErrors);
        Assert.Equal(0, m.PassRate);  // an error is a violation
        Assert.Equal(new JudgePassRate("throws", 0, 4), m.Judges[1]);
        Assert.Equal(1, m.Judges[0].PassRate);
        Assert.Equal(0, m.Judges[0].Errors);
    }

    [Fact]
    public void A_reward_that_returns_nan_stops_the_run_naming_task_and_sample_before_any_update()
    {
        using var policy = CgpoFixture.Policy();
        var nan = Reward.From("flaky", s => s.Response.Length >= 0 && s.Id == "m3" ? double.NaN : 0.5);
        var run = global::Blend.Cgpo.Create(policy, seed: 3)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts(4)).Reward(nan).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(4))
            .Sampling(maxNewTokens: 4).Steps(1);
        var e = Assert.Throws<InvalidOperationException>(() => run.Train());
        Assert.Contains("Task 'math'", e.Message, StringComparison.Ordinal);
        Assert.Contains("reward 'flaky' returned NaN", e.Message, StringComparison.Ordinal);
        Assert.Contains("prompt 'm3'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_responses_are_judged_and_scored_like_any_other()
    {
        using var policy = CgpoFixture.Policy();
        using (torch.no_grad()) policy.Model.state_dict()["wte.weight"][policy.Codec.Eos].mul_(60); // EOS first, almost always
        var seen = new List<string>();
        var judge = new FuncJudge("seen", s => { seen.Add(s.Response); return true; });
        var result = Math(policy, t => t.Judges(judge).Optimizer(new CodpoOptions { SamplesPerPrompt = 2 })).Train();
        Assert.Contains("", seen);
        var m = Assert.Single(result.Metrics);
        Assert.True(double.IsFinite(m.Loss));
        Assert.True(m.Length >= 1); // the EOS token is the response's one token
    }

    sealed class ThrowingJudge : IJudge
    {
        public string Name => "throws";

        public IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples) => throw new InvalidOperationException("boom");
    }
}
