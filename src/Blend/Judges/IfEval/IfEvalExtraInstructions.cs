using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Blend;

/// <summary>
/// IFEval checkers that its library defines and its test suite covers but its registry leaves out, each under the id the
/// registry's comments give it: <c>keywords:key_sentences</c> (exactly <c>num_sentences</c> of <c>key_sentences</c> appear
/// as whole sentences), <c>detectable_content:rephrase_paragraph</c> (between <c>low</c> and <c>high</c> words shared with
/// <c>original_paragraph</c>, counted with multiplicity, case-insensitive), <c>detectable_format:rephrase</c> (the response
/// equals <c>original_message</c> outside the <c>*…*</c> spans, on each line) and <c>multi-turn:constrained_start</c>
/// (some line starts with <c>starter</c>, after whitespace; the starter is literal text here, not a regex).
/// </summary>
internal static partial class IfEvalExtraInstructions
{
    /// <summary>The extra instruction ids and their checkers (arguments already validated by <see cref="IfEvalArguments"/>).</summary>
    public static IReadOnlyDictionary<string, IfEvalInstructions.Checker> All { get; } = new Dictionary<string, IfEvalInstructions.Checker>(StringComparer.Ordinal)
    {
        ["keywords:key_sentences"] = KeySentences,
        ["detectable_content:rephrase_paragraph"] = RephraseParagraph,
        ["detectable_format:rephrase"] = Rephrase,
        ["multi-turn:constrained_start"] = ConstrainedStart,
    };

    static string? KeySentences(string r, JsonObject k)
    {
        var sentences = IfEvalSentences.Split(r).ToHashSet(StringComparer.Ordinal);
        var keys = k["key_sentences"]!.AsArray().Select(x => x!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList();
        int target = (int)k["num_sentences"]!;
        int n = keys.Count(sentences.Contains);
        return n == target ? null : $"{n} of the key sentences appear, needs exactly {target}";
    }

    static string? RephraseParagraph(string r, JsonObject k)
    {
        var original = WordCounts(k["original_paragraph"]!.GetValue<string>());
        var response = WordCounts(r);
        int shared = original.Sum(kv => Math.Min(kv.Value, response.GetValueOrDefault(kv.Key)));
        int low = (int)k["low"]!, high = (int)k["high"]!;
        return shared >= low && shared <= high ? null : $"{shared} words shared with the original, needs {low}–{high}";
    }

    static Dictionary<string, int> WordCounts(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Word().Matches(text.ToLowerInvariant())) counts[m.Value] = counts.GetValueOrDefault(m.Value) + 1;
        return counts;
    }

    static string? Rephrase(string r, JsonObject k)
    {
        if (!HasChange(r)) return "no *changed* span in the response";
        return Change().Replace(r, "") == Change().Replace(k["original_message"]!.GetValue<string>(), "")
            ? null : "the response differs from the original outside the *changed* spans";
    }

    static string? ConstrainedStart(string r, JsonObject k)
    {
        var starter = k["starter"]!.GetValue<string>();
        var re = new Regex(@"^\s*" + Regex.Escape(starter), RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        return re.IsMatch(r) ? null : $"no line starts with '{SampleJudge.Clip(starter)}'";
    }

    /// <summary>Whether the text has a <c>*…*</c> span on one line.</summary>
    internal static bool HasChange(string text) => Change().IsMatch(text);

    /// <summary>A <c>*…*</c> span, greedy within one line (as IFEval's <c>\*.*\*</c>).</summary>
    [GeneratedRegex(@"\*.*\*", RegexOptions.CultureInvariant)]
    private static partial Regex Change();

    [GeneratedRegex(@"\w+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
