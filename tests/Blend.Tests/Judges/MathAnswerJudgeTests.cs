namespace Blend.Tests.Judges;

public sealed class MathAnswerJudgeTests
{
    static Verdict Judged(string response, string? reference, MathAnswerOptions? options = null) =>
        Judge.MathAnswer(options ?? new MathAnswerOptions()).Judge([new Sample("math", "q", response) { Reference = reference }])[0];

    static VerdictOutcome Check(string response, string? reference, double tolerance = 0) =>
        Judge.MathAnswer(tolerance).Judge([new Sample("math", "q", response) { Reference = reference }])[0].Outcome;

    static void Passes(string response, string reference)
    {
        var v = Judged(response, reference);
        Assert.True(v.Outcome == VerdictOutcome.Pass, $"'{response}' vs '{reference}': {v.Outcome} ({v.Reason})");
    }

    static void Fails(string response, string reference)
    {
        var v = Judged(response, reference);
        Assert.True(v.Outcome == VerdictOutcome.Fail, $"'{response}' vs '{reference}': {v.Outcome} ({v.Reason})");
    }

    static void Errs(string response, string reference)
    {
        var v = Judged(response, reference);
        Assert.True(v.Outcome == VerdictOutcome.Error, $"'{response}' vs '{reference}': {v.Outcome} ({v.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(v.Reason));
    }

    // ---- the failures the issue lists (each was a wrong verdict of the first-number judge) ----

    [Theory]
    [InlineData("\\boxed{x < 5}", "x > 5")]
    [InlineData("\\boxed{2021}", "\\pm 2021")]
    [InlineData("\\boxed{\\sqrt{67}}", "\\sqrt{67},-\\sqrt{85}")]
    [InlineData("\\boxed{2}", "\\frac{1+\\sqrt{5}}{2}")]
    [InlineData("\\boxed{(0, 1)}", "[0,1)")]
    [InlineData("\\boxed{\\text{Monday}}", "\\text{Tuesday}")]
    public void Wrong_answers_that_share_a_leading_number_fail(string response, string reference) => Fails(response, reference);

    [Theory]
    [InlineData("So the set is $[0,1)$", "[0,1)")]
    [InlineData("\\boxed{14{,}916}", "14916")]
    [InlineData("\\boxed{\\cfrac{1}{3}}", "1/3")]
    [InlineData("\\boxed{\\frac3{3}}", "1")]
    [InlineData("\\boxed{918\\frac{1}{2}}", "918.5")]
    [InlineData("\\boxed{\\text{Tuesday}}", "\\text{Tuesday}")]
    public void Right_answers_the_first_number_judge_rejected_pass(string response, string reference) => Passes(response, reference);

    // ---- extraction ----

    [Fact]
    public void Extraction_order_box_then_later_statement_then_math_then_equals_then_number()
    {
        Assert.Equal("7", MathAnswer.Extract("3 and \\boxed{7} and 9"));
        Assert.Equal("5", MathAnswer.Extract("2 then the answer is 5."));
        Assert.Equal("9", MathAnswer.Extract("3 and 9"));
        Assert.Null(MathAnswer.Extract("none"));
        Assert.Equal("8", MathAnswer.Extract("First \\boxed{7}, but wait. The final answer is 8."));
        Assert.Equal("7", MathAnswer.Extract("The final answer is \\boxed{7}."));
        Assert.Equal("\\frac{1}{2}", MathAnswer.Extract("Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct."));
        Assert.Equal("x = 3", MathAnswer.Extract("We get $x^2 = 9$ and finally $x = 3$ here"));
        Assert.Equal("\\frac{1}{2}", MathAnswer.Extract("So x = \\frac{1}{2}"));
        Assert.Equal("(B)", MathAnswer.Extract("Answer: (B)"));
        Assert.Equal("\\frac{3}{4}", MathAnswer.Extract("\\fbox{\\frac{3}{4}}"));
        Assert.Equal("1,234.50", MathAnswer.Extract("Total: $1,234.50"));
        Assert.Equal("x\\in[0,1)", MathAnswer.Extract("\\boxed{x\\in[0,1)}"));
    }

    [Theory]
    [InlineData("I first thought \\boxed{4}. Actually the final answer is 5.", "5")]
    [InlineData("The answer is:\n$$\\frac{2}{3}$$", "2/3")]
    [InlineData("We compute \\[ \\sqrt{2}\\cdot\\sqrt{8} = 4 \\]", "4")]
    [InlineData("It costs $5 and then $6 more, so 11 in total", "11")]
    [InlineData("**Answer:** 12", "12")]
    public void Extraction_reads_the_final_statement(string response, string reference) => Passes(response, reference);

    [Fact]
    public void A_later_box_wins_over_an_earlier_statement() => Fails("The answer is 5. Hmm, no: \\boxed{6}", "5");

    // ---- numbers ----

    [Theory]
    [InlineData("The answer is 42.", "42")]
    [InlineData("\\boxed{\\frac{3}{4}}", "0.75")]
    [InlineData("so it is \\dfrac{6}{8}", "3/4")]
    [InlineData("\\boxed{\\tfrac12}", "0.5")]
    [InlineData("The final answer is 1,234,567", "1234567")]
    [InlineData("\\boxed{1\\,234\\,567}", "1234567")]
    [InlineData("\\boxed{1\\!234}", "1234")]
    [InlineData("\\boxed{1\u2009234}", "1234")]
    [InlineData("\\boxed{3{,}5}", "3.5")]
    [InlineData("\\boxed{3,5}", "3.5")]
    [InlineData("\\boxed{0,25}", "1/4")]
    [InlineData("\\boxed{2\\frac{3}{4}}", "11/4")]
    [InlineData("\\boxed{-2\\frac{1}{2}}", "-2.5")]
    [InlineData("The answer is 3 1/2", "7/2")]
    [InlineData("\\boxed{1.5\\times 10^{3}}", "1500")]
    [InlineData("\\boxed{2^{10}}", "1024")]
    [InlineData("\\boxed{5!}", "120")]
    [InlineData("\\boxed{\\binom{5}{2}}", "10")]
    [InlineData("\\boxed{.5}", "0.5")]
    [InlineData("\\boxed{3.0}", "3")]
    [InlineData("\\boxed{\u22127}", "-7")]
    [InlineData("\\boxed{11,\\! 111}", "11111")]
    [InlineData("\\boxed{0.\\overline{3}}", "1/3")]
    [InlineData("\\boxed{0.1\\overline{6}}", "\\frac16")]
    [InlineData("\\boxed{1:2}", "1:2")]
    public void Equal_numbers_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("The answer is 41.", "42")]
    [InlineData("The answer is 3", "-3")]
    [InlineData("The answer is 0.3333", "1/3")]
    [InlineData("\\boxed{1,234}", "1.234")]
    [InlineData("\\boxed{9181/2}", "918.5")]
    [InlineData("\\boxed{2\\frac{1}{2}}", "1")]
    [InlineData("\\boxed{10}", "\\binom{5}{3}+1")]
    [InlineData("\\boxed{1.41421356}", "\\sqrt{2}")]
    [InlineData("\\boxed{0.\\overline{3}}", "0.3")]
    [InlineData("\\boxed{11,\\! 112}", "11111")]
    [InlineData("\\boxed{1:3}", "1:2")]
    public void Different_numbers_fail(string response, string reference) => Fails(response, reference);

    [Theory]
    [InlineData("no numbers", "1")]
    [InlineData("", "1")]
    public void Missing_answers_fail(string response, string reference) => Assert.Equal(VerdictOutcome.Fail, Check(response, reference));

    // ---- symbolic ----

    [Theory]
    [InlineData("\\boxed{(r+5)(r+5)}", "(r+5)^2")]
    [InlineData("\\boxed{\\sqrt{12}}", "2\\sqrt3")]
    [InlineData("\\boxed{\\frac{\\pi}{2}}", "\\pi/2")]
    [InlineData("\\boxed{2\\pi r}", "2r\\pi")]
    [InlineData("\\boxed{x^2-1}", "(x-1)(x+1)")]
    [InlineData("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{\\sqrt{2}}{2}")]
    [InlineData("\\boxed{e^{i\\pi}}", "-1")]
    [InlineData("\\boxed{\\sqrt{-4}}", "2i")]
    [InlineData("\\boxed{3+4i}", "4i+3")]
    [InlineData("\\boxed{\\sin^2 x + \\cos^2 x}", "1")]
    [InlineData("\\boxed{\\log_2 8}", "3")]
    [InlineData("\\boxed{\\sqrt[3]{-8}}", "-2")]
    [InlineData("\\boxed{|-3|}", "3")]
    [InlineData("\\boxed{\\dfrac{a+b}{2}}", "\\frac{b+a}{2}")]
    [InlineData("\\boxed{2\\cdot 3^{x}}", "2 \\times 3^x")]
    [InlineData("The answer is sqrt(2)/2", "\\frac{\\sqrt2}{2}")]
    [InlineData("The answer is 2*pi", "2\\pi")]
    [InlineData("\\boxed{\\frac{5\\sqrt{3}}{3}}", "\\frac{5}{\\sqrt3}")]
    [InlineData("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\sin 60^\\circ")]
    public void Equal_expressions_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{\\sqrt{13}}", "\\sqrt{15}")]
    [InlineData("\\boxed{2\\pi}", "2")]
    [InlineData("\\boxed{\\pi}", "2\\pi")]
    [InlineData("\\boxed{3.14}", "\\pi")]
    [InlineData("\\boxed{(r+5)^2}", "r^2+25")]
    [InlineData("\\boxed{x+1}", "y+1")]
    [InlineData("\\boxed{\\frac{1-\\sqrt{5}}{2}}", "\\frac{1+\\sqrt{5}}{2}")]
    [InlineData("\\boxed{e}", "\\pi")]
    public void Different_expressions_fail(string response, string reference) => Fails(response, reference);

    // ---- ± ----

    [Theory]
    [InlineData("\\boxed{\\pm 2021}", "\\pm 2021")]
    [InlineData("\\boxed{2021, -2021}", "\\pm 2021")]
    [InlineData("\\boxed{1\\pm\\sqrt{2}}", "1+\\sqrt2, 1-\\sqrt2")]
    [InlineData("\\boxed{-\\sqrt{2}, \\sqrt{2}}", "\\pm\\sqrt{2}")]
    public void Plus_minus_is_a_pair_of_solutions(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{-2021}", "\\pm 2021")]
    [InlineData("\\boxed{1+\\sqrt{2}}", "1\\pm\\sqrt{2}")]
    [InlineData("\\boxed{\\pm 2021}", "2021")]
    public void Dropping_or_adding_plus_minus_fails(string response, string reference) => Fails(response, reference);

    // ---- intervals ----

    [Theory]
    [InlineData("\\boxed{[0, 1)}", "[0,1)")]
    [InlineData("\\boxed{\\left[0, 1\\right)}", "[0,1)")]
    [InlineData("\\boxed{(-\\infty, 3] \\cup (5, \\infty)}", "(5,\\infty)\\cup(-\\infty,3]")]
    [InlineData("\\boxed{x \\in [2, 7]}", "[2,7]")]
    [InlineData("\\boxed{(-\\infty, 5)}", "x < 5")]
    [InlineData("\\boxed{[-2, \\infty)}", "x \\ge -2")]
    [InlineData("\\boxed{1 < x \\le 3}", "(1,3]")]
    [InlineData("\\boxed{(\\frac{1}{2}, \\sqrt{2})}", "(0.5, \\sqrt 2)")]
    public void Equal_intervals_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{(0, 1)}", "[0,1)")]
    [InlineData("\\boxed{[0, 1]}", "[0,1)")]
    [InlineData("\\boxed{[0, 2)}", "[0,1)")]
    [InlineData("\\boxed{(-\\infty, 3)}", "(-\\infty,3]")]
    [InlineData("\\boxed{(-\\infty, 3]}", "(-\\infty,3] \\cup (5,\\infty)")]
    [InlineData("\\boxed{(3, \\infty)}", "(-\\infty, 3)")]
    [InlineData("\\boxed{(5, \\infty)}", "x \\ge 5")]
    public void Wrong_interval_ends_fail(string response, string reference) => Fails(response, reference);

    // ---- tuples, lists, sets ----

    [Theory]
    [InlineData("\\boxed{(1, 2)}", "(1,2)")]
    [InlineData("\\boxed{x=1, x=2}", "2, 1")]
    [InlineData("\\boxed{2, 1}", "1, 2")]
    [InlineData("\\boxed{\\{3, 1, 2\\}}", "\\{1,2,3\\}")]
    [InlineData("$x = 3$ or $x = -1$. The answer is $x = 3 \\text{ or } x = -1$", "-1, 3")]
    [InlineData("\\boxed{(\\frac{1}{2}, -3, 0)}", "(0.5,-3,0)")]
    [InlineData("\\boxed{\\emptyset}", "\\{\\}")]
    public void Equal_collections_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{(2, 1)}", "(1,2)")]
    [InlineData("\\boxed{1}", "1, 2")]
    [InlineData("\\boxed{1, 2, 3}", "1, 2")]
    [InlineData("\\boxed{1, 2}", "(1, 2)")]
    [InlineData("\\boxed{\\{1, 2\\}}", "\\{1,3\\}")]
    [InlineData("\\boxed{1, 1}", "1, 2")]
    public void Wrong_collections_fail(string response, string reference) => Fails(response, reference);

    [Fact]
    public void Order_can_be_required()
    {
        var ordered = new MathAnswerOptions { OrderMatters = true };
        Assert.Equal(VerdictOutcome.Fail, Judged("\\boxed{2, 1}", "1, 2", ordered).Outcome);
        Assert.Equal(VerdictOutcome.Pass, Judged("\\boxed{1, 2}", "1, 2", ordered).Outcome);
        Assert.Equal(VerdictOutcome.Pass, Judged("\\boxed{\\{2, 1\\}}", "\\{1, 2\\}", ordered).Outcome);
    }

    // ---- relations ----

    [Theory]
    [InlineData("\\boxed{x \\ge 5}", "5 \\le x")]
    [InlineData("\\boxed{x \\geq 5}", "x>=5")]
    [InlineData("\\boxed{y = 2x + 1}", "y = 1 + 2x")]
    [InlineData("\\boxed{2x - y + 1 = 0}", "y = 2x + 1")]
    [InlineData("\\boxed{x = 5}", "5")]
    [InlineData("\\boxed{5}", "x = 5")]
    [InlineData("\\boxed{k = \\frac{1}{2}}", "0.5")]
    [InlineData("\\boxed{f(x) = 2x+1}", "2x+1")]
    [InlineData("\\boxed{4\\sqrt{3} \\approx 6.93}", "4\\sqrt3")]
    [InlineData("\\boxed{x \\neq 3}", "x \\ne 3")]
    public void Equal_relations_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{x > 5}", "x \\ge 5")]
    [InlineData("\\boxed{x < 5}", "x \\ge 5")]
    [InlineData("\\boxed{y = 2x - 1}", "y = 2x + 1")]
    [InlineData("\\boxed{x = 2}", "x^2 = 4")]
    [InlineData("\\boxed{x = 6}", "5")]
    [InlineData("\\boxed{x \\le 5}", "x \\ge 5")]
    [InlineData("\\boxed{x - 1 = 5}", "5")]
    [InlineData("\\boxed{2x = 10}", "10")]
    [InlineData("\\boxed{4\\sqrt{2} \\approx 6.93}", "4\\sqrt3")]
    public void Flipped_or_different_relations_fail(string response, string reference) => Fails(response, reference);

    // ---- units, percent, degrees, currency, words, choices ----

    [Theory]
    [InlineData("That is 12.5%", "12.5")]
    [InlineData("\\boxed{25\\%}", "0.25")]
    [InlineData("\\boxed{25}", "25\\%")]
    [InlineData("The answer is -3 degrees", "-3")]
    [InlineData("\\boxed{30^\\circ}", "30")]
    [InlineData("\\boxed{30^{\\circ}}", "30^\\circ")]
    [InlineData("\\boxed{45°}", "45")]
    [InlineData("The answer is $\\$5.00$", "5")]
    [InlineData("\\boxed{\\$1,250}", "1250")]
    [InlineData("\\boxed{12 \\text{ cm}^2}", "12")]
    [InlineData("\\boxed{5\\text{ meters}}", "5")]
    [InlineData("The answer is 12 minutes.", "12")]
    [InlineData("\\boxed{\\text{Sunday}}", "\\text{Sunday}")]
    [InlineData("\\boxed{\\textbf{(B)}}", "B")]
    [InlineData("The answer is (B).", "\\text{(B)}")]
    [InlineData("\\boxed{\\mathrm{B}}", "(B)")]
    [InlineData("\\boxed{B}", "\\textbf{(B)}")]
    [InlineData("Answer: (C) 42", "C")]
    [InlineData("\\boxed{\\textbf{(E) } 10}", "E")]
    [InlineData("\\boxed{\\text{(D)}\\ 8}", "D")]
    [InlineData("\\boxed{\\text{Option } B}", "B")]
    public void Units_percent_words_and_choices_pass(string response, string reference) => Passes(response, reference);

    [Theory]
    [InlineData("\\boxed{\\text{Monday}}", "\\text{Sunday}")]
    [InlineData("\\boxed{\\text{(C)}}", "B")]
    [InlineData("\\boxed{26\\%}", "0.25")]
    [InlineData("\\boxed{31^\\circ}", "30")]
    [InlineData("\\boxed{\\text{even}}", "\\text{odd}")]
    [InlineData("\\boxed{5}", "\\text{five}")]
    [InlineData("The answer is 42", "B")]
    public void Wrong_words_choices_and_values_fail(string response, string reference) => Fails(response, reference);

    // ---- unreadable: error, never a guess ----

    [Theory]
    [InlineData("\\boxed{\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}")]
    [InlineData("\\boxed{\\foo{3}}", "3")]
    [InlineData("\\boxed{5 \\text{ is wrong but } 6}", "6")]
    [InlineData("\\boxed{1, 2, \\ldots}", "1, 2")]
    [InlineData("\\boxed{((1, 2}", "(1, 2)")]
    [InlineData("\\boxed{x^{23}}", "x^23")]
    public void Unreadable_answers_are_errors_with_a_reason(string response, string reference) => Errs(response, reference);

    [Theory]
    [InlineData("\\boxed{\\text{not } 5}", "5")]
    [InlineData("\\boxed{5 \\text{ is false}}", "5")]
    [InlineData("\\boxed{\\text{approximately } 5}", "5")]
    [InlineData("The answer is not 5.", "5")]
    [InlineData("\\boxed{6 = 5}", "5")]
    [InlineData("\\boxed{x = 2 = 5}", "5")]
    [InlineData("\\boxed{5 \\text{ or } 6}", "5")]
    [InlineData("\\boxed{A, B, C, D}", "B")]
    [InlineData("\\boxed{(A) \\text{ or } (B)}", "B")]
    [InlineData("\\boxed{\\infty + 1}", "\\infty")]
    [InlineData("\\boxed{0/0}", "5")]
    [InlineData("\\boxed{x}", "5")]
    [InlineData("\\boxed{0 = 0}", "y = 2x + 1")]
    public void Attacks_do_not_pass(string response, string reference) =>
        Assert.NotEqual(VerdictOutcome.Pass, Judged(response, reference).Outcome);

    [Fact]
    public void Reals_and_true_constant_equations()
    {
        Passes("\\boxed{(-\\infty, \\infty)}", "\\mathbb{R}");
        Passes("\\boxed{2 + 3 = 5}", "5");
    }

    // ---- options and API ----

    [Fact]
    public void Tolerance_and_missing_reference()
    {
        Assert.Equal(VerdictOutcome.Pass, Check("The answer is 0.3333", "1/3", tolerance: 1e-3));
        Assert.Equal(VerdictOutcome.Error, Check("The answer is 1", null));
        Assert.Equal(VerdictOutcome.Pass, Check("The answer is x + 1.", "x+1"));
        Assert.Equal(VerdictOutcome.Pass, Judged("\\boxed{101}", "100", new MathAnswerOptions { RelativeTolerance = 0.02 }).Outcome);
        Assert.Equal(VerdictOutcome.Fail, Judged("\\boxed{103}", "100", new MathAnswerOptions { RelativeTolerance = 0.02 }).Outcome);
        Assert.Equal(VerdictOutcome.Pass, Judged("\\boxed{3.1416}", "\\pi", new MathAnswerOptions { AbsoluteTolerance = 1e-4 }).Outcome);
        Assert.Throws<ArgumentOutOfRangeException>(() => Judge.MathAnswer(new MathAnswerOptions { RelativeTolerance = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Judge.MathAnswer(tolerance: double.NaN));
    }

    [Fact]
    public void Parse_and_equivalent_read_the_same_engine()
    {
        Assert.Equal(MathNumber.Of(1, 2), MathAnswer.Parse("\\frac{2}{4}"));
        Assert.Equal(MathNumber.Of(-5, 2), MathAnswer.Parse("-2.5 km"));
        Assert.Equal(MathNumber.Of(1837, 2), MathAnswer.Parse("918\\frac{1}{2}"));
        Assert.Null(MathAnswer.Parse("\\sqrt{2}"));
        Assert.True(MathAnswer.Equivalent("\\sqrt{12}", "2\\sqrt{3}"));
        Assert.False(MathAnswer.Equivalent("x < 5", "x > 5"));
        var e = Assert.Throws<FormatException>(() => MathAnswer.Equivalent("\\begin{bmatrix}1\\end{bmatrix}", "1"));
        Assert.Contains("matri", e.Message);
    }

    [Fact]
    public void Final_answer_format_can_be_required()
    {
        var strict = Judge.MathAnswer(requireFinalAnswerFormat: true);
        Assert.Equal(VerdictOutcome.Fail, strict.Judge([new Sample("math", "q", "it is 4") { Reference = "4" }])[0].Outcome);
        Assert.Equal(VerdictOutcome.Pass, strict.Judge([new Sample("math", "q", "The final answer is 4") { Reference = "4" }])[0].Outcome);
    }

    [Fact]
    public void Hostile_inputs_end_quickly_with_a_verdict()
    {
        var deep = new string('(', 5000) + "1" + new string(')', 5000);
        Assert.NotEqual(VerdictOutcome.Pass, Judged("\\boxed{" + deep + "}", "2").Outcome);
        Assert.Equal(VerdictOutcome.Fail, Judged("\\boxed{2^{2^{2^{2^{2^{2}}}}}}", "3").Outcome);
        Assert.Equal(VerdictOutcome.Error, Judged("\\boxed{" + new string('9', 5000) + "}", "3").Outcome);
        var big = string.Concat(Enumerable.Repeat("so $x$ and ", 20000)) + "\\boxed{3}";
        Assert.Equal(VerdictOutcome.Pass, Judged(big, "3").Outcome);
    }
}
