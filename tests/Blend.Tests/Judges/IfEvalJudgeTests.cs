using System.Text.Json.Nodes;

namespace Blend.Tests.Judges;

public sealed class IfEvalJudgeTests
{
    static Verdict Check(string response, string ids, string kwargs, string prompt = "p") =>
        Judge.IfEval().Judge([new Sample("instructions", prompt, response)
        {
            Metadata = new JsonObject { ["instruction_id_list"] = JsonNode.Parse(ids), ["kwargs"] = JsonNode.Parse(kwargs) },
        }])[0];

    [Fact]
    public void Supports_all_25_ifeval_registry_ids_and_four_extra_checkers()
    {
        Assert.Equal(29, IfEvalJudge.SupportedInstructions.Count);
        Assert.Contains("keywords:key_sentences", IfEvalJudge.SupportedInstructions);
        Assert.Contains("length_constraints:nth_paragraph_first_word", IfEvalJudge.SupportedInstructions);
    }

    [Fact]
    public void Every_instruction_must_hold_and_the_reason_names_the_first_failure()
    {
        var ok = Check("hello there", """["punctuation:no_comma","change_case:english_lowercase"]""", "[{},{}]");
        Assert.Equal(VerdictOutcome.Pass, ok.Outcome);
        Assert.Equal(1.0, ok.Score);
        var bad = Check("Hello, there", """["punctuation:no_comma","change_case:english_lowercase"]""", "[{},{}]");
        Assert.Equal(VerdictOutcome.Fail, bad.Outcome);
        Assert.StartsWith("punctuation:no_comma:", bad.Reason);
        Assert.Equal(0.0, bad.Score);
    }

    [Fact]
    public void Relations_less_than_and_at_least_follow_ifeval()
    {
        const string words = """["length_constraints:number_words"]""";
        Assert.Equal(VerdictOutcome.Fail, Check("a b c", words, """[{"relation":"less than","num_words":3}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("a b", words, """[{"relation":"less than","num_words":3}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("a b c", words, """[{"relation":"at least","num_words":3}]""").Outcome);
        Assert.Equal(VerdictOutcome.Error, Check("a b c", words, """[{"relation":"about","num_words":3}]""").Outcome);
    }

    [Fact]
    public void Sentences_use_ifeval_splitting_rules()
    {
        Assert.Equal(["Mr. Smith paid $3.50 at example.com.", "He left!"], IfEvalSentences.Split("Mr. Smith paid $3.50 at example.com. He left!"));
        Assert.Equal(0, IfEvalSentences.Count(""));
        Assert.Equal(3, IfEvalSentences.Count("Wait... Really? Yes."));
    }

    [Fact]
    public void Paragraphs_are_star_divided_and_nth_paragraph_first_word_is_checked()
    {
        Assert.Equal(VerdictOutcome.Pass, Check("a\n***\nb", """["length_constraints:number_paragraphs"]""", """[{"num_paragraphs":2}]""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("a\n\nb", """["length_constraints:number_paragraphs"]""", """[{"num_paragraphs":2}]""").Outcome);
        const string nth = """["length_constraints:nth_paragraph_first_word"]""";
        Assert.Equal(VerdictOutcome.Pass, Check("x\n\n\"Then, y", nth, """[{"num_paragraphs":2,"nth_paragraph":2,"first_word":"then"}]""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("x\n\nThen y\n\nz", nth, """[{"num_paragraphs":2,"nth_paragraph":2,"first_word":"then"}]""").Outcome);
    }

    [Fact]
    public void Format_instructions_highlights_placeholders_postscript_title_sections()
    {
        Assert.Equal(VerdictOutcome.Pass, Check("*a* **b**", """["detectable_format:number_highlighted_sections"]""", """[{"num_highlights":2}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("[a] [b]", """["detectable_content:number_placeholders"]""", """[{"num_placeholders":2}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("hi\np.s. bye", """["detectable_content:postscript"]""", """[{"postscript_marker":"P.S."}]""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("hi\nps bye", """["detectable_content:postscript"]""", """[{"postscript_marker":"P.S."}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("<<T>> x", """["detectable_format:title"]""", "[{}]").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("SECTION 1 a SECTION 2 b", """["detectable_format:multiple_sections"]""", """[{"section_spliter":"SECTION","num_sections":2}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("Repeat me. ok", """["combination:repeat_prompt"]""", """[{"prompt_to_repeat":"repeat me."}]""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("\"x\"", """["startend:quotation"]""", "[{}]").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("\"That is all.\"", """["startend:end_checker"]""", """[{"end_phrase":"That is all."}]""").Outcome);
    }

    [Fact]
    public void Missing_metadata_unknown_ids_and_misaligned_kwargs_are_errors()
    {
        Assert.Equal(VerdictOutcome.Error, Judge.IfEval().Judge([new Sample("instructions", "p", "r")])[0].Outcome);
        var unknown = Check("r", """["punctuation:no_comma","made:up"]""", "[{},{}]");
        Assert.Equal(VerdictOutcome.Error, unknown.Outcome);
        Assert.Contains("made:up", unknown.Reason);
        Assert.Equal(VerdictOutcome.Error, Check("r", """["punctuation:no_comma"]""", "[{},{}]").Outcome);
        Assert.Equal(VerdictOutcome.Error, Check("r", """["length_constraints:number_words"]""", """[{"relation":"at least"}]""").Outcome);
    }
}
