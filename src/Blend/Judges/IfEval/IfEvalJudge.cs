using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// IFEval's instruction-following judge (Zhou et al. 2023): reads <c>instruction_id_list</c> and <c>kwargs</c> (a list of
/// objects aligned with the ids, exactly as in IFEval's data) from <see cref="Sample.Metadata"/> and passes when every
/// instruction is followed (strict mode). All 25 registry ids are supported with IFEval's semantics, plus four checkers
/// IFEval defines outside its registry (<see cref="IfEvalExtraInstructions"/>); every instruction's kwargs are validated
/// first (<see cref="IfEvalArguments"/>: exact argument names, integer counts ≥ 1, relation names, stripped phrases). Words are
/// <c>\w+</c> runs, paragraphs for <c>number_paragraphs</c> are separated by <c>***</c>, bullets are lines starting with
/// <c>*</c> or <c>-</c>, highlights are <c>*…*</c> spans, relations are "less than" / "at least".
/// Two documented approximations: sentences are split with IFEval's own regex splitter (IFEval counts with NLTK punkt),
/// and the language checks (<c>language:response_language</c>, <c>english_capital</c>, <c>english_lowercase</c>) use a
/// script + common-word guesser instead of <c>langdetect</c>.
/// </summary>
/// <remarks>An unknown instruction id, missing metadata or bad kwargs give an error verdict naming the problem; a fail
/// verdict's reason names the first instruction that is not followed.</remarks>
public sealed class IfEvalJudge : SampleJudge
{
    /// <summary>Creates the judge.</summary>
    public IfEvalJudge(string name = "ifeval") : base(name) { }

    /// <summary>The instruction ids this judge checks.</summary>
    public static IReadOnlyList<string> SupportedInstructions { get; } = [.. IfEvalInstructions.All.Keys, .. IfEvalExtraInstructions.All.Keys];

    /// <inheritdoc />
    protected override Verdict Check(Sample sample)
    {
        if (sample.Metadata?["instruction_id_list"] is not JsonArray ids)
            return Error("metadata has no instruction_id_list");
        var kwargsList = sample.Metadata["kwargs"] as JsonArray;
        if (kwargsList is not null && kwargsList.Count != ids.Count)
            return Error($"kwargs has {kwargsList.Count} entries for {ids.Count} instructions");
        int followed = 0;
        string? firstFailure = null;
        for (int i = 0; i < ids.Count; i++)
        {
            var id = ids[i]?.ToString() ?? "";
            if (!IfEvalInstructions.All.TryGetValue(id, out var check) && !IfEvalExtraInstructions.All.TryGetValue(id, out check))
                return Error($"unknown instruction id '{id}'");
            if (kwargsList?[i] is { } raw && raw is not JsonObject)
                return Error($"{id}: kwargs entry {i} must be an object, found {raw.ToJsonString()}");
            string? problem;
            try { problem = check(sample.Response, IfEvalArguments.Validate(id, WithoutNulls(kwargsList?[i] as JsonObject))); }
            catch (ArgumentException e) { return Error($"{id}: {e.Message}"); }
            if (problem is null) followed++;
            else firstFailure ??= $"{id}: {problem}";
        }
        double score = ids.Count == 0 ? 1 : (double)followed / ids.Count;
        return firstFailure is null
            ? Pass($"{ids.Count} instructions followed", score)
            : Fail($"{firstFailure} ({followed}/{ids.Count} followed)", score);
    }

    /// <summary>The Hugging Face copy of IFEval fills unused kwargs with null; drop them.</summary>
    static JsonObject WithoutNulls(JsonObject? kwargs)
    {
        var result = new JsonObject();
        if (kwargs is null) return result;
        foreach (var (key, value) in kwargs)
            if (value is not null) result[key] = value.DeepClone();
        return result;
    }
}

public static partial class Judge
{
    /// <summary>IFEval's verifiable instructions: checks whatever the sample's <c>instruction_id_list</c> + <c>kwargs</c> metadata asks (all 25 IFEval ids).</summary>
    /// <example><code>Judge.IfEval().Judge([new Sample("instructions", p, r) { Metadata = ifevalRow }])</code></example>
    public static IfEvalJudge IfEval(string name = "ifeval") => new(name);
}
