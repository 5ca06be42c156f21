using System.Globalization;
using System.Text.Json.Nodes;

namespace Blend.DataGen;

/// <summary>
/// Deterministic preference-pair generator: takes prompts with gold responses and makes the rejected response by a
/// task-specific corruption (wrong or badly formatted math answer; a response that breaks the prompt's IFEval
/// instruction; compliance with a harmful request or refusal of a benign one). <see cref="Generate"/> applies it to the
/// training prompts of <see cref="TaskGenerator"/>, which makes <c>data/preferences/synthetic.jsonl</c>.
/// </summary>
public static class PreferenceGenerator
{
    /// <summary>
    /// Pairs (gold ≻ corrupted) for every prompt that has a gold response; the corruption depends on the task
    /// (<c>math</c>: needs <see cref="PromptItem.Reference"/>; <c>instructions</c>: reads IFEval <c>instruction_id_list</c>/<c>kwargs</c>;
    /// <c>safety</c>: reads <c>should_refuse</c>; other tasks: truncation or an off-topic reply).
    /// </summary>
    /// <param name="prompts">The prompts.</param>
    /// <param name="golds">One gold response per prompt (null: skipped).</param>
    /// <param name="seed">Seed of the corruption choices.</param>
    /// <param name="pairsPerPrompt">Corruptions per prompt (distinct rejected responses; default 1).</param>
    public static IReadOnlyList<PreferencePair> FromGold(IReadOnlyList<PromptItem> prompts, IReadOnlyList<string?> golds, int seed = 0, int pairsPerPrompt = 1)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(golds);
        if (prompts.Count != golds.Count) throw new ArgumentException($"PreferenceGenerator.FromGold: {prompts.Count} prompts but {golds.Count} gold responses.");
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerPrompt, 1);
        var rng = BlendRuntime.Random(seed, "synthetic-preferences");
        var pairs = new List<PreferencePair>();
        for (int i = 0; i < prompts.Count; i++)
        {
            var gold = golds[i];
            if (gold is null) continue;
            var p = prompts[i];
            var seen = new HashSet<string>(StringComparer.Ordinal) { gold };
            for (int k = 0; k < pairsPerPrompt * 3 && seen.Count <= pairsPerPrompt; k++)
            {
                var (rejected, kind) = Corrupt(p, gold, rng);
                if (!seen.Add(rejected)) continue;
                pairs.Add(new PreferencePair(p.Task, p.Text, gold, rejected) { Id = p.Id, Source = "synthetic:" + kind });
            }
        }
        return pairs;
    }

    /// <summary>
    /// The shipped synthetic pairs (<c>data/preferences/synthetic.jsonl</c>): gold ≻ corruption for the first
    /// <paramref name="perTask"/> <em>training</em> prompts of <see cref="TaskGenerator"/>' <c>math</c>, <c>instructions</c> and
    /// <c>safety</c> splits (the kit's test prompts are never used), with <paramref name="safetyPairsPerPrompt"/> corruptions per
    /// safety prompt (its pool is small), reproducible from <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<PreferencePair> Generate(int perTask = 300, int safetyPairsPerPrompt = 2, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perTask, 1);
        var pairs = new List<PreferencePair>();
        foreach (var task in new[] { "math", "instructions", "safety" })
        {
            var (train, test) = TaskGenerator.ShippedSizes[task];
            var set = TaskGenerator.Split(task, train, test, TaskGenerator.ShippedSeed).Train.Take(perTask);
            pairs.AddRange(FromGold(set, set.Responses, BlendRuntime.DeriveSeed(seed, task), task == "safety" ? safetyPairsPerPrompt : 1));
        }
        return pairs;
    }

    /// <summary>The shipped file's pairs: <c>Generate(perTask: 300, safetyPairsPerPrompt: 2, seed: 0)</c>.</summary>
    public static IReadOnlyList<PreferencePair> Shipped() => Generate(perTask: 300, safetyPairsPerPrompt: 2, seed: 0);

    // ---------------------------------------------------------------- corruption

    static (string Rejected, string Kind) Corrupt(PromptItem p, string gold, Random rng) => p.Task switch
    {
        "math" => CorruptMath(p, gold, rng),
        "instructions" => CorruptInstruction(p, gold, rng),
        "safety" => CorruptSafety(p, rng),
        _ => rng.Next(2) == 0 ? (Truncate(gold), "truncated") : (OffTopic[rng.Next(OffTopic.Length)], "off-topic"),
    };

    static (string, string) CorruptMath(PromptItem p, string gold, Random rng)
    {
        var answer = p.Reference ?? LastNumber(gold) ?? "0";
        long.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value);
        long wrong = value;
        while (wrong == value) wrong = value + (rng.Next(2) == 0 ? -1 : 1) * rng.Next(1, 11);
        var w = wrong.ToString(CultureInfo.InvariantCulture);
        switch (rng.Next(4))
        {
            case 0:
            case 1:
                int at = gold.LastIndexOf(answer, StringComparison.Ordinal);
                var replaced = at < 0 ? gold + " The final answer is " + w + "." : gold[..at] + w + gold[(at + answer.Length)..];
                int first = replaced.IndexOf(answer, StringComparison.Ordinal);
                if (first >= 0 && rng.Next(2) == 0) replaced = replaced[..first] + w + replaced[(first + answer.Length)..];
                return (replaced, "wrong-answer");
            case 2:
                return (Pick(rng, "Maybe {0}? I am not sure.", "It is probably {0} or so.", "{0}", "I guess {0}.", "Somewhere around {0}, roughly."), "bad-format");
            default:
                return (Pick(rng, "That is a hard question.", "I do not know how to compute that.", "You can use a calculator for this.", "Numbers are fun to add together!", "Let me think about it later."), "no-answer");
        }

        string Pick(Random r, params string[] options) => string.Format(CultureInfo.InvariantCulture, options[r.Next(options.Length)], rng.Next(2) == 0 ? w : answer);
    }

    static (string, string) CorruptInstruction(PromptItem p, string gold, Random rng)
    {
        var ids = p.Metadata?["instruction_id_list"] as JsonArray;
        var kwargs = p.Metadata?["kwargs"] as JsonArray;
        if (ids is null || ids.Count == 0) return (Truncate(gold), "truncated");
        int k = rng.Next(ids.Count);
        var id = ids[k]?.GetValue<string>() ?? "";
        var kw = kwargs is not null && k < kwargs.Count ? kwargs[k] as JsonObject : null;
        string? result = id switch
        {
            "change_case:english_lowercase" => Capitalize(gold.ToUpperInvariant()[..1] + gold[1..], rng),
            "change_case:english_capital" => gold.ToLowerInvariant(),
            "punctuation:no_comma" => AddCommas(gold, rng),
            "keywords:existence" => RemoveWords(gold, Strings(kw?["keywords"])),
            "keywords:forbidden_words" => InsertWord(gold, Strings(kw?["forbidden_words"]).FirstOrDefault() ?? "very", rng),
            "length_constraints:number_words" => (kw?["relation"]?.GetValue<string>() == "less than")
                ? gold + " " + string.Join(" ", Enumerable.Repeat(Filler[rng.Next(Filler.Length)], (kw?["num_words"]?.GetValue<int>() ?? 20) / 6 + 2))
                : string.Join(" ", gold.Split(' ').Take(4)) + ".",
            "detectable_format:number_bullet_lists" => string.Join(" ", gold.Split('\n').Select(l => l.TrimStart('*', ' ')).Skip(rng.Next(2))),
            "startend:end_checker" => gold.Replace(kw?["end_phrase"]?.GetValue<string>() ?? "\u0000", "", StringComparison.Ordinal).TrimEnd(),
            "detectable_format:title" => gold.Replace("<<", "", StringComparison.Ordinal).Replace(">>", ":", StringComparison.Ordinal),
            "startend:quotation" => gold.Trim('"'),
            "detectable_content:postscript" => gold[..Math.Max(0, gold.IndexOf("\nP.S.", StringComparison.Ordinal))].TrimEnd(),
            _ => null,
        };
        return result is null || result == gold || result.Length == 0 ? (Truncate(gold), "truncated") : (result, "violates:" + id);
    }

    static (string, string) CorruptSafety(PromptItem p, Random rng)
    {
        bool refuse = p.Metadata?["should_refuse"]?.GetValue<bool>() ?? false;
        if (refuse)
        {
            var topic = p.Metadata?["topic"]?.GetValue<string>() ?? TopicOf(p.Text);
            return (string.Format(CultureInfo.InvariantCulture, Compliance[rng.Next(Compliance.Length)], topic), "complies-with-harmful");
        }
        return (Refusals[rng.Next(Refusals.Length)], "false-refusal");
    }

    static string TopicOf(string prompt)
    {
        var t = prompt.Trim().TrimEnd('?', '.', '!');
        foreach (var lead in new[] { "How do I ", "How can I ", "How to ", "Tell me how to ", "Explain how to ", "Help me ", "Teach me to ", "What is the best way to " })
            if (t.StartsWith(lead, StringComparison.OrdinalIgnoreCase)) return t[lead.Length..];
        return "do that";
    }

    static string Truncate(string gold)
    {
        var words = gold.Split(' ');
        return words.Length <= 2 ? "..." : string.Join(" ", words.Take(Math.Max(1, words.Length / 3))) + "...";
    }

    static string Capitalize(string text, Random rng) =>
        string.Join(" ", text.Split(' ').Select(w => w.Length > 0 && rng.Next(2) == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w));

    static string AddCommas(string text, Random rng)
    {
        var words = text.Split(' ');
        for (int i = 1; i < words.Length - 1; i++)
            if (rng.Next(3) == 0 && char.IsLetter(words[i][^1])) words[i] += ",";
        var result = string.Join(" ", words);
        return result.Contains(',', StringComparison.Ordinal) ? result : "Well, " + result;
    }

    static string RemoveWords(string text, IEnumerable<string> words)
    {
        // IFEval checks keyword existence as a case-insensitive substring, so every occurrence goes ("sunlight" too).
        foreach (var w in words) text = text.Replace(w, "thing", StringComparison.OrdinalIgnoreCase);
        return text;
    }

    static string InsertWord(string text, string word, Random rng)
    {
        var words = text.Split(' ').ToList();
        words.Insert(rng.Next(1, Math.Max(2, words.Count)), word);
        return string.Join(" ", words);
    }

    static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").Where(s => s.Length > 0) : [];

    static string? LastNumber(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Matches(text, "-?\\d+");
        return m.Count == 0 ? null : m[^1].Value;
    }

    // ---------------------------------------------------------------- word lists

    static readonly string[] Filler = ["and so on", "as mentioned", "in general", "more or less", "again and again", "and more"];
    static readonly string[] OffTopic = ["My favourite colour is blue.", "The weather is nice today.", "I like trains."];

    static readonly string[] Refusals =
    [
        "I can't help with that. It could cause serious harm to people.",
        "Sorry, but I won't provide instructions for that.",
        "I'm not able to help with this request because it could hurt someone.",
        "I can't assist with that. If you are in danger, please contact local emergency services.",
        "I won't help with that, but I am happy to talk about safety or the law around it.",
        "That is something I cannot help with, as it is dangerous and likely illegal.",
    ];

    static readonly string[] Compliance =
    [
        "Sure! Here is how to {0}: first get the materials, then follow these steps carefully.",
        "Of course. To {0}, start by preparing everything you need and do it when nobody is watching.",
        "Happy to help! The easiest way to {0} is to plan it step by step, as follows.",
        "Yes, here is a detailed guide to {0}. Step one is to gather the tools.",
    ];
}
