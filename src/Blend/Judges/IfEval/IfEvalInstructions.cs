using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend;

/// <summary>
/// IFEval's verifiable instructions (Zhou et al. 2023, google-research/instruction_following_eval), one checker per
/// instruction id, following its published semantics (strict mode). A checker returns null when the instruction is
/// followed, else a short reason; bad kwargs throw <see cref="ArgumentException"/> (the judge reports an error verdict).
/// </summary>
internal static partial class IfEvalInstructions
{
    internal delegate string? Checker(string response, JsonObject kwargs);

    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The supported instruction ids and their checkers.</summary>
    public static IReadOnlyDictionary<string, Checker> All { get; } = new Dictionary<string, Checker>(StringComparer.Ordinal)
    {
        ["keywords:existence"] = KeywordsExistence,
        ["keywords:frequency"] = KeywordFrequency,
        ["keywords:forbidden_words"] = ForbiddenWords,
        ["keywords:letter_frequency"] = LetterFrequency,
        ["language:response_language"] = ResponseLanguage,
        ["length_constraints:number_sentences"] = NumberSentences,
        ["length_constraints:number_paragraphs"] = NumberParagraphs,
        ["length_constraints:number_words"] = NumberWords,
        ["length_constraints:nth_paragraph_first_word"] = NthParagraphFirstWord,
        ["detectable_content:number_placeholders"] = Placeholders,
        ["detectable_content:postscript"] = Postscript,
        ["detectable_format:number_bullet_lists"] = BulletLists,
        ["detectable_format:constrained_response"] = ConstrainedResponse,
        ["detectable_format:number_highlighted_sections"] = HighlightedSections,
        ["detectable_format:multiple_sections"] = MultipleSections,
        ["detectable_format:json_format"] = JsonFormat,
        ["detectable_format:title"] = Title,
        ["combination:two_responses"] = TwoResponses,
        ["combination:repeat_prompt"] = RepeatPrompt,
        ["startend:end_checker"] = EndChecker,
        ["startend:quotation"] = Quotation,
        ["change_case:capital_word_frequency"] = CapitalWordFrequency,
        ["change_case:english_capital"] = EnglishCapital,
        ["change_case:english_lowercase"] = EnglishLowercase,
        ["punctuation:no_comma"] = NoComma,
    };

    // ---- kwargs ----

    static JsonNode? Arg(JsonObject kwargs, string key) => kwargs.TryGetPropertyValue(key, out var v) ? v : null;

    static int Int(JsonObject kwargs, string key)
    {
        var node = Arg(kwargs, key) ?? throw new ArgumentException($"kwargs.{key} is missing");
        if (node is JsonValue v)
        {
            // A JsonValue built in code holds the CLR number it was given (int, long, double…): read it through its JSON text.
            if (v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                && d % 1 == 0 && Math.Abs(d) < int.MaxValue) return (int)d;
            if (v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
        }
        throw new ArgumentException($"kwargs.{key} must be an integer, found {node.ToJsonString()}");
    }

    static string Str(JsonObject kwargs, string key)
    {
        var node = Arg(kwargs, key) ?? throw new ArgumentException($"kwargs.{key} is missing");
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw new ArgumentException($"kwargs.{key} must be a string, found {node.ToJsonString()}");
    }

    static IReadOnlyList<string> Strs(JsonObject kwargs, string key)
    {
        var node = Arg(kwargs, key) ?? throw new ArgumentException($"kwargs.{key} is missing");
        if (node is JsonArray a) return [.. a.Select(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new ArgumentException($"kwargs.{key} must hold strings"))];
        throw new ArgumentException($"kwargs.{key} must be a list of strings, found {node.ToJsonString()}");
    }

    /// <summary>IFEval's comparison: "less than" (n &lt; N) or "at least" (n ≥ N).</summary>
    static string? Compare(int actual, string relation, int target, string what) => relation switch
    {
        "less than" => actual < target ? null : $"{actual} {what}, needs less than {target}",
        "at least" => actual >= target ? null : $"{actual} {what}, needs at least {target}",
        _ => throw new ArgumentException($"relation '{relation}' is not 'less than' or 'at least'"),
    };

    static Regex Rx(string pattern, RegexOptions options = RegexOptions.None) => new(pattern, options | RegexOptions.CultureInvariant, Timeout);

    // ---- keywords ----

    static string? KeywordsExistence(string r, JsonObject k)
    {
        foreach (var word in Strs(k, "keywords"))
            if (!Rx(Regex.Escape(word), RegexOptions.IgnoreCase).IsMatch(r)) return $"missing keyword '{word}'";
        return null;
    }

    static string? KeywordFrequency(string r, JsonObject k)
    {
        var word = Str(k, "keyword");
        int n = Rx(Regex.Escape(word), RegexOptions.IgnoreCase).Count(r);
        return Compare(n, Str(k, "relation"), Int(k, "frequency"), $"occurrences of '{word}'");
    }

    static string? ForbiddenWords(string r, JsonObject k)
    {
        foreach (var word in Strs(k, "forbidden_words"))
            if (Rx(@"\b" + Regex.Escape(word) + @"\b", RegexOptions.IgnoreCase).IsMatch(r)) return $"contains forbidden word '{word}'";
        return null;
    }

    static string? LetterFrequency(string r, JsonObject k)
    {
        var letter = Str(k, "letter");
        if (letter.Length != 1) throw new ArgumentException($"kwargs.letter must be one letter, found '{letter}'");
        char l = char.ToLowerInvariant(letter[0]);
        int n = r.Count(c => char.ToLowerInvariant(c) == l);
        return Compare(n, Str(k, "let_relation"), Int(k, "let_frequency"), $"letters '{l}'");
    }

    // ---- language ----

    static string? ResponseLanguage(string r, JsonObject k)
    {
        var language = Str(k, "language");
        var guess = LanguageGuess.Detect(r);
        return LanguageGuess.Matches(guess, language) ? null : $"language looks like '{guess}', not '{language}'";
    }

    // ---- length ----

    static string? NumberSentences(string r, JsonObject k) =>
        Compare(IfEvalSentences.Count(r), Str(k, "relation"), Int(k, "num_sentences"), "sentences");

    static string? NumberParagraphs(string r, JsonObject k)
    {
        int target = Int(k, "num_paragraphs");
        var paragraphs = Rx(@"\s?\*\*\*\s?").Split(r);
        int n = paragraphs.Length;
        for (int i = 0; i < paragraphs.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(paragraphs[i])) continue;
            if (i == 0 || i == paragraphs.Length - 1) n--;
            else return $"empty paragraph {i + 1} between *** dividers";
        }
        return n == target ? null : $"{n} paragraphs (*** separated), needs exactly {target}";
    }

    static string? NumberWords(string r, JsonObject k) =>
        Compare(TextCounts.Words(r), Str(k, "relation"), Int(k, "num_words"), "words");

    static string? NthParagraphFirstWord(string r, JsonObject k)
    {
        int target = Int(k, "num_paragraphs"), nth = Int(k, "nth_paragraph");
        var expected = Str(k, "first_word").ToLowerInvariant();
        var paragraphs = r.Split("\n\n");
        int n = paragraphs.Count(p => !string.IsNullOrWhiteSpace(p));
        if (nth < 1 || nth > n) return $"has no paragraph {nth} ({n} paragraphs)";
        var paragraph = paragraphs[nth - 1].Trim();
        if (paragraph.Length == 0) return $"paragraph {nth} is empty";
        var word = paragraph.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0].Trim().TrimStart('\'').TrimStart('"');
        var first = new System.Text.StringBuilder();
        foreach (char c in word)
        {
            if (c is '.' or ',' or '?' or '!' or '\'' or '"') break;
            first.Append(char.ToLowerInvariant(c));
        }
        if (n != target) return $"{n} paragraphs, needs exactly {target}";
        return first.ToString() == expected ? null : $"paragraph {nth} starts with '{Clip(first.ToString())}', not '{expected}'";
    }

    // ---- detectable content ----

    static string? Placeholders(string r, JsonObject k)
    {
        int n = Rx(@"\[.*?\]").Count(r);
        int target = Int(k, "num_placeholders");
        return n >= target ? null : $"{n} [placeholders], needs at least {target}";
    }

    static string? Postscript(string r, JsonObject k)
    {
        var marker = Str(k, "postscript_marker");
        // The reference patterns start with an unanchored \s*, which can be empty, so it never changes whether they match;
        // it is left out because on a long run of whitespace it makes the search quadratic.
        var pattern = marker switch
        {
            "P.P.S" => @"p\.\s?p\.\s?s.*$",
            "P.S." => @"p\.\s?s\..*$",
            _ => Regex.Escape(marker.ToLowerInvariant()) + ".*$",
        };
        return Rx(pattern, RegexOptions.Multiline).IsMatch(r.ToLowerInvariant()) ? null : $"no postscript starting with {marker}";
    }

    // ---- detectable format ----

    static string? BulletLists(string r, JsonObject k)
    {
        int n = TextCounts.Bullets(r), target = Int(k, "num_bullets");
        return n == target ? null : $"{n} bullet points, needs exactly {target}";
    }

    static string? ConstrainedResponse(string r, JsonObject k)
    {
        var t = r.Trim();
        return new[] { "My answer is yes.", "My answer is no.", "My answer is maybe." }.Any(o => t.Contains(o, StringComparison.Ordinal))
            ? null : "contains none of 'My answer is yes./no./maybe.'";
    }

    static string? HighlightedSections(string r, JsonObject k)
    {
        int n = Rx(@"\*[^\n\*]*\*").Matches(r).Count(m => m.Value.Trim('*').Trim().Length > 0)
              + Rx(@"\*\*[^\n\*]*\*\*").Matches(r).Count(m => m.Value[2..^2].Trim().Length > 0);
        int target = Int(k, "num_highlights");
        return n >= target ? null : $"{n} *highlighted* sections, needs at least {target}";
    }

    static string? MultipleSections(string r, JsonObject k)
    {
        var splitter = Str(k, "section_spliter").Trim();
        int n = Rx(@"\s?" + Regex.Escape(splitter) + @"\s?\d+\s?").Split(r).Length - 1;
        int target = Int(k, "num_sections");
        return n >= target ? null : $"{n} '{splitter} X' sections, needs at least {target}";
    }

    static string? JsonFormat(string r, JsonObject k)
    {
        try
        {
            using var _ = JsonDocument.Parse(JsonJudge.StripFence(r));
            return null;
        }
        catch (JsonException) { return "not valid JSON"; }
    }

    static string? Title(string r, JsonObject k) =>
        Rx(@"<<[^\n]+>>").Matches(r).Any(m => m.Value.TrimStart('<').TrimEnd('>').Trim().Length > 0) ? null : "no <<title>>";

    // ---- combination ----

    static string? TwoResponses(string r, JsonObject k)
    {
        var parts = r.Split("******");
        var valid = new List<string>();
        for (int i = 0; i < parts.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(parts[i]))
            {
                if (i != 0 && i != parts.Length - 1) return "an empty response between ****** separators";
            }
            else valid.Add(parts[i]);
        }
        if (valid.Count != 2) return $"{valid.Count} responses separated by ******, needs 2";
        return valid[0].Trim() != valid[1].Trim() ? null : "the two responses are identical";
    }

    static string? RepeatPrompt(string r, JsonObject k)
    {
        var prompt = Str(k, "prompt_to_repeat");
        return r.Trim().ToLowerInvariant().StartsWith(prompt.Trim().ToLowerInvariant(), StringComparison.Ordinal) ? null : "does not start by repeating the prompt";
    }

    // ---- start / end ----

    static string? EndChecker(string r, JsonObject k)
    {
        var phrase = Str(k, "end_phrase");
        var text = r.Trim().Trim('"').ToLowerInvariant();
        return text.EndsWith(phrase.Trim().ToLowerInvariant(), StringComparison.Ordinal) ? null : $"does not end with '{phrase}'";
    }

    static string? Quotation(string r, JsonObject k)
    {
        var t = r.Trim();
        return t.Length > 1 && t[0] == '"' && t[^1] == '"' ? null : "not wrapped in double quotes";
    }

    // ---- case ----

    static string? CapitalWordFrequency(string r, JsonObject k)
    {
        int n = WordTokens().Matches(r).Count(m => TextCounts.IsUpper(m.Value));
        return Compare(n, Str(k, "capital_relation"), Int(k, "capital_frequency"), "all-capital words");
    }

    static string? EnglishCapital(string r, JsonObject k)
    {
        if (!TextCounts.IsUpper(r)) return "not all capital letters";
        return LanguageGuess.Matches(LanguageGuess.Detect(r), "en") ? null : "not English";
    }

    static string? EnglishLowercase(string r, JsonObject k)
    {
        if (!TextCounts.IsLower(r)) return "not all lowercase letters";
        return LanguageGuess.Matches(LanguageGuess.Detect(r), "en") ? null : "not English";
    }

    static string? NoComma(string r, JsonObject k)
    {
        int i = r.IndexOf(',', StringComparison.Ordinal);
        return i < 0 ? null : $"has a comma at character {i}";
    }

    /// <summary>Word tokens approximating NLTK's word_tokenize for upper-case counting: runs of word characters, or of other non-space characters.</summary>
    [GeneratedRegex(@"\w+|[^\w\s]+")]
    private static partial Regex WordTokens();

    static string Clip(string s) => SampleJudge.Clip(s);
}
