using System.Globalization;

namespace Blend.Tests.Cgpo;

/// <summary>Multi-epoch updates in the loop: E = M = 1 is the single-update path, E &gt; 1 makes the clip act, the KL early stop.</summary>
[Collection("Torch")]
public class MultiEpochTests
{
    // Made by the single-update trainer of main at 4cafd00 (one rollout scored with gradient, π_old = its detached copy, one
    // AdamW step per CGPO step): optimizer, step, task, reward, KL, loss, gradient norm; seed 7, lr 1e-3, 3 steps, chat on GRPO.
    static readonly string[] SingleUpdatePath =
    [
        "crpg 1 math 0.05133928571428571 0 -0.33026111125946045 5.429482936859131",
        "crpg 1 chat 0.39642857142857135 0 1.4901161193847656E-08 5.429482936859131",
        "crpg 2 math 0.07142857142857142 -0.052702903747558594 -0.01525387167930603 1.0680205821990967",
        "crpg 2 chat 0.44345238095238093 0.10754203796386719 0.0001150369644165039 1.0680205821990967",
        "crpg 3 math 0.10256410256410256 -0.49899113178253174 -0.591030478477478 4.69560432434082",
        "crpg 3 chat 0.38119658119658123 0.35608577728271484 0.00044693052768707275 4.69560432434082",
        "crraft 1 math 0.05133928571428571 0 14.914134979248047 18.991212844848633",
        "crraft 1 chat 0.39642857142857135 0 1.4901161193847656E-08 18.991212844848633",
        "crraft 2 math 0.07142857142857142 -0.10546302795410156 14.880992889404297 17.40606117248535",
        "crraft 2 chat 0.44345238095238093 0.021843433380126953 0.00014778971672058105 17.40606117248535",
        "crraft 3 math 0.10256410256410256 -0.2880594730377197 15.261826515197754 13.277033805847168",
        "crraft 3 chat 0.38119658119658123 0.3159751892089844 0.0004154890775680542 13.277033805847168",
        "codpo 1 math 0.05133928571428571 0 3.093756914138794 5.16722297668457",
        "codpo 1 chat 0.39642857142857135 0 1.4901161193847656E-08 5.16722297668457",
        "codpo 2 math 0.07142857142857142 0.004496574401855469 3.0093648433685303 4.578643321990967",
        "codpo 2 chat 0.44345238095238093 -0.017707347869873047 0.00013901293277740479 4.578643321990967",
        "codpo 3 math 0.10256410256410256 -0.3402818441390991 3.050408363342285 3.790914297103882",
        "codpo 3 chat 0.38119658119658123 0.5216679573059082 0.0004821568727493286 3.790914297103882",
        "ppo 1 math 0.05133928571428571 0 0.0002728584222495556 4.239355087280273",
        "ppo 1 chat 0.39642857142857135 0 1.4901161193847656E-08 4.239355087280273",
        "ppo 2 math 0.07142857142857142 -0.05219745635986328 0.0007052139844745398 3.8547215461730957",
        "ppo 2 chat 0.44345238095238093 -0.07608985900878906 0.00010627508163452148 3.8547215461730957",
        "ppo 3 math 0.08333333333333333 -0.22138965129852295 0.0010981993982568383 3.9129350185394287",
        "ppo 3 chat 0.38119658119658123 0.3804311752319336 0.0005454421043395996 3.9129350185394287",
        "grpo 1 math 0.05133928571428571 0 -2.980232238769531E-08 3.1524744033813477",
        "grpo 1 chat 0.39642857142857135 0 1.4901161193847656E-08 3.1524744033813477",
        "grpo 2 math 0.07142857142857142 -0.09323835372924805 0.0002887845039367676 2.0809125900268555",
        "grpo 2 chat 0.44345238095238093 -0.2632007598876953 0.0002164393663406372 2.0809125900268555",
        "grpo 3 math 0.04423076923076923 0.12202906608581543 0.00019096056348644197 2.0637588500976562",
        "grpo 3 chat 0.38119658119658123 0.31961631774902344 0.0005400925874710083 2.0637588500976562",
        "rloo 1 math 0.05133928571428571 0 0.5000684261322021 2.589539051055908",
        "rloo 1 chat 0.39642857142857135 0 1.4901161193847656E-08 2.589539051055908",
        "rloo 2 math 0.07142857142857142 -0.051445960998535156 -0.10068261623382568 4.462263107299805",
        "rloo 2 chat 0.44345238095238093 -0.16935157775878906 0.00015912950038909912 4.462263107299805",
        "rloo 3 math 0.10256410256410256 -0.074424147605896 0.054106250405311584 3.8925986289978027",
        "rloo 3 chat 0.38119658119658123 0.4686465263366699 0.0007205605506896973 3.8925986289978027",
        "online-dpo 1 math 0.05133928571428571 0 0.6931471824645996 2.49277925491333",
        "online-dpo 1 chat 0.39642857142857135 0 1.4901161193847656E-08 2.49277925491333",
        "online-dpo 2 math 0.07142857142857142 -0.10528039932250977 0.3545350432395935 1.860088586807251",
        "online-dpo 2 chat 0.44345238095238093 -0.19168615341186523 0.00015516579151153564 1.860088586807251",
        "online-dpo 3 math 0.04423076923076923 0.09466934204101562 0.34888651967048645 1.8312876224517822",
        "online-dpo 3 chat 0.38119658119658123 0.3380270004272461 0.0006950646638870239 1.8312876224517822",
    ];

    [Fact]
    public void One_epoch_and_one_minibatch_reproduce_the_single_update_path()
    {
        foreach (var group in SingleUpdatePath.Select(l => l.Split(' ')).GroupBy(f => f[0]))
        {
            using var policy = CgpoFixture.Policy();
            var result = CgpoFixture.TwoTasks(policy, CgpoFixture.Options(group.Key), new GrpoOptions { SamplesPerPrompt = 2 }).LearningRate(1e-3).Steps(3).Train();
            var expected = group.ToList();
            Assert.Equal(expected.Count, result.Metrics.Count);
            foreach (var (m, e) in result.Metrics.Zip(expected))
            {
                Assert.Equal((int.Parse(e[1], CultureInfo.InvariantCulture), e[2]), (m.Step, m.Task));
                double[] want = [.. e.Skip(3).Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
                double[] got = [m.Reward, m.Kl, m.Loss, m.GradNorm];
                for (int i = 0; i < want.Length; i++)
                    Assert.True(Math.Abs(want[i] - got[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"{group.Key} step {m.Step} {m.Task} field {i}: expected {want[i]:R}, got {got[i]:R}");
                Assert.Equal(1, m.Updates);
                Assert.Equal(0, m.ApproxKl, 12);
            }
        }
    }

    [Theory]
    [InlineData("ppo")]
    [InlineData("grpo")]
    public void With_several_epochs_some_ratios_are_clipped_and_with_one_none_is(string name)
    {
        OptimizerOptions With(int epochs) => name == "ppo"
            ? new PpoOptions { SamplesPerPrompt = 2, Epochs = epochs }
            : new GrpoOptions { SamplesPerPrompt = 2, Epochs = epochs };
        using var policy = CgpoFixture.Policy();
        var one = CgpoFixture.TwoTasks(policy, With(1), new CrraftOptions { SamplesPerPrompt = 2 }).LearningRate(3e-3).Steps(3).Train().ForTask("math");
        Assert.All(one, m => Assert.Equal((1, 0.0, 0.0), (m.Updates, m.ClipFraction, m.ApproxKl)));
        var four = CgpoFixture.TwoTasks(policy, With(4), new CrraftOptions { SamplesPerPrompt = 2 }).LearningRate(3e-3).Steps(3).Train().ForTask("math");
        Assert.All(four, m => Assert.Equal(4, m.Updates));
        Assert.All(four, m => Assert.Equal([1, 2, 3, 4], m.Epochs.Select(e => e.Epoch)));
        Assert.Contains(four, m => m.ClipFraction > 0);
        // the first update of each step sees π_w = π_old (ratio 1, KL 0); later epochs have moved
        Assert.All(four, m => Assert.Equal(0, m.Epochs[0].ApproxKl, 9));
        Assert.All(four, m => Assert.True(m.Epochs[^1].ApproxKl > 0, $"step {m.Step}: KL of the last epoch {m.Epochs[^1].ApproxKl}"));
    }

    [Fact]
    public void Each_update_sums_the_tasks_with_updates_left_and_minibatches_split_the_prompts()
    {
        using var policy = CgpoFixture.Policy();
        var result = CgpoFixture.TwoTasks(policy, new GrpoOptions { SamplesPerPrompt = 2, Epochs = 3, MiniBatches = 2 }, new CrraftOptions { SamplesPerPrompt = 2 })
            .LearningRate(1e-3).Steps(2).Train();
        Assert.All(result.ForTask("math"), m => Assert.Equal((6, 3), (m.Updates, m.Epochs.Count)));
        Assert.All(result.ForTask("math"), m => Assert.All(m.Epochs, e => Assert.Equal(2, e.Updates)));
        Assert.All(result.ForTask("chat"), m => Assert.Equal(1, m.Updates));
        // the second minibatch of the first epoch already sees weights moved by the first
        Assert.All(result.ForTask("math"), m => Assert.True(m.Epochs[0].ApproxKl > 0));
    }

    [Fact]
    public void The_kl_early_stop_skips_the_remaining_updates_of_the_step()
    {
        using var policy = CgpoFixture.Policy();
        var result = CgpoFixture.TwoTasks(policy, new PpoOptions { SamplesPerPrompt = 2, Epochs = 6, TargetKl = 1e-7 }, new CrraftOptions { SamplesPerPrompt = 2 })
            .LearningRate(3e-3).Steps(2).Train().ForTask("math");
        Assert.All(result, m => Assert.True(m.StoppedEarly && m.Updates is >= 1 and < 6, $"step {m.Step}: {m.Updates} updates, stopped {m.StoppedEarly}"));
    }

    [Fact]
    public void The_learning_rate_follows_the_runs_schedule()
    {
        using var policy = CgpoFixture.Policy();
        var result = CgpoFixture.TwoTasks(policy, new GrpoOptions { SamplesPerPrompt = 2 }, new CrraftOptions { SamplesPerPrompt = 2 })
            .LearningRate(1e-3, LearningRateSchedule.Cosine(warmupSteps: 2, minLearningRate: 1e-4)).Steps(4).Train().ForTask("math");
        // warmup 5e-4, 1e-3; then cosine over the 2 remaining steps: 1e-4 + ½·9e-4·(1 + cos(π/2)) = 5.5e-4, then 1e-4
        Close([5e-4, 1e-3, 5.5e-4, 1e-4], [.. result.Select(m => m.LearningRate)]);
    }

    [Fact]
    public void On_policy_estimators_refuse_several_epochs_and_minibatches_must_hold_whole_prompts()
    {
        using var policy = CgpoFixture.Policy();
        var crpg = Assert.Throws<ArgumentException>(() => CgpoFixture.TwoTasks(policy, new CrpgOptions { Epochs = 2 }, new CrraftOptions()).Steps(1).Train());
        Assert.Contains("Epochs must be 1", crpg.Message, StringComparison.Ordinal);
        var split = Assert.Throws<ArgumentException>(() => CgpoFixture.TwoTasks(policy, new GrpoOptions { MiniBatches = 3 }, new CrraftOptions()).Steps(1).Train());
        Assert.Contains("MiniBatches (3)", split.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Re_scoring_a_rollout_sampled_without_gradient_gives_the_single_update_paths_loss_and_gradient()
    {
        using var policy = CgpoFixture.Policy();
        var prompts = CgpoFixture.MathPrompts(3).ToList();
        var generation = new GenerationOptions { MaxNewTokens = 5, Seed = 3 };
        var results = new List<(double Loss, double[] Grad)>();
        foreach (var scoring in new[] { PolicyScoring.Gradient, PolicyScoring.Sampling })
        {
            policy.Model.zero_grad();
            var rollout = Rollout.Of(policy).Reference(policy).Reward(CgpoFixture.Digits).Scoring(scoring).Generate(prompts, 2, generation);
            Func<RolloutBatch, PolicyLoss> objective;
            using (TorchSharp.torch.no_grad()) objective = new GrpoOptions { Beta = 0.1 }.Objective(rollout);
            var loss = objective(rollout.Minibatch([0, 1, 2], policy)).Loss;
            loss.backward();
            var grad = policy.Model.parameters().First(p => p.grad is not null).grad!;
            results.Add((loss.item<float>(), grad.reshape(-1).to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray()));
        }
        Assert.Equal(results[0].Loss, results[1].Loss, 7);
        Assert.Equal(results[0].Grad.Length, results[1].Grad.Length);
        Assert.All(results[0].Grad.Zip(results[1].Grad), g => Assert.True(Math.Abs(g.First - g.Second) <= 1e-7, $"{g.First} vs {g.Second}"));
    }

    static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-12, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }
}
