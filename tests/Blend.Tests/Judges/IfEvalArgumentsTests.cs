using System.Text.Json.Nodes;

namespace Blend.Tests.Judges;

/// <summary>IFEval kwargs are validated as IFEval's build_description reads them; bad ones are errors naming instruction and kwarg.</summary>
public sealed class IfEvalArgumentsTests
{
    static Verdict Check(string response, string id, string kwargs) =>
        Judge.IfEval().Judge([new Sample("instructions", "p", response)
        {
            Metadata = new JsonObject { ["instruction_id_list"] = new JsonArray(id), ["kwargs"] = new JsonArray(JsonNode.Parse(kwargs)) },
        }])[0];

    static void IsError(string id, string kwargs, params string[] mentions)
    {
        var v = Check("Some response text. Another sentence here.", id, kwargs);
        Assert.True(v.Outcome == VerdictOutcome.Error, $"{id} {kwargs}: {v.Outcome} ({v.Reason})");
        Assert.StartsWith(id + ":", v.Reason);
        foreach (var m in mentions) Assert.Contains(m, v.Reason);
    }

    [Theory]
    [InlineData("keywords:letter_frequency", """{"letter":"a","let_frequency":-1,"let_relation":"at least"}""", "let_frequency")]
    [InlineData("keywords:letter_frequency", """{"letter":"a","let_frequency":0,"let_relation":"less than"}""", "let_frequency")]
    [InlineData("length_constraints:number_words", """{"num_words":-1,"relation":"less than"}""", "num_words")]
    [InlineData("length_constraints:number_words", """{"num_words":0,"relation":"at least"}""", "num_words")]
    [InlineData("length_constraints:number_sentences", """{"num_sentences":-3,"relation":"at least"}""", "num_sentences")]
    [InlineData("length_constraints:number_paragraphs", """{"num_paragraphs":0}""", "num_paragraphs")]
    [InlineData("keywords:frequency", """{"keyword":"a","frequency":-2,"relation":"at least"}""", "frequency")]
    [InlineData("detectable_content:number_placeholders", """{"num_placeholders":-1}""", "num_placeholders")]
    [InlineData("detectable_format:number_bullet_lists", """{"num_bullets":0}""", "num_bullets")]
    [InlineData("detectable_format:number_highlighted_sections", """{"num_highlights":-1}""", "num_highlights")]
    [InlineData("detectable_format:multiple_sections", """{"section_spliter":"SECTION","num_sections":0}""", "num_sections")]
    [InlineData("change_case:capital_word_frequency", """{"capital_frequency":-5,"capital_relation":"at least"}""", "capital_frequency")]
    [InlineData("length_constraints:nth_paragraph_first_word", """{"num_paragraphs":2,"nth_paragraph":0,"first_word":"a"}""", "nth_paragraph")]
    [InlineData("length_constraints:nth_paragraph_first_word", """{"num_paragraphs":2,"nth_paragraph":3,"first_word":"a"}""", "nth_paragraph")]
    public void Negative_or_zero_thresholds_are_errors(string id, string kwargs, string kwarg) => IsError(id, kwargs, kwarg, "kwargs." + kwarg);

    [Theory]
    [InlineData("length_constraints:number_words", """{"num_words":5,"relation":"at most"}""", "relation")]
    [InlineData("length_constraints:number_words", """{"num_words":5,"relation":"Less Than"}""", "relation")]
    [InlineData("length_constraints:number_sentences", """{"num_sentences":5,"relation":"less_than"}""", "relation")]
    [InlineData("keywords:letter_frequency", """{"letter":"a","let_frequency":2,"let_relation":"more than"}""", "let_relation")]
    [InlineData("change_case:capital_word_frequency", """{"capital_frequency":2,"capital_relation":""}""", "capital_relation")]
    public void Relation_names_must_be_less_than_or_at_least(string id, string kwargs, string kwarg) => IsError(id, kwargs, kwarg, "less than", "at least");

    [Theory]
    [InlineData("punctuation:no_comma", """{"num_words":3}""", "num_words")]
    [InlineData("length_constraints:number_words", """{"num_words":3,"relation":"at least","relaton":"x"}""", "relaton")]
    [InlineData("keywords:frequency", """{"keywords":["a"],"frequency":1,"relation":"at least"}""", "keywords")]
    [InlineData("startend:end_checker", """{"end_phrase":"x","phrase":"y"}""", "phrase")]
    public void Unknown_kwargs_are_errors_naming_instruction_and_kwarg(string id, string kwargs, string kwarg) => IsError(id, kwargs, "unknown kwarg", $"'{kwarg}'");

    [Theory]
    [InlineData("length_constraints:number_words", """{"num_words":"5","relation":"at least"}""", "num_words")]
    [InlineData("length_constraints:number_words", """{"num_words":2.5,"relation":"at least"}""", "num_words")]
    [InlineData("length_constraints:number_words", """{"num_words":true,"relation":"at least"}""", "num_words")]
    [InlineData("length_constraints:number_words", """{"num_words":3,"relation":3}""", "relation")]
    [InlineData("keywords:existence", """{"keywords":"python"}""", "keywords")]
    [InlineData("keywords:existence", """{"keywords":[]}""", "keywords")]
    [InlineData("keywords:existence", """{"keywords":["python", 3]}""", "keywords[1]")]
    [InlineData("keywords:forbidden_words", """{"forbidden_words":["  "]}""", "forbidden_words[0]")]
    [InlineData("keywords:letter_frequency", """{"letter":"ab","let_frequency":2,"let_relation":"at least"}""", "letter")]
    [InlineData("keywords:letter_frequency", """{"letter":"1","let_frequency":2,"let_relation":"at least"}""", "letter")]
    [InlineData("language:response_language", """{"language":"xx"}""", "language")]
    [InlineData("startend:end_checker", """{"end_phrase":"   "}""", "end_phrase")]
    [InlineData("startend:end_checker", """{}""", "end_phrase")]
    [InlineData("combination:repeat_prompt", """{"prompt_to_repeat":""}""", "prompt_to_repeat")]
    [InlineData("detectable_format:rephrase", """{"original_message":"no change marks"}""", "original_message")]
    [InlineData("detectable_content:rephrase_paragraph", """{"original_paragraph":"a b","low":3,"high":1}""", "high")]
    [InlineData("keywords:key_sentences", """{"key_sentences":["A."],"num_sentences":2}""", "num_sentences")]
    public void Mistyped_missing_or_empty_kwargs_are_errors(string id, string kwargs, string kwarg) => IsError(id, kwargs, "kwargs." + kwarg);

    [Fact]
    public void A_kwargs_entry_that_is_not_an_object_is_an_error()
    {
        var v = Judge.IfEval().Judge([new Sample("instructions", "p", "r")
        {
            Metadata = new JsonObject { ["instruction_id_list"] = new JsonArray("punctuation:no_comma"), ["kwargs"] = new JsonArray(3) },
        }])[0];
        Assert.Equal(VerdictOutcome.Error, v.Outcome);
        Assert.Contains("punctuation:no_comma", v.Reason);
    }

    [Fact]
    public void Keyword_and_phrase_padding_is_stripped_as_IFEval_strips_it()
    {
        // " python " would need spaces around every occurrence; IFEval strips the keyword first.
        Assert.Equal(VerdictOutcome.Pass, Check("python,python;python", "keywords:frequency", """{"keyword":" python ","frequency":3,"relation":"at least"}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("python,python", "keywords:frequency", """{"keyword":" python ","frequency":3,"relation":"at least"}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("I use Python.", "keywords:existence", """{"keywords":["  python\t"]}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("I use Python.", "keywords:forbidden_words", """{"forbidden_words":[" python "]}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("Done. Any other questions?", "startend:end_checker", """{"end_phrase":"  Any other questions?  "}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("Body\nP.S. bye", "detectable_content:postscript", """{"postscript_marker":" P.S. "}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("SECTION 1 a SECTION 2 b", "detectable_format:multiple_sections", """{"section_spliter":" SECTION ","num_sections":2}""").Outcome);
    }

    [Fact]
    public void Valid_kwargs_still_pass_and_fail_on_the_response()
    {
        Assert.Equal(VerdictOutcome.Pass, Check("aaa", "keywords:letter_frequency", """{"letter":"A","let_frequency":3,"let_relation":"at least"}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("aa", "keywords:letter_frequency", """{"letter":"a","let_frequency":3,"let_relation":"at least"}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("one two", "length_constraints:number_words", """{"num_words":3,"relation":"less than"}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("r", "punctuation:no_comma", """{"num_words":null,"relation":null}""").Outcome);   // HF nulls
    }

    // ---- checkers beyond the registry ----

    [Fact]
    public void Key_sentences_counts_whole_sentences()
    {
        const string id = "keywords:key_sentences";
        Assert.Equal(VerdictOutcome.Pass, Check("Hello there. For now, this is fine. Bye.", id, """{"key_sentences":["For now, this is fine."],"num_sentences":1}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("Hello there. For now this is fine. Bye.", id, """{"key_sentences":["For now, this is fine."],"num_sentences":1}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("A is one. B is two.", id, """{"key_sentences":["A is one.","B is two."],"num_sentences":1}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("A is one. B is two.", id, """{"key_sentences":["A is one.","B is two."],"num_sentences":2}""").Outcome);
    }

    [Fact]
    public void Rephrase_paragraph_counts_shared_words_with_multiplicity()
    {
        const string id = "detectable_content:rephrase_paragraph";
        const string original = """{"original_paragraph":"The cat sat on the mat","low":2,"high":3}""";
        Assert.Equal(VerdictOutcome.Pass, Check("A cat rested on a rug", id, original).Outcome);        // cat, on
        Assert.Equal(VerdictOutcome.Fail, Check("The cat sat on a rug", id, original).Outcome);        // the, cat, sat, on = 4
        Assert.Equal(VerdictOutcome.Fail, Check("A dog rested", id, original).Outcome);                // 0
        Assert.Equal(VerdictOutcome.Pass, Check("THE the CAT", id, original).Outcome);                 // the ×2, cat = 3
    }

    [Fact]
    public void Rephrase_changes_only_inside_asterisks()
    {
        const string id = "detectable_format:rephrase";
        const string original = """{"original_message":"I like *red* apples."}""";
        Assert.Equal(VerdictOutcome.Pass, Check("I like *green and yellow* apples.", id, original).Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("I love *green* apples.", id, original).Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("I like green apples.", id, original).Outcome);
    }

    [Fact]
    public void Constrained_start_looks_for_a_line_starting_with_the_starter()
    {
        const string id = "multi-turn:constrained_start";
        Assert.Equal(VerdictOutcome.Pass, Check("  I think so. Yes.", id, """{"starter":"I think"}""").Outcome);
        Assert.Equal(VerdictOutcome.Pass, Check("Hmm.\nI think so.", id, """{"starter":" I think "}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("Well, I think so.", id, """{"starter":"I think"}""").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Check("Ixthink", id, """{"starter":"I.think"}""").Outcome);   // literal, not a regex
        Assert.Contains("multi-turn:constrained_start", IfEvalJudge.SupportedInstructions);
    }
}
