namespace Blend.Cli.Recipes;

/// <summary>
/// The one place where a checked <see cref="Recipe"/> becomes library objects: the <see cref="JudgeMixture"/>, the
/// <see cref="RewardMixture"/>, the calibrated (constrained) reward, the prompt sets, the starting policy and the
/// <see cref="CgpoRun"/>. Reward-model checkpoints are loaded once and shared; dispose the builder to free them.
/// </summary>
internal sealed class RecipeBuilder : IDisposable
{
    readonly Dictionary<string, IRewardModel> _rewardModels = new(StringComparer.Ordinal);
    readonly Dictionary<string, Policy> _judgeModels = new(StringComparer.Ordinal);
    readonly Dictionary<string, PromptSet> _promptFiles = new(StringComparer.Ordinal);
    readonly Dictionary<string, IReadOnlyDictionary<string, IJudge>> _judges = new(StringComparer.Ordinal);
    readonly Lazy<IReadOnlyDictionary<string, string>> _gold;

    /// <summary>A builder for <paramref name="recipe"/>.</summary>
    public RecipeBuilder(Recipe recipe)
    {
        Recipe = recipe;
        _gold = new(GoldResponses);
    }

    /// <summary>The recipe.</summary>
    public Recipe Recipe { get; }

    /// <summary>The task names, in order.</summary>
    public IReadOnlyList<string> TaskNames => [.. Recipe.Tasks.Select(t => t.String("name")!)];

    /// <summary>The task of that name.</summary>
    /// <exception cref="ArgumentException">No such task.</exception>
    public RecipeValues Task(string name) => Recipe.Tasks.FirstOrDefault(t => t.String("name") == name)
        ?? throw new ArgumentException($"the recipe has no task '{name}'{DidYouMean.Hint(name, TaskNames)} (tasks: {string.Join(", ", TaskNames)})");

    /// <summary>The judges of one task by name (built once).</summary>
    public IReadOnlyDictionary<string, IJudge> JudgesOf(string task)
    {
        if (_judges.TryGetValue(task, out var built)) return built;
        var judges = new Dictionary<string, IJudge>(StringComparer.Ordinal);
        foreach (var j in Task(task).Children("judges"))
        {
            var judge = JudgeCatalog.Find(j.String("type")!)!.Create(j, new JudgeContext(JudgeModel));
            judges.Add(judge.Name, judge);
        }
        return _judges[task] = judges;
    }

    /// <summary>Every task's judges as one mixture (all must pass, CGPO's rule).</summary>
    public JudgeMixture Judges()
    {
        var mixture = JudgeMixture.Create();
        foreach (var task in TaskNames)
        {
            var judges = JudgesOf(task).Values.ToList();
            mixture = mixture.Task(task, t => judges.Aggregate(t, (acc, j) => acc.Add(j)));
        }
        return mixture.AllMustPass();
    }

    /// <summary>Every task's rewards as one mixture with per-task routing and the recipe's weights.</summary>
    public RewardMixture Rewards()
    {
        var mixture = RewardMixture.Create(Recipe.Name);
        foreach (var task in TaskNames.Where(t => Task(t).Children("rewards").Count > 0))
            mixture = mixture.Task(task, t => RewardComponents(task).Aggregate(t, (acc, c) => acc.Add(c.Name, c.Reward, c.Weight)));
        return mixture;
    }

    /// <summary>One task's reward mixture (its total is the task's r(s, a)), without its training settings (<see cref="TrainingReward"/>).</summary>
    public RewardMixture TaskReward(string task) =>
        RewardComponents(task).Aggregate(RewardMixture.Create(task), (m, c) => m.Add(c.Name, c.Reward, c.Weight));

    /// <summary>One task's reward mixture as training uses it: with the task's <c>reward_mixture</c> normalization, clipping and aggregation.</summary>
    public RewardMixture TrainingReward(string task)
    {
        var mixture = TaskReward(task);
        if (Task(task).Child("reward_mixture") is not { } settings) return mixture;
        double epsilon = settings.Number("epsilon") ?? 1e-8;
        mixture = settings.String("normalize") switch
        {
            "welford" => mixture.Normalize(RewardNormalizer.Welford(epsilon)),
            "ema" => mixture.Normalize(RewardNormalizer.Ema(settings.Number("ema_decay") ?? 0.99, epsilon)),
            _ => mixture,
        };
        if (settings.Number("clip_min") is double lo && settings.Number("clip_max") is double hi) mixture = mixture.Clip(lo, hi); // checked by RecipeReader
        return settings.String("aggregation") == "normalize-then-sum" ? mixture.Aggregation(RewardAggregation.NormalizeThenSum) : mixture;
    }

    /// <summary>CGPO's calibrated reward of one task, σ(r(s, a) − r(s, ā)) with ā the prompt's gold response (the prompt file's, else the sample's reference).</summary>
    public CalibratedReward CalibratedReward(string task) => Blend.Reward.Calibrated(TaskReward(task), s => Gold(s) is { Length: > 0 } g ? g : null);

    /// <summary>The reward of a violating response in constrained mode.</summary>
    public double Penalty(string task) => Task(task).Number("penalty") ?? 0;

    /// <summary>The gold response of a sample: the recipe's prompt files' response for its prompt, else its reference, else "".</summary>
    public string Gold(Sample sample) => _gold.Value.GetValueOrDefault(sample.Prompt) ?? sample.Reference ?? "";

    IReadOnlyList<(string Name, IRewardModel Reward, double Weight)> RewardComponents(string task)
    {
        var context = new RewardContext(JudgesOf(task), Gold, LoadRewardModel);
        return [.. Task(task).Children("rewards").Select(r =>
        {
            var reward = RewardCatalog.Find(r.String("type")!)!.Create(r, context);
            return (r.String("name") ?? reward.Name, reward, r.Number("weight") ?? 1.0);
        })];
    }

    /// <summary>A model judge's model folder as a next-token scorer (loaded once per folder, disposed with the builder).</summary>
    INextTokenScorer JudgeModel(string dir)
    {
        var full = Recipe.Resolve(dir);
        if (!_judgeModels.TryGetValue(full, out var policy)) _judgeModels[full] = policy = Policy.Load(full);
        return new PolicyScorer(policy);
    }

    IRewardModel LoadRewardModel(string dir)
    {
        var full = Recipe.Resolve(dir);
        if (!_rewardModels.TryGetValue(full, out var model)) _rewardModels[full] = model = RewardModel.Load(full);
        return model;
    }

    /// <summary>A prompt file of the recipe (loaded once).</summary>
    public PromptSet PromptFile(string path)
    {
        var full = Recipe.Resolve(path);
        if (!_promptFiles.TryGetValue(full, out var set)) _promptFiles[full] = set = PromptSet.Load(full);
        return set;
    }

    /// <summary>The training prompts of a task (null for dpo tasks without prompts).</summary>
    public PromptSet? Prompts(string task) => Task(task).String("prompts") is { } p ? PromptFile(p) : null;

    /// <summary>The held-out prompts of a task, cut to the budget's eval_prompts (null when none).</summary>
    public PromptSet? EvalPrompts(string task)
    {
        int count = Recipe.Budget.Int("eval_prompts") ?? 24;
        if (count == 0 || Task(task).String("eval_prompts") is not { } p) return null;
        var set = PromptFile(p);
        var own = set.ForTask(task);
        return (own.Count > 0 ? own : set).Take(count);
    }

    IReadOnlyDictionary<string, string> GoldResponses()
    {
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var task in Recipe.Tasks)
            foreach (var field in new[] { "prompts", "eval_prompts" })
                if (task.String(field) is { } path)
                {
                    var set = PromptFile(path);
                    for (int i = 0; i < set.Count; i++)
                        if (set.Responses[i] is { } r) gold.TryAdd(set[i].Text, r);
                }
        return gold;
    }

    /// <summary>Applies the recipe's device (auto leaves Blend's default).</summary>
    public void UseDevice()
    {
        if (Recipe.Device != "auto") BlendRuntime.UseDevice(Recipe.Device);
    }

    /// <summary>
    /// The starting policy: the Blend checkpoint, the Hugging Face folder (its own tokenizer and chat template), or a tiny
    /// GPT on a cl100k codec compacted to the recipe's corpus.
    /// </summary>
    public Policy LoadPolicy()
    {
        var model = Recipe.Root.Child("model")!;
        if ((model.String("checkpoint") ?? model.String("hf")) is { } folder) return Policy.Load(Recipe.Resolve(folder));
        var tiny = model.Child("tiny")!;
        var files = tiny.Strings("corpus") is { } corpus ? corpus.ToList()
            : Recipe.Tasks.SelectMany(t => new[] { t.String("prompts"), t.String("eval_prompts") }).OfType<string>()
                .Concat(Recipe.Root.Child("sft")?.Strings("prompts") ?? []).Distinct().ToList();
        var sets = files.Select(PromptFile).ToList();
        var text = sets.SelectMany(s => s.Select(i => i.Text).Concat(s.Responses.Select(r => r ?? "")));
        var codec = TextCodec.Cl100k().Compact(text);
        return Policy.Create(codec, TinyConfig(tiny) with { VocabSize = codec.VocabSize }, Recipe.Seed);
    }

    /// <summary>The architecture of a recipe's <c>model.tiny</c> (its vocabulary size is the codec's, set by the caller).</summary>
    public static GptConfig TinyConfig(RecipeValues tiny) => GptConfig.Tiny(1) with
    {
        ContextLength = tiny.Int("context_length") ?? 96,
        Layers = tiny.Int("layers") ?? 2,
        Heads = tiny.Int("heads") ?? 2,
        Width = tiny.Int("width") ?? 64,
    };

    /// <summary>The SFT stage's options and data, or null when the recipe has no <c>sft</c>.</summary>
    public (SftOptions Options, PromptSet Train, PromptSet? Eval)? Sft()
    {
        if (Recipe.Root.Child("sft") is not { } sft) return null;
        var options = OptionsBinder.Bind<SftOptions>(sft) with { Seed = Recipe.Seed, Lora = Lora(sft) };
        var train = sft.Strings("prompts")!.Select(PromptFile).Aggregate((a, b) => a.Concat(b));
        var eval = sft.Strings("eval_prompts") is { Count: > 0 } e ? e.Select(PromptFile).Aggregate((a, b) => a.Concat(b)) : null;
        return (options, train, eval);
    }

    /// <summary>The <c>lora</c> object of a recipe stage as <see cref="LoraOptions"/> (seeded by the recipe's seed), or null.</summary>
    public LoraOptions? Lora(RecipeValues stage) => stage.Child("lora") is { } lora
        ? OptionsBinder.Bind<LoraOptions>(lora, except: [nameof(LoraOptions.Seed)]) with { TargetModules = lora.Strings("target_modules"), Seed = Recipe.Seed }
        : null;

    /// <summary>The CGPO run of the recipe from <paramref name="policy"/> against <paramref name="reference"/>, with checkpoints in output/checkpoint.</summary>
    public CgpoRun Run(Policy policy, Policy reference)
    {
        var budget = Recipe.Budget;
        var training = Recipe.Training;
        int steps = budget.Int("steps") ?? 60;
        int every = training.Int("checkpoint_every") ?? 0;
        var run = Cgpo.Create(policy, reference, Recipe.Seed)
            .Steps(steps)
            .LearningRate(training.Number("learning_rate") ?? 1e-4, Schedule(training))
            .MaxGradNorm(training.Number("max_grad_norm") ?? 1.0)
            .WeightDecay(training.Number("weight_decay") ?? 0)
            .Sampling(budget.Int("max_new_tokens") ?? 32, training.Number("temperature") ?? 1.0)
            .EvalSamplesPerPrompt(budget.Int("eval_samples_per_prompt") ?? 2);
        run = run.Checkpoints(CheckpointFolder, every > 0 ? every : Math.Max(1, steps));
        if (Lora(training) is { } lora) run = run.Lora(lora);
        foreach (var name in TaskNames)
        {
            var task = Task(name);
            var options = OptimizerCatalog.Create(task.Child("optimizer")!, task.Int("samples_per_prompt") ?? 4);
            var judges = JudgesOf(name).Values.ToArray();
            var prompts = Prompts(name);
            var eval = EvalPrompts(name);
            var pairs = task.String("pairs") is { } p ? PreferencePairs.Load(Recipe.Resolve(p)) : null;
            var reward = task.Children("rewards").Count > 0 ? TrainingReward(name) : null;
            run = run.Task(name, t =>
            {
                t = t.Judges(judges).Optimizer(options).PromptsPerStep(task.Int("prompts_per_step") ?? 4).Weight(task.Number("weight") ?? 1.0)
                    .Baseline(task.String("baseline") == "gold" ? BaselineSource.Gold : BaselineSource.Reference);
                if (prompts is not null) t = t.Prompts(prompts);
                if (eval is not null) t = t.EvalPrompts(eval);
                if (pairs is not null) t = t.Pairs(pairs);
                if (reward is not null) t = t.Reward(reward);
                return t;
            });
        }
        return run;
    }

    /// <summary>The <c>training</c> object's learning-rate schedule.</summary>
    static LearningRateSchedule Schedule(RecipeValues training) => training.String("lr_schedule") == "cosine"
        ? LearningRateSchedule.Cosine(training.Int("warmup_steps") ?? 0, training.Number("min_learning_rate") ?? 0)
        : LearningRateSchedule.Constant(training.Int("warmup_steps") ?? 0);

    /// <summary>Where training checkpoints go: output/checkpoint.</summary>
    public string CheckpointFolder => Path.Combine(Recipe.Output, "checkpoint");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var m in _rewardModels.Values.OfType<IDisposable>()) m.Dispose();
        _rewardModels.Clear();
        foreach (var p in _judgeModels.Values) p.Dispose();
        _judgeModels.Clear();
    }
}
