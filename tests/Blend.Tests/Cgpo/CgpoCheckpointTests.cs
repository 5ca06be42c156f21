namespace Blend.Tests.Cgpo;

[Collection("Torch")]
public class CgpoCheckpointTests
{
    internal static CgpoRun Run(Blend.Policy policy) =>
        global::Blend.Cgpo.Create(policy, seed: 11)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(CgpoFixture.Digits).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Task("chat", t => t.Prompts(CgpoFixture.ChatPrompts()).Judges(CgpoFixture.NoQuestion).Reward(CgpoFixture.Letters).Optimizer(new CrraftOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 6)
            .LearningRate(2e-3);

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_same_numbers_as_an_uninterrupted_run()
    {
        var dir = CgpoFixture.TempDir();
        try
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            var straight = Run(policy).Steps(4).Train();
            var first = Run(policy).Steps(2).Checkpoints(dir, every: 1).Train();
            // transformers' Trainer layout: the policy at the top (it loads as a policy), the trainer state and AdamW's tensors beside it
            Assert.True(File.Exists(Path.Combine(dir, "trainer_state.json")));
            Assert.True(File.Exists(Path.Combine(dir, "optimizer.safetensors")));
            Assert.False(File.Exists(Path.Combine(dir, "optimizer.bin")));
            using (var optimizer = SafetensorsFile.Open(Path.Combine(dir, "optimizer.safetensors")))
                Assert.Contains("wte.weight.exp_avg_sq", optimizer.Names);
            using (var saved = Blend.Policy.Load(dir)) Assert.Equal(first.Policy.Config, saved.Config);
            var resumed = Run(policy).Steps(4).ResumeFrom(dir).Train();

            Assert.Equal(straight.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Select(CgpoTrainerTests.Numbers));
            Assert.Equal(first.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Take(4).Select(CgpoTrainerTests.Numbers));
            var a = straight.Policy.Model.state_dict();
            var b = resumed.Policy.Model.state_dict();
            Assert.Equal(a.Keys, b.Keys);
            Assert.All(a.Keys, k => Assert.True(a[k].allclose(b[k], 0, 0), $"parameter {k} differs after resume"));
            // and training really moved the weights (the comparison above is not between two untouched copies)
            var start = policy.Model.state_dict();
            Assert.Contains(a.Keys, k => !a[k].allclose(start[k], 0, 0));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    // A reward whose running normalization is state: a fresh Welford normalizer per run, shared by both tasks' mixtures.
    static CgpoRun NormalizedRun(Blend.Policy policy)
    {
        var mix = RewardMixture.Create().Add("digits", CgpoFixture.Digits).Add("letters", CgpoFixture.Letters, 0.5).Normalize();
        return global::Blend.Cgpo.Create(policy, seed: 11)
            .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Judges(CgpoFixture.Short()).Reward(mix).Optimizer(new CrpgOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Task("chat", t => t.Prompts(CgpoFixture.ChatPrompts()).Judges(CgpoFixture.NoQuestion).Reward(mix.Named("chat-mix")).Optimizer(new CrraftOptions { SamplesPerPrompt = 2 }).PromptsPerStep(2))
            .Sampling(maxNewTokens: 6)
            .LearningRate(2e-3);
    }

    [Fact]
    public void A_run_whose_reward_normalizes_with_running_statistics_resumes_exactly()
    {
        var dir = CgpoFixture.TempDir();
        try
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            var straight = NormalizedRun(policy).Steps(4).Train();
            NormalizedRun(policy).Steps(2).Checkpoints(dir, every: 1).Train();
            // The normalizer's statistics and the baselines ā scored so far travel in the checkpoint.
            Assert.True(File.Exists(Path.Combine(dir, "reward_normalizers.json")));
            Assert.True(File.Exists(Path.Combine(dir, "baselines.json")));
            var resumed = NormalizedRun(policy).Steps(4).ResumeFrom(dir).Train();
            Assert.Equal(straight.Metrics.Select(CgpoTrainerTests.Numbers), resumed.Metrics.Select(CgpoTrainerTests.Numbers));
            var a = straight.Policy.Model.state_dict();
            var b = resumed.Policy.Model.state_dict();
            Assert.All(a.Keys, k => Assert.True(a[k].allclose(b[k], 0, 0), $"parameter {k} differs after resume"));
            // A run with another reward layout (no normalizer) refuses the checkpoint's statistics by field.
            var e = Assert.Throws<InvalidOperationException>(() => Run(policy).Steps(4).ResumeFrom(dir).Train());
            Assert.Contains("reward_normalizers.json", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Resuming_with_another_seed_or_other_tasks_is_refused()
    {
        var dir = CgpoFixture.TempDir();
        try
        {
            using var policy = CgpoFixture.Policy(seed: 5);
            Run(policy).Steps(1).Checkpoints(dir, every: 1).Train();
            var seed = Assert.Throws<InvalidOperationException>(() => global::Blend.Cgpo.Create(policy, seed: 12)
                .Task("math", t => t.Prompts(CgpoFixture.MathPrompts()).Reward(CgpoFixture.Digits).Optimizer(new CrpgOptions()))
                .Task("chat", t => t.Prompts(CgpoFixture.ChatPrompts()).Reward(CgpoFixture.Letters).Optimizer(new CrpgOptions()))
                .Steps(2).ResumeFrom(dir).Train());
            Assert.Contains("seed 11", seed.Message, StringComparison.Ordinal);
            var tasks = Assert.Throws<InvalidOperationException>(() => Run(policy).Task("extra", t => t
                .Prompts(CgpoFixture.ChatPrompts()).Reward(CgpoFixture.Letters).Optimizer(new CrpgOptions())).Steps(2).ResumeFrom(dir).Train());
            Assert.Contains("extra", tasks.Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => Run(policy).Steps(2).ResumeFrom(dir + "-missing").Train());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
