using System.Diagnostics;
using System.Globalization;
using Blend.DataGen;

namespace Blend.Cli.Repro;

/// <summary>
/// Reward hacking on a checkable task (docs/experiments.md#reward-hacking-on-math): a 4-layer math SFT policy, a proxy that is a
/// learned Bradley–Terry reward model trained on pairs labelled by a length-biased annotator, and PPO vs CRPG, CRRAFT and
/// CODPO (the CGPO arms with the exact-answer math judge) against it for the same budget; the gold metric is exact match.
/// </summary>
public static class MathHackingExperiment
{
    /// <summary>Runs every stage; the SFT policy is cached in <paramref name="outDir"/> (<see cref="MathSftCache"/>).</summary>
    /// <param name="tasksDir">The shipped task files (the codec covers them, as the SFT recipe's does).</param>
    /// <param name="outDir">The output folder (holds the cached SFT policy).</param>
    /// <param name="options">Budgets (default <see cref="MathHackingOptions"/>).</param>
    /// <param name="log">Progress lines, or null.</param>
    public static MathHackingResult Run(string tasksDir, string outDir, MathHackingOptions? options = null, IProgress<string>? log = null)
    {
        var o = options ?? new MathHackingOptions();
        foreach (var arm in o.Arms)
            if (!KnownArms.Contains(arm)) throw new ArgumentException($"MathHackingOptions.Arms: {UnknownArm(arm)}.");
        var clock = Stopwatch.StartNew();
        var split = TaskGenerator.Split("math", o.TrainProblems, o.TestProblems);
        var shipped = SyntheticTasks.LoadShipped(tasksDir, "train").Concat(SyntheticTasks.LoadShipped(tasksDir, "test"));
        var codec = TextCodec.Cl100k().Compact(shipped.Concat(split.Train).Concat(split.Test).Select(i => i.Text)
            .Concat(shipped.Responses.Concat(split.Train.Responses).Concat(split.Test.Responses).OfType<string>()));
        if (o.PolicyProblems is { } n && (n < 1 || n > o.TrainProblems))
            throw new ArgumentException($"MathHackingOptions.PolicyProblems: {n} is not between 1 and TrainProblems ({o.TrainProblems}).");
        // The problems the policy learns and is trained on with RL (all of them unless PolicyProblems narrows it).
        var policyTrain = o.PolicyProblems is { } first ? split.Train.Take(first) : split.Train;
        var (sft, cached) = MathSftCache.LoadOrTrain(outDir, codec, policyTrain, split.Test, o, log);
        using var _ = sft;
        double sftSeconds = clock.Elapsed.TotalSeconds;
        var eval = (o.EvaluateOnTrainingProblems ? policyTrain : split.Test).Take(o.EvalPrompts);
        double greedy = GreedyExactMatch(sft, eval, o);
        log?.Report(string.Create(CultureInfo.InvariantCulture, $"SFT policy: greedy exact match {greedy:P1} on {eval.Count} {(o.EvaluateOnTrainingProblems ? "training" : "held-out")} problems ({sftSeconds:F0} s{(cached ? ", cached" : "")})"));

        // The proxy: a Bradley–Terry reward model on pairs labelled by the length-biased annotator.
        var annotator = new BiasedAnnotator(o.LengthBonus, o.AnnotatorSharpness);
        int heldOut = Math.Min(500, Math.Max(50, o.PreferencePairs / 6));
        if (o.PreferencePairs + heldOut > split.Train.Count)
            throw new ArgumentException($"MathHackingOptions: {o.PreferencePairs} preference pairs + {heldOut} held-out pairs need more than the {split.Train.Count} training problems.");
        var pairs = annotator.Pairs(sft, split.Train.Take(o.PreferencePairs), split.Train, o.MaxNewTokens, o.RewardSeed);
        // Fresh pairs for the agreement check: on problems without training pairs; but where PolicyProblems narrows the SFT to a
        // few memorised problems, the other problems are almost never answered right, leaving a handful of pairs where exactly one
        // answer is right (5 of 172 in the smoke run), so there the fresh pairs are new samples on the policy's own problems.
        var heldOutProblems = o.PolicyProblems is null ? new PromptSet(split.Train.Skip(o.PreferencePairs).Take(heldOut)) : policyTrain.Take(heldOut);
        var heldOutPairs = annotator.Pairs(sft, heldOutProblems, split.Train, o.MaxNewTokens, o.RewardSeed + 1);
        var trained = RewardModel.Train(pairs.Select(p => p.Pair).ToList(), new RewardTrainingOptions
        {
            Steps = o.RewardSteps, BatchSize = 32, LearningRate = 1e-3, Seed = o.RewardSeed, EvalEvery = Math.Max(1, o.RewardSteps / 3), Name = "biased-rm",
        });
        using var rm = trained.Model;
        var agreement = BiasedAnnotator.Agreement(rm, heldOutPairs);
        log?.Report($"reward model: {agreement} ({clock.Elapsed.TotalSeconds:F0} s)");

        var judge = Judge.MathAnswer();
        var points = new List<HackingPoint>();
        var passRates = new List<TrainingPassRate>();
        var greedyAtEnd = new List<FinalGreedyExactMatch>();
        for (int seed = o.FirstSeed; seed < o.FirstSeed + o.Seeds; seed++)
        {
            var start = Evaluate(sft, sft, eval, judge, rm, o, seed);
            foreach (var arm in o.Arms)
            {
                points.Add(start with { Arm = arm, Seed = seed, Step = 0 });
                var steps = new List<StepMetrics>();
                using var final = SegmentedTraining.Train(Configure(Cgpo.Create(sft, reference: sft, seed: seed), arm, policyTrain, judge, rm, o), o.Steps, o.EvalEvery, (step, policy) =>
                {
                    var at = Evaluate(policy, sft, eval, judge, rm, o, seed) with { Arm = arm, Seed = seed, Step = step };
                    points.Add(at);
                    log?.Report(string.Create(CultureInfo.InvariantCulture, $"seed {seed} {arm,-6} step {step,3}: proxy {at.Proxy:F3} exact {at.TrueScore:F3} KL {at.KlK3:F2} words {at.Length:F1} answers {at.KeywordCount:F2} ({clock.Elapsed.TotalSeconds:F0} s)"));
                }, new SyncProgress<StepMetrics>(steps.Add));
                var tail = steps.Skip(Math.Max(0, steps.Count - o.EvalEvery)).ToList();
                passRates.Add(new TrainingPassRate(arm, seed, tail.Count == 0 ? double.NaN : tail.Average(m => m.PassRate)));
                greedyAtEnd.Add(new FinalGreedyExactMatch(arm, seed, GreedyExactMatch(final, eval, o)));
            }
        }
        var run = new RewardHackingResult(points, new RewardHackingOptions
        {
            Seeds = o.Seeds, FirstSeed = o.FirstSeed, SftSteps = o.SftSteps, Steps = o.Steps, PromptsPerStep = o.PromptsPerStep, SamplesPerPrompt = o.SamplesPerPrompt,
            EvalEvery = o.EvalEvery, EvalPrompts = o.EvalPrompts, LearningRate = o.LearningRate, MaxNewTokens = o.MaxNewTokens, LengthBonus = o.LengthBonus,
            KeywordBonus = 0, Keyword = AnswerPhrase, KlMax = o.KlMax, PpoKlCoef = o.PpoKlCoef, Arms = o.Arms,
        }) { Seconds = clock.Elapsed.TotalSeconds };
        return new MathHackingResult(run, o)
        {
            SftExactMatch = greedy, SftCached = cached, SftSeconds = sftSeconds, RewardTraining = trained, Agreement = agreement,
            TrainingPassRates = passRates, GreedyAtEnd = greedyAtEnd, Pairs = pairs.Count, Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>The arms <see cref="MathHackingOptions.Arms"/> may name.</summary>
    public static IReadOnlyList<string> KnownArms { get; } = [GoldArm, "ppo", "crpg", "crraft", "codpo"];

    /// <summary>"unknown arm 'x' (use …)": the one wording of an arm not in <see cref="KnownArms"/>, for the options and the command line.</summary>
    internal static string UnknownArm(string arm) => $"unknown arm '{arm}' (use {string.Join(", ", KnownArms)})";

    /// <summary>The phrase counted per response (<see cref="HackingPoint.KeywordCount"/>: answer sentences per response).</summary>
    internal const string AnswerPhrase = "The answer is";

    /// <summary>The control arm: CRPG with the math judge and the gold reward (the judge's 1 for the exact answer) in place of the proxy.</summary>
    internal const string GoldArm = "gold";

    internal static CgpoRun Configure(CgpoRun run, string arm, PromptSet train, IJudge judge, IRewardModel proxy, MathHackingOptions o)
    {
        OptimizerOptions optimizer = arm switch
        {
            "ppo" => new PpoOptions { SamplesPerPrompt = o.SamplesPerPrompt, KlCoef = o.PpoKlCoef },
            "crpg" or GoldArm => new CrpgOptions { SamplesPerPrompt = o.SamplesPerPrompt, KlMax = o.KlMax },
            "crraft" => new CrraftOptions { SamplesPerPrompt = o.SamplesPerPrompt, KlMax = o.KlMax },
            "codpo" => new CodpoOptions { SamplesPerPrompt = o.SamplesPerPrompt },
            _ => throw new ArgumentException($"MathHackingOptions.Arms: {UnknownArm(arm)}."),
        };
        // The control arm: CRPG with the math judge whose reward is the judge itself (1 for the exact answer), not the proxy.
        if (arm == GoldArm) proxy = Reward.FromJudge(judge, "gold");
        return run.LearningRate(o.LearningRate).Sampling(maxNewTokens: o.MaxNewTokens, temperature: 1.0).Task("math", t =>
        {
            t = t.Prompts(train).Reward(proxy).Optimizer(optimizer).PromptsPerStep(o.PromptsPerStep);
            return arm == "ppo" ? t : t.Judges(judge);
        });
    }

    internal static HackingPoint Evaluate(Policy policy, Policy sft, PromptSet eval, IJudge judge, IRewardModel proxy, MathHackingOptions o, int seed)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        // Common random numbers: the same sampling seed for every arm and step; log π comes from the generation itself.
        var batch = Rollout.Of(policy).Reference(sft).Judges([judge]).Reward(proxy).Scoring(PolicyScoring.Generation)
            .Named("Math reward-hacking evaluation")
            .Generate(eval, 1, new GenerationOptions { MaxNewTokens = o.MaxNewTokens, Temperature = 1.0, Seed = BlendRuntime.DeriveSeed(seed, "math-hacking-eval") });
        var samples = batch.Samples;
        return new HackingPoint("", seed, 0, "math")
        {
            Proxy = batch.Rewards.Average(),
            TrueScore = batch.Judged.PassRate,
            Kl = KlEstimate.K1(batch.PolicyScores, batch.ReferenceScores),
            KlK3 = KlEstimate.K3(batch.PolicyScores, batch.ReferenceScores),
            Length = samples.Average(s => (double)TextStats.Words(s.Response)),
            KeywordCount = samples.Average(s => (double)TextStats.Occurrences(s.Response, AnswerPhrase)),
        };
    }

    /// <summary>Greedy exact match (the math judge) of <paramref name="policy"/> on <paramref name="test"/>.</summary>
    internal static double GreedyExactMatch(Policy policy, PromptSet test, MathHackingOptions o)
    {
        var gens = policy.Generate(test.Select(i => i.Text).ToList(), new GenerationOptions { Greedy = true, MaxNewTokens = o.MaxNewTokens });
        var judge = Judge.MathAnswer();
        var verdicts = judge.Judge(test.Select((item, i) => new Sample(item.Task, item.Text, gens[i].Text) { Reference = item.Reference }).ToList());
        return verdicts.Count(v => v.Passed) / (double)verdicts.Count;
    }
}
