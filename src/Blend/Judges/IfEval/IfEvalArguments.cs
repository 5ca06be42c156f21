using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// Checks and normalises an IFEval instruction's <c>kwargs</c> before its checker runs, as IFEval's
/// <c>build_description</c> reads them: each instruction takes exactly its own argument names (an unknown name is an
/// error, as Python's keyword arguments are); counts are JSON integers ≥ 1 (IFEval replaces a negative or missing count
/// with a random one; a judge must not, so it is an error); relations are exactly "less than" or "at least"; the letter
/// is one ASCII letter; the language is one of IFEval's codes; phrase arguments (keyword, end phrase, postscript marker,
/// section splitter, starter, first word, keyword lists) are stripped of surrounding whitespace, as IFEval strips them,
/// and must not be empty.
/// </summary>
internal static class IfEvalArguments
{
    enum Kind { Count, NonNegative, Relation, Phrase, PhraseList, Text, Letter, Language, Marked }

    sealed record Spec(string Name, Kind Kind);

    static Spec C(string n) => new(n, Kind.Count);
    static Spec R(string n) => new(n, Kind.Relation);
    static Spec Ph(string n) => new(n, Kind.Phrase);

    /// <summary>The argument names of every instruction id (registry and extra checkers).</summary>
    static readonly Dictionary<string, Spec[]> Specs = new(StringComparer.Ordinal)
    {
        ["keywords:existence"] = [new("keywords", Kind.PhraseList)],
        ["keywords:frequency"] = [Ph("keyword"), C("frequency"), R("relation")],
        ["keywords:forbidden_words"] = [new("forbidden_words", Kind.PhraseList)],
        ["keywords:letter_frequency"] = [new("letter", Kind.Letter), C("let_frequency"), R("let_relation")],
        ["keywords:key_sentences"] = [new("key_sentences", Kind.PhraseList), C("num_sentences")],
        ["language:response_language"] = [new("language", Kind.Language)],
        ["length_constraints:number_sentences"] = [C("num_sentences"), R("relation")],
        ["length_constraints:number_paragraphs"] = [C("num_paragraphs")],
        ["length_constraints:number_words"] = [C("num_words"), R("relation")],
        ["length_constraints:nth_paragraph_first_word"] = [C("num_paragraphs"), C("nth_paragraph"), Ph("first_word")],
        ["detectable_content:number_placeholders"] = [C("num_placeholders")],
        ["detectable_content:postscript"] = [Ph("postscript_marker")],
        ["detectable_content:rephrase_paragraph"] = [new("original_paragraph", Kind.Text), new("low", Kind.NonNegative), new("high", Kind.NonNegative)],
        ["detectable_format:number_bullet_lists"] = [C("num_bullets")],
        ["detectable_format:constrained_response"] = [],
        ["detectable_format:number_highlighted_sections"] = [C("num_highlights")],
        ["detectable_format:multiple_sections"] = [Ph("section_spliter"), C("num_sections")],
        ["detectable_format:json_format"] = [],
        ["detectable_format:title"] = [],
        ["detectable_format:rephrase"] = [new("original_message", Kind.Marked)],
        ["multi-turn:constrained_start"] = [Ph("starter")],
        ["combination:two_responses"] = [],
        ["combination:repeat_prompt"] = [new("prompt_to_repeat", Kind.Text)],
        ["startend:end_checker"] = [Ph("end_phrase")],
        ["startend:quotation"] = [],
        ["change_case:capital_word_frequency"] = [C("capital_frequency"), R("capital_relation")],
        ["change_case:english_capital"] = [],
        ["change_case:english_lowercase"] = [],
        ["punctuation:no_comma"] = [],
    };

    /// <summary>IFEval's language codes (<c>instructions_util.LANGUAGE_CODES</c>).</summary>
    static readonly HashSet<string> Languages = ["en", "es", "pt", "ar", "hi", "fr", "ru", "de", "ja", "it", "bn", "uk", "th", "ur", "ta", "te",
        "bg", "ko", "pl", "he", "fa", "vi", "ne", "sw", "kn", "mr", "gu", "pa", "ml", "fi"];

    /// <summary>The entries of <paramref name="kwargs"/> that instruction <paramref name="id"/> takes (a copy; for building test data).</summary>
    public static JsonObject Only(string id, JsonObject kwargs)
    {
        var names = Specs.TryGetValue(id, out var specs) ? specs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal) : [];
        var result = new JsonObject();
        foreach (var (key, value) in kwargs)
            if (names.Contains(key)) result[key] = value?.DeepClone();
        return result;
    }

    /// <summary>The validated, normalised kwargs of instruction <paramref name="id"/> (null entries already removed).</summary>
    /// <exception cref="ArgumentException">An unknown, missing, mistyped or out-of-range argument; the message names it.</exception>
    public static JsonObject Validate(string id, JsonObject kwargs)
    {
        if (!Specs.TryGetValue(id, out var specs)) throw new ArgumentException($"no argument specification for '{id}'");
        foreach (var (key, _) in kwargs)
            if (!specs.Any(s => s.Name == key))
                throw new ArgumentException(specs.Length == 0
                    ? $"unknown kwarg '{key}' (this instruction takes none)"
                    : $"unknown kwarg '{key}' (takes {string.Join(", ", specs.Select(s => s.Name))})");
        var result = new JsonObject();
        foreach (var spec in specs)
        {
            var node = kwargs[spec.Name] ?? throw new ArgumentException($"kwargs.{spec.Name} is missing");
            result[spec.Name] = spec.Kind switch
            {
                Kind.Count => Integer(node, spec.Name, 1),
                Kind.NonNegative => Integer(node, spec.Name, 0),
                Kind.Relation => Relation(node, spec.Name),
                Kind.Phrase => Phrase(node, spec.Name),
                Kind.PhraseList => PhraseList(node, spec.Name),
                Kind.Text => NonEmpty(node, spec.Name),
                Kind.Letter => Letter(node, spec.Name),
                Kind.Language => Language(node, spec.Name),
                _ => Marked(node, spec.Name),
            };
        }
        CrossCheck(id, result);
        return result;
    }

    static void CrossCheck(string id, JsonObject k)
    {
        if (id == "length_constraints:nth_paragraph_first_word" && (int)k["nth_paragraph"]! > (int)k["num_paragraphs"]!)
            throw new ArgumentException($"kwargs.nth_paragraph ({k["nth_paragraph"]}) is larger than kwargs.num_paragraphs ({k["num_paragraphs"]})");
        if (id == "detectable_content:rephrase_paragraph" && (int)k["high"]! < (int)k["low"]!)
            throw new ArgumentException($"kwargs.high ({k["high"]}) is smaller than kwargs.low ({k["low"]})");
        if (id == "keywords:key_sentences" && (int)k["num_sentences"]! > k["key_sentences"]!.AsArray().Count)
            throw new ArgumentException($"kwargs.num_sentences ({k["num_sentences"]}) is larger than the number of key_sentences ({k["key_sentences"]!.AsArray().Count})");
    }

    static JsonValue Integer(JsonNode node, string name, int min)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d))
        {
            if (d % 1 != 0) throw new ArgumentException($"kwargs.{name} must be an integer, found {node.ToJsonString()}");
            if (d < min) throw new ArgumentException($"kwargs.{name} must be ≥ {min}, found {node.ToJsonString()}");
            if (d > int.MaxValue) throw new ArgumentException($"kwargs.{name} is too large ({node.ToJsonString()})");
            return JsonValue.Create((int)d);
        }
        throw new ArgumentException($"kwargs.{name} must be an integer, found {node.ToJsonString()}");
    }

    static string String(JsonNode node, string name) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw new ArgumentException($"kwargs.{name} must be a string, found {node.ToJsonString()}");

    static JsonValue Relation(JsonNode node, string name)
    {
        var s = String(node, name);
        return s is "less than" or "at least" ? JsonValue.Create(s) : throw new ArgumentException($"kwargs.{name} must be \"less than\" or \"at least\", found \"{s}\"");
    }

    static JsonValue Phrase(JsonNode node, string name)
    {
        var s = String(node, name).Trim();
        return s.Length > 0 ? JsonValue.Create(s) : throw new ArgumentException($"kwargs.{name} is empty");
    }

    static JsonValue NonEmpty(JsonNode node, string name)
    {
        var s = String(node, name);
        return s.Trim().Length > 0 ? JsonValue.Create(s) : throw new ArgumentException($"kwargs.{name} is empty");
    }

    static JsonArray PhraseList(JsonNode node, string name)
    {
        if (node is not JsonArray a) throw new ArgumentException($"kwargs.{name} must be a list of strings, found {node.ToJsonString()}");
        if (a.Count == 0) throw new ArgumentException($"kwargs.{name} is an empty list");
        var result = new JsonArray();
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is null) throw new ArgumentException($"kwargs.{name}[{i}] is null");
            result.Add(Phrase(a[i]!, $"{name}[{i}]"));
        }
        return result;
    }

    static JsonValue Letter(JsonNode node, string name)
    {
        var s = String(node, name).Trim();
        return s.Length == 1 && char.IsAsciiLetter(s[0]) ? JsonValue.Create(s) : throw new ArgumentException($"kwargs.{name} must be one letter a-z, found \"{s}\"");
    }

    static JsonValue Language(JsonNode node, string name)
    {
        var s = String(node, name).Trim();
        return Languages.Contains(s) ? JsonValue.Create(s) : throw new ArgumentException($"kwargs.{name} \"{s}\" is not one of IFEval's language codes ({string.Join(", ", Languages)})");
    }

    static JsonValue Marked(JsonNode node, string name)
    {
        var s = String(node, name);
        return s.Contains('*', StringComparison.Ordinal) && IfEvalExtraInstructions.HasChange(s) ? JsonValue.Create(s)
            : throw new ArgumentException($"kwargs.{name} has no *change me* span");
    }
}
