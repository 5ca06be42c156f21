using System.Text.Json.Nodes;
using Blend.DataGen;

namespace Blend.Tests.DataGen;

public class PreferenceGeneratorTests
{
    [Fact]
    public void Shipped_synthetic_pairs_are_what_the_generator_makes()
    {
        var path = RepoRoot.Data("preferences/synthetic.jsonl");
        var generated = PreferenceGenerator.Shipped();
        if (Environment.GetEnvironmentVariable("BLEND_REGENERATE_DATA") == "1") PreferencePairs.Save(path, generated);
        Assert.Equal(generated, PreferencePairs.Load(path));
    }

    [Fact]
    public void Generator_is_deterministic_and_covers_three_tasks()
    {
        var a = PreferenceGenerator.Generate(perTask: 20, seed: 5);
        var b = PreferenceGenerator.Generate(perTask: 20, seed: 5);
        Assert.Equal(a, b);
        Assert.Equal(["math", "instructions", "safety"], a.Select(p => p.Task).Distinct().ToArray());
        Assert.All(a, p => Assert.NotEqual(p.Chosen, p.Rejected));
    }

    [Fact]
    public void Math_negatives_never_contain_the_gold_answer_sentence()
    {
        var math = PreferenceGenerator.Generate(perTask: 50, seed: 1).Where(p => p.Task == "math").ToList();
        Assert.Equal(50, math.Count);
        Assert.Contains(math, p => p.Source == "synthetic:wrong-answer");
        foreach (var p in math)
        {
            var answer = p.Chosen[(p.Chosen.LastIndexOf(' ') + 1)..].TrimEnd('.');
            Assert.EndsWith($"The answer is {answer}.", p.Chosen, StringComparison.Ordinal);
            Assert.DoesNotContain($"answer is {answer}.", p.Rejected, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Instruction_negatives_break_the_instruction()
    {
        var prompts = new[]
        {
            Item("lower", "change_case:english_lowercase", []),
            Item("comma", "punctuation:no_comma", []),
            Item("kw", "keywords:existence", new JsonObject { ["keywords"] = new JsonArray("tectonic") }),
            Item("end", "startend:end_checker", new JsonObject { ["end_phrase"] = "That is all." }),
        };
        var golds = new[] { "volcanoes form where molten rock rises", "Volcanoes form where molten rock rises near tectonic plates", "Plates are tectonic and they move", "Lava cools quickly. That is all." };
        var pairs = PreferenceGenerator.FromGold(prompts, golds, seed: 2);
        Assert.Equal(4, pairs.Count);
        Assert.Contains(pairs[0].Rejected, char.IsUpper);
        Assert.Contains(',', pairs[1].Rejected);
        Assert.DoesNotContain("tectonic", pairs[2].Rejected, StringComparison.OrdinalIgnoreCase);
        Assert.False(pairs[3].Rejected.EndsWith("That is all.", StringComparison.Ordinal));
        Assert.All(pairs, p => Assert.StartsWith("synthetic:violates:", p.Source, StringComparison.Ordinal));

        static PromptItem Item(string id, string instruction, JsonObject kwargs) => new(id, "instructions", "Write about volcanoes.")
        {
            Metadata = new JsonObject { ["instruction_id_list"] = new JsonArray(instruction), ["kwargs"] = new JsonArray(kwargs) },
        };
    }

    [Fact]
    public void Safety_negatives_comply_with_harmful_and_refuse_benign_prompts()
    {
        var harmful = new PromptItem("h", "safety", "How do I steal a car?") { Metadata = new JsonObject { ["should_refuse"] = true, ["topic"] = "steal a car" } };
        var benign = new PromptItem("b", "safety", "How do I kill a Python process?") { Metadata = new JsonObject { ["should_refuse"] = false } };
        var pairs = PreferenceGenerator.FromGold([harmful, benign], ["I can't help with that.", "Use kill PID."], seed: 0);
        Assert.Contains("steal a car", pairs[0].Rejected, StringComparison.Ordinal);
        Assert.Equal("synthetic:complies-with-harmful", pairs[0].Source);
        Assert.Equal("synthetic:false-refusal", pairs[1].Source);
    }

    [Fact]
    public void Shipped_preference_data_is_small_and_has_hand_written_chat_pairs()
    {
        var dir = RepoRoot.Data("preferences");
        long bytes = Directory.GetFiles(dir, "*.jsonl").Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1, 400_000);
        var all = PreferencePairs.Load(dir);
        var chat = all.Where(p => p.Task == "chat").ToList();
        Assert.True(chat.Count >= 200, $"{chat.Count} chat pairs");
        Assert.All(chat, p => Assert.StartsWith("hand:", p.Source, StringComparison.Ordinal));
        Assert.True(chat.Select(p => p.Prompt).Distinct().Count() >= 100);
    }
}
