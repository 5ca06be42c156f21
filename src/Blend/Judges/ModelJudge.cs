namespace Blend;

/// <summary>
/// CGPO's LLM judge (CGPO App. B.2; docs/cgpo.md#judges): a language model reads a filled template and the verdict is read from
/// its next-token distribution, not from sampled text: the sample violates iff
/// log p(violation token) − log p(pass token) &gt; <see cref="ModelJudgeOptions.Margin"/> (0 by default).
/// The verdict's score is the pass probability renormalised over the two tokens, σ(log p(pass) − log p(violation)).
/// </summary>
public sealed class ModelJudge : SampleJudge
{
    readonly Func<string, IReadOnlyList<string>, IReadOnlyList<double>> _scorer;

    /// <summary>Creates the judge from a next-token scorer.</summary>
    public ModelJudge(string name, INextTokenScorer scorer, ModelJudgeOptions? options = null)
        : this(name, (scorer ?? throw new ArgumentNullException(nameof(scorer))).NextTokenLogProbs, options) { }

    /// <summary>Creates the judge from a function (text, candidate tokens) → log-probabilities.</summary>
    public ModelJudge(string name, Func<string, IReadOnlyList<string>, IReadOnlyList<double>> scorer, ModelJudgeOptions? options = null) : base(name)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        Options = options ?? new ModelJudgeOptions();
        if (string.IsNullOrEmpty(Options.ViolationToken) || string.IsNullOrEmpty(Options.PassToken) || Options.ViolationToken == Options.PassToken)
            throw new ArgumentException($"Judge '{name}': ViolationToken and PassToken must be two different non-empty tokens.");
    }

    /// <summary>The template, tokens and margin.</summary>
    public ModelJudgeOptions Options { get; }

    /// <summary>The text the model reads for <paramref name="sample"/>.</summary>
    public string Question(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Options.Template.Replace("{prompt}", sample.Prompt, StringComparison.Ordinal)
            .Replace("{response}", sample.Response, StringComparison.Ordinal)
            .Replace("{reference}", sample.Reference ?? "", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    protected override Verdict Check(Sample sample)
    {
        var logps = _scorer(Question(sample), [Options.ViolationToken, Options.PassToken]);
        if (logps is null || logps.Count != 2) return Error("the scorer must return two log-probabilities");
        double neg = logps[0], pos = logps[1];
        if (double.IsNaN(neg) || double.IsNaN(pos)) return Error("the scorer returned NaN");
        double diff = neg - pos;
        double passProbability = double.IsFinite(diff) ? 1 / (1 + Math.Exp(diff)) : diff > 0 ? 0 : 1;
        string detail = $"p(violation)/p(pass) = e^{diff:0.###}";
        return diff > Options.Margin ? Fail(detail, passProbability) : Pass(detail, passProbability);
    }
}

public static partial class Judge
{
    /// <summary>A model judge over a next-token scorer (CGPO's LLM judge: violation iff log p(violation) − log p(pass) &gt; margin).</summary>
    /// <example><code>Judge.Model("refusal-lm", scorer, new ModelJudgeOptions { Template = "[INST] {response} [/INST] refusal:", ViolationToken = " True", PassToken = " False" })</code></example>
    public static ModelJudge Model(string name, INextTokenScorer scorer, ModelJudgeOptions? options = null) => new(name, scorer, options);

    /// <summary>A model judge over a function (text, candidate tokens) → next-token log-probabilities.</summary>
    public static ModelJudge Model(string name, Func<string, IReadOnlyList<string>, IReadOnlyList<double>> scorer, ModelJudgeOptions? options = null) =>
        new(name, scorer, options);
}
