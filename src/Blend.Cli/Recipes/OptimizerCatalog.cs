namespace Blend.Cli.Recipes;

/// <summary>A per-task optimizer a recipe can name (<c>tasks[].optimizer.type</c>) and its options type.</summary>
/// <param name="Variant">The type name, description and option fields.</param>
/// <param name="OptionsType">The library options record it binds to.</param>
internal sealed record OptimizerKind(Variant Variant, Type OptionsType);

/// <summary>CGPO's optimizers (CRPG, CRRAFT, CODPO) and the baselines (PPO, DPO, online DPO, GRPO, RLOO), with options from the library's records.</summary>
internal static class OptimizerCatalog
{
    // K is a task field (tasks[].samples_per_prompt), not an optimizer option, so it is set in one place.
    static readonly string[] Excluded = [nameof(OptimizerOptions.SamplesPerPrompt)];

    static OptimizerKind Kind<T>(string description) where T : OptimizerOptions, new() =>
        new(new Variant(new T().Name.Replace('-', '_'), description, [.. OptionsBinder.Fields(typeof(T), except: Excluded)]), typeof(T));

    /// <summary>Every optimizer, in documentation order.</summary>
    public static IReadOnlyList<OptimizerKind> All { get; } =
    [
        Kind<CrpgOptions>("CRPG, calibrated-regularized policy gradient (CGPO eq. 11–12)."),
        Kind<CrraftOptions>("CRRAFT, constrained reward-ranked fine-tuning (CGPO eq. 17–18)."),
        Kind<CodpoOptions>("CODPO, constrained online DPO (CGPO eq. 14)."),
        Kind<PpoOptions>("PPO baseline (reward only, KL penalty, value head); epochs × mini_batches clipped updates per rollout."),
        Kind<DpoOptions>("Offline DPO on the task's preference pairs (tasks[].pairs)."),
        Kind<OnlineDpoOptions>("Online DPO baseline."),
        Kind<GrpoOptions>("GRPO baseline and its variants: loss_type grpo, dr_grpo or dapo; importance_sampling_level sequence for GSPO; epochs × mini_batches clipped updates per rollout."),
        Kind<RlooOptions>("RLOO baseline (leave-one-out baseline)."),
    ];

    /// <summary>The union shape of <c>optimizer</c>.</summary>
    public static UnionShape Union { get; } = new("optimizer", [.. All.Select(k => k.Variant)]);

    /// <summary>The options for <paramref name="values"/> (its <c>type</c> picks the record) with K set.</summary>
    public static OptimizerOptions Create(RecipeValues values, int k)
    {
        var kind = All.First(x => x.Variant.Type == values.String("type"));
        var options = (OptimizerOptions)OptionsBinder.Bind(kind.OptionsType, values, except: Excluded);
        return options with { SamplesPerPrompt = k };
    }
}
