using System.Globalization;

namespace Blend.Tests.Cgpo;

/// <summary>A tiny two-task world for loop tests: an untrained 2-layer policy, digit "math" and letter "chat" prompts.</summary>
internal static class CgpoFixture
{
    static readonly string[] Corpus = ["What is 2 + 3?", "5", "Say something nice.", "hello friend", "abcdefghij klmnop", "0123456789"];

    static TextCodec? _codec;

    public static TextCodec Codec => _codec ??= TextCodec.Cl100k().Compact(Corpus);

    public static Blend.Policy Policy(int seed = 1, bool valueHead = false) =>
        Blend.Policy.Create(Codec, GptConfig.Tiny(Codec.VocabSize) with { ContextLength = 48, ValueHead = valueHead }, seed);

    public static PromptSet MathPrompts(int count = 12, int offset = 0) => new(Enumerable.Range(offset, count).Select(i =>
        new PromptItem($"m{i}", "math", $"What is {i % 7} + {i % 3}?") { Reference = ((i % 7) + (i % 3)).ToString(CultureInfo.InvariantCulture) }));

    public static PromptSet ChatPrompts(int count = 8, int offset = 0) => new(Enumerable.Range(offset, count).Select(i =>
        new PromptItem($"c{i}", "chat", $"Say something nice {i}.")));

    /// <summary>Fraction of the response's characters that are digits (a reward an untrained model can climb).</summary>
    public static IRewardModel Digits { get; } = Reward.From("digits", s => s.Response.Length == 0 ? 0 : s.Response.Count(char.IsAsciiDigit) / (double)s.Response.Length);

    /// <summary>Fraction of lowercase letters.</summary>
    public static IRewardModel Letters { get; } = Reward.From("letters", s => s.Response.Length == 0 ? 0 : s.Response.Count(char.IsAsciiLetterLower) / (double)s.Response.Length);

    /// <summary>Passes when the response has at most <paramref name="maxChars"/> characters.</summary>
    public static IJudge Short(int maxChars = 12) => new FuncJudge($"short<={maxChars}", s => s.Response.Length <= maxChars);

    /// <summary>Passes when the response contains no '?' character.</summary>
    public static IJudge NoQuestion { get; } = new FuncJudge("no-question", s => !s.Response.Contains('?', StringComparison.Ordinal));

    /// <summary>The two-task run of the loop tests: "math" (digits reward, a length judge) and "chat" (letters reward, length and no-question judges, weight ½), 2 prompts per step, 6 new tokens, lr 1e-3.</summary>
    public static CgpoRun TwoTasks(Blend.Policy policy, OptimizerOptions math, OptimizerOptions chat, int seed = 7) =>
        global::Blend.Cgpo.Create(policy, seed: seed)
            .Task("math", t => t.Prompts(MathPrompts()).Judges(Short()).Reward(Digits).Optimizer(math).PromptsPerStep(2))
            .Task("chat", t => t.Prompts(ChatPrompts()).Judges(Short(), NoQuestion).Reward(Letters).Optimizer(chat).PromptsPerStep(2).Weight(0.5))
            .Sampling(maxNewTokens: 6)
            .LearningRate(1e-3);

    /// <summary>An optimizer by its short name with K = 2 (CRPG with KL_max 8); any other name is online DPO.</summary>
    public static OptimizerOptions Options(string name) => name switch
    {
        "crpg" => new CrpgOptions { SamplesPerPrompt = 2, KlMax = 8 },
        "crraft" => new CrraftOptions { SamplesPerPrompt = 2 },
        "codpo" => new CodpoOptions { SamplesPerPrompt = 2 },
        "ppo" => new PpoOptions { SamplesPerPrompt = 2 },
        "grpo" => new GrpoOptions { SamplesPerPrompt = 2 },
        "rloo" => new RlooOptions { SamplesPerPrompt = 2 },
        _ => new OnlineDpoOptions { SamplesPerPrompt = 2 },
    };

    public static string TempDir() => Path.Combine(Path.GetTempPath(), "blend-cgpo-" + Guid.NewGuid().ToString("N")[..12]);
}

/// <summary>A judge from a predicate (kept local so these tests do not depend on the judges library).</summary>
internal sealed class FuncJudge(string name, Func<Sample, bool> pass) : IJudge
{
    public string Name { get; } = name;

    public IReadOnlyList<Verdict> Judge(IReadOnlyList<Sample> samples) =>
        samples.Select(s => pass(s) ? Verdict.Pass(Name) : Verdict.Fail(Name)).ToList();
}
