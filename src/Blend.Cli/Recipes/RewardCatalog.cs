namespace Blend.Cli.Recipes;

/// <summary>What a reward factory may need beyond its own options.</summary>
/// <param name="Judges">The task's judges by name (for <c>type: judge</c>).</param>
/// <param name="Gold">The gold response of a sample (from the task's prompt files, else the sample's reference).</param>
/// <param name="LoadRewardModel">Loads a reward-model checkpoint folder (cached, so two tasks share one model).</param>
internal sealed record RewardContext(IReadOnlyDictionary<string, IJudge> Judges, Func<Sample, string> Gold, Func<string, IRewardModel> LoadRewardModel);

/// <summary>A reward type a recipe can name (<c>tasks[].rewards[].type</c>) and how to build it.</summary>
/// <param name="Variant">The type name, description and option fields.</param>
/// <param name="Create">Builds the reward.</param>
internal sealed record RewardKind(Variant Variant, Func<RecipeValues, RewardContext, IRewardModel> Create);

/// <summary>The rewards of a recipe's <c>tasks[].rewards</c>, each a component of the task's reward mixture with a weight.</summary>
internal static class RewardCatalog
{
    static RewardKind Kind(string type, string description, Func<RecipeValues, RewardContext, IRewardModel> create, params Field[] fields) =>
        new(new Variant(type, description,
        [
            new Field("name", FieldType.String, "The component's name in breakdowns and extra_logs (default: the reward's own name)."),
            new Field("weight", FieldType.Number, "The component's weight in the task's total.") { Default = 1.0 },
            .. fields,
        ]), create);

    static Field Positive(string name, string description, int fallback) => new(name, FieldType.Integer, description) { Min = 1, Default = fallback };

    /// <summary>Every reward type, in documentation order.</summary>
    public static IReadOnlyList<RewardKind> All { get; } =
    [
        Kind("reward_model", "A Bradley–Terry reward model saved by Blend (RewardModel.Save / blend rm train).",
            (v, c) => c.LoadRewardModel(v.String("checkpoint")!),
            new Field("checkpoint", FieldType.Folder, "The reward-model checkpoint folder.") { Required = true }),
        Kind("gold_overlap", "Word-overlap F1 with the prompt's gold response (the prompt file's 'response', else the sample's reference/label).",
            (v, c) => Reward.GoldOverlap(c.Gold)),
        Kind("judge", "1 when one of the task's judges passes, 0 otherwise (its score when it gives one).",
            (v, c) => Reward.FromJudge(c.Judges[v.String("judge")!]),
            new Field("judge", FieldType.String, "The name of a judge of this task.") { Required = true }),
        Kind("length", "1 at the target word count, falling linearly to 0 at twice (or zero) the target.",
            (v, c) => Reward.Length(v.Int("target_words")!.Value), Positive("target_words", "The preferred number of words.", 50) with { Required = true, Default = null }),
        Kind("keywords", "The fraction of the keywords that occur in the response.",
            (v, c) => Reward.Keywords([.. v.Strings("keywords")!]), new Field("keywords", FieldType.StringList, "The keywords (at least one).") { Required = true }),
        Kind("brevity", "1 − min(words, max_words) / max_words.", (v, c) => Reward.Brevity(v.Int("max_words") ?? 40),
            Positive("max_words", "Length at and beyond which brevity is 0.", 40)),
        Kind("detail", "Distinct content words / target, capped at 1.", (v, c) => Reward.Detail(v.Int("target_distinct_words") ?? 20),
            Positive("target_distinct_words", "Distinct words of four letters or more that earn the full score.", 20)),
        Kind("friendliness", "The fraction of friendly markers (greeting, exclamation, contraction, 'you', thanks).", (v, c) => Reward.Friendliness()),
        Kind("formality", "Formality markers (no friendly markers, a capital start, a final period).", (v, c) => Reward.Formality()),
    ];

    /// <summary>The union shape of <c>rewards</c> items.</summary>
    public static UnionShape Union { get; } = new("reward", [.. All.Select(k => k.Variant)]);

    /// <summary>The kind of <paramref name="type"/>, or null.</summary>
    public static RewardKind? Find(string type) => All.FirstOrDefault(k => k.Variant.Type == type);
}
