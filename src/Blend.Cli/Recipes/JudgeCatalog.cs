using System.Text.Json.Nodes;

namespace Blend.Cli.Recipes;

/// <summary>What a judge factory may need beyond its own options.</summary>
/// <param name="Scorer">The next-token scorer of a model folder named by the recipe (path as written; loaded once per folder).</param>
internal sealed record JudgeContext(Func<string, INextTokenScorer> Scorer)
{
    /// <summary>For judges built without a recipe (<c>--judges</c>): no model folders.</summary>
    public static JudgeContext None { get; } = new(dir => throw new ArgumentException($"model '{dir}': model judges need a recipe"));
}

/// <summary>A judge type a recipe can name, its options and how to build it.</summary>
/// <param name="Variant">The <c>type</c>, its description and its option fields.</param>
/// <param name="Create">Builds the judge from its (checked) options; throws ArgumentException for a bad combination.</param>
internal sealed record JudgeKind(Variant Variant, Func<RecipeValues, JudgeContext, IJudge> Create);

/// <summary>The judges of a recipe's <c>tasks[].judges</c>: one entry per built-in <see cref="Judge"/> factory.</summary>
internal static class JudgeCatalog
{
    static Field Name(string fallback) => new("name", FieldType.String, $"The judge's name in verdicts, reports and reward references (default '{fallback}').");
    static Field Int(string name, string description) => new(name, FieldType.Integer, description) { Min = 0 };
    static Field Bool(string name, string description, bool fallback) => new(name, FieldType.Boolean, description) { Default = fallback };
    static Field Text(string name, string description, bool required = true) => new(name, FieldType.String, description) { Required = required };

    static JudgeKind Kind(string type, string description, Func<RecipeValues, IJudge> create, params Field[] fields) =>
        new(new Variant(type, description, [Name(type.Replace('_', '-')), .. fields]), (v, _) => create(v));

    static readonly ModelJudgeOptions ModelDefaults = new();

    /// <summary>CGPO's LLM judge: a model folder's next-token probabilities of a violation token and a pass token after a template.</summary>
    static JudgeKind ModelKind() => new(new Variant("model",
        "CGPO's LLM judge: the sample violates when log p(violation_token) − log p(pass_token) after the filled template exceeds the margin (a Blend or Hugging Face model folder).",
        [
            Name("model"),
            new Field("model", FieldType.Folder, "The judge model: a Blend policy checkpoint or a Hugging Face folder (its tokenizer and chat template lay out the question).") { Required = true },
            new Field("template", FieldType.String, "The question; {prompt}, {response} and {reference} are replaced.") { Default = ModelDefaults.Template },
            new Field("violation_token", FieldType.String, "The token whose probability means a violation.") { Default = ModelDefaults.ViolationToken },
            new Field("pass_token", FieldType.String, "The token whose probability means a pass.") { Default = ModelDefaults.PassToken },
            new Field("margin", FieldType.Number, "Margin on log p(violation) − log p(pass): the sample fails above it.") { Default = 0.0 },
        ]),
        (v, c) => Judge.Model(v.String("name") ?? "model", c.Scorer(v.String("model")!), new ModelJudgeOptions
        {
            Template = v.String("template") ?? ModelDefaults.Template,
            ViolationToken = v.String("violation_token") ?? ModelDefaults.ViolationToken,
            PassToken = v.String("pass_token") ?? ModelDefaults.PassToken,
            Margin = v.Number("margin") ?? 0,
        }));

    /// <summary>Every judge type, in documentation order.</summary>
    public static IReadOnlyList<JudgeKind> All { get; } =
    [
        Kind("math_answer", "The response's final answer equals the sample's reference (numbers, fractions, LaTeX).",
            v => Judge.MathAnswer(v.Number("tolerance") ?? 0, v.Bool("require_final_answer_format") ?? false, v.String("name") ?? "math-answer"),
            new Field("tolerance", FieldType.Number, "Absolute tolerance for numeric answers.") { Min = 0, Default = 0 },
            Bool("require_final_answer_format", "Only accept an answer in the final-answer format ('The answer is …', \\boxed{…}).", false)),
        Kind("ifeval", "IFEval's verifiable instructions, read from the sample's metadata (instruction_id_list, kwargs).",
            v => Judge.IfEval(v.String("name") ?? "ifeval")),
        Kind("refusal", "The response refuses exactly when the sample's metadata says it should (should_refuse).",
            v => Judge.Refusal(v.String("name") ?? "refusal")),
        Kind("no_false_refusal", "The response does not refuse a prompt that should be answered.",
            v => Judge.NoFalseRefusal(v.String("name") ?? "false-refusal")),
        Kind("should_refuse", "The response refuses a prompt that should be refused.",
            v => Judge.RefusesWhenRequired(v.String("name") ?? "should-refuse")),
        Kind("length", "Length bounds in characters, words or tokens (cl100k).",
            v => Judge.Length(v.Int("min_chars"), v.Int("max_chars"), v.Int("min_words"), v.Int("max_words"), v.Int("min_tokens"), v.Int("max_tokens"), name: v.String("name")),
            Int("min_chars", "Minimum characters."), Int("max_chars", "Maximum characters."), Int("min_words", "Minimum words."),
            Int("max_words", "Maximum words."), Int("min_tokens", "Minimum tokens."), Int("max_tokens", "Maximum tokens.")),
        Kind("regex", "A .NET regular expression must (or must not) match the response.",
            v => Judge.Regex(v.String("pattern")!, v.Bool("must_match") ?? true, v.Bool("ignore_case") ?? false, v.String("name")),
            Text("pattern", "The regular expression (.NET syntax)."), Bool("must_match", "Pass when it matches (false: pass when it does not).", true),
            Bool("ignore_case", "Case-insensitive matching.", false)),
        Kind("keywords", "Required words must all occur and forbidden words must not.",
            v => Judge.Keywords(v.Strings("required"), v.Strings("forbidden"), v.Bool("ignore_case") ?? true, v.String("name")),
            new Field("required", FieldType.StringList, "Words that must occur."), new Field("forbidden", FieldType.StringList, "Words that must not occur."),
            Bool("ignore_case", "Case-insensitive matching.", true)),
        Kind("starts_with", "The response starts with a prefix.",
            v => Judge.StartsWith(v.String("prefix")!, v.Bool("ignore_case") ?? false, v.String("name")),
            Text("prefix", "The required prefix."), Bool("ignore_case", "Case-insensitive comparison.", false)),
        Kind("ends_with", "The response ends with a suffix.",
            v => Judge.EndsWith(v.String("suffix")!, v.Bool("ignore_case") ?? false, v.String("name")),
            Text("suffix", "The required suffix."), Bool("ignore_case", "Case-insensitive comparison.", false)),
        Kind("all_upper", "Every letter of the response is upper case.", v => Judge.AllUpper(v.String("name"))),
        Kind("all_lower", "Every letter of the response is lower case.", v => Judge.AllLower(v.String("name"))),
        Kind("json", "The response is valid JSON (and conforms to a schema subset when given).",
            v => Judge.Json(v.Object["schema"] is JsonNode s ? s.ToJsonString() : null, v.String("name")),
            new Field("schema", FieldType.Object, "A JSON schema (subset: type, properties, required, items, enum, min/max).") { Shape = new Shape("schema", []) }),
        Kind("bullets", "The number of bullet points is within bounds.",
            v => Judge.Bullets(v.Int("min"), v.Int("max"), v.String("name")), Int("min", "Minimum bullets."), Int("max", "Maximum bullets.")),
        Kind("sections", "The number of sections (split by a marker) is within bounds.",
            v => Judge.Sections(v.Int("min"), v.Int("max"), v.String("splitter") ?? "SECTION", v.String("name")),
            Int("min", "Minimum sections."), Int("max", "Maximum sections."), Text("splitter", "The section marker (default SECTION).", required: false)),
        Kind("paragraphs", "The number of paragraphs (blank-line separated) is within bounds.",
            v => Judge.Paragraphs(v.Int("min"), v.Int("max"), v.String("name")), Int("min", "Minimum paragraphs."), Int("max", "Maximum paragraphs.")),
        Kind("code", "Runs the sample's tests against the response's code in the sandbox.",
            v => Judge.Code(OptionsBinder.Bind<CodeJudgeOptions>(v, CodeOptionFields), v.String("name") ?? "code"),
            [.. OptionsBinder.Fields(typeof(CodeJudgeOptions), CodeOptionFields)]),
        ModelKind(),
    ];

    static readonly string[] CodeOptionFields = ["TimeoutSeconds", "MemoryMb", "MaxProcesses", "MaxFileMb", "RequireIsolation", "MaxParallel"];

    /// <summary>The union shape of <c>judges</c> items.</summary>
    public static UnionShape Union { get; } = new("judge", [.. All.Select(k => k.Variant)]);

    /// <summary>The kind of <paramref name="type"/>, or null.</summary>
    public static JudgeKind? Find(string type) => All.FirstOrDefault(k => k.Variant.Type == type);
}
