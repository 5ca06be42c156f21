using System.Diagnostics;

namespace Blend.Cli.Repro;

/// <summary>
/// The rewarded-soups experiment (docs/experiments.md#soups-experiment; Ramé et al. 2023): from one SFT init per seed, fine-tune one expert
/// for brevity and one for detail (two conflicting rewards on the chat prompts), interpolate their weights over λ, and
/// compare the soup front with MORL policies trained on weighted rewards; check the interpolation path for a barrier, and
/// repeat the interpolation with experts fine-tuned from two different SFT seeds (the negative control).
/// </summary>
public static class SoupsExperiment
{
    /// <summary>Runs every seed; <paramref name="log"/> receives one line per stage.</summary>
    /// <param name="tasksDir">The folder with <c>chat.{train,test}.jsonl</c> (the repo's <c>data/tasks</c>).</param>
    /// <param name="options">Budgets (default <see cref="SoupsExperimentOptions"/>).</param>
    /// <param name="log">Progress lines, or null.</param>
    public static SoupsExperimentResult Run(string tasksDir, SoupsExperimentOptions? options = null, IProgress<string>? log = null)
    {
        var o = options ?? new SoupsExperimentOptions();
        var clock = Stopwatch.StartNew();
        var train = SyntheticTasks.LoadShipped(tasksDir, "train", ["chat"]);
        var test = SyntheticTasks.LoadShipped(tasksDir, "test", ["chat"]);
        var codec = TextCodec.Cl100k().Compact(train.Select(i => i.Text).Concat(train.Responses.OfType<string>())
            .Concat(test.Select(i => i.Text)).Concat(test.Responses.OfType<string>()));
        var brevity = Reward.Brevity(maxWords: 24);
        var detail = Reward.Detail(targetDistinctWords: 12);
        var eval = test.Take(o.EvalPrompts);
        var reference = new double[] { 0, 0 };
        var seeds = new List<SoupsSeedResult>();

        for (int seed = o.FirstSeed; seed < o.FirstSeed + o.Seeds; seed++)
        {
            using var sft = TrainSft(codec, train, test, seed, o);
            var training = o.Training with { Seed = seed };
            using var e1 = ExpertTraining.FineTune(sft, brevity, train, training);
            using var e2 = ExpertTraining.FineTune(sft, detail, train, training);
            log?.Report($"seed {seed}: experts trained ({clock.Elapsed.TotalSeconds:F0} s)");
            Soup SoupOf(Policy detailExpert, string detailName) => Soup.Of(e1.Policy, detailExpert).Named("brevity-expert", detailName)
                .Objective(brevity).Objective(detail).Lambdas(Lambda.Grid(o.SoupLambdas))
                .Generation(new GenerationOptions { MaxNewTokens = training.MaxNewTokens }).SamplesPerPrompt(o.SamplesPerPrompt)
                .WithSeed(seed).HypervolumePoint(reference).Loss(eval);
            var soup = SoupOf(e2.Policy, "detail-expert");
            var path = soup.Path(eval);
            var morl = soup.Morl(sft, Lambda.Grid(o.MorlPreferences), train, eval, training);
            log?.Report($"seed {seed}: soup HV {path.Sweep.Hypervolume:F4}, MORL HV {morl.Hypervolume(reference):F4} ({clock.Elapsed.TotalSeconds:F0} s)");

            InterpolationPath? control = null;
            if (o.Control)
            {
                using var other = TrainSft(codec, train, test, seed + 1000, o);
                using var c2 = ExpertTraining.FineTune(other, detail, train, training);
                control = SoupOf(c2.Policy, "detail-expert (other init)").Path(eval);
                log?.Report($"seed {seed}: control path min averaged gap {SoupsSeedResult.MinAveragedGap(control):F4}");
            }
            seeds.Add(new SoupsSeedResult(seed, path, morl, control));
        }
        return new SoupsExperimentResult(seeds, o, reference) { Seconds = clock.Elapsed.TotalSeconds };
    }

    static Policy TrainSft(TextCodec codec, PromptSet train, PromptSet test, int seed, SoupsExperimentOptions o)
    {
        var sft = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 96 }, seed);
        Sft.Train(sft, train, test, new SftOptions { Steps = o.SftSteps, BatchSize = 32, LearningRate = 3e-3, MinLearningRate = 3e-4, WarmupSteps = 20, EvalEvery = o.SftSteps, Seed = seed });
        return sft.Freeze();
    }
}
