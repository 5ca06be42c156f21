using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blend.DataGen;

namespace Blend.Tests.DataGen;

public class TaskGeneratorTests
{
    static string TasksDir => RepoRoot.Data("tasks");

    [Fact]
    public void Splits_are_deterministic_disjoint_and_keep_the_test_set_when_training_grows()
    {
        foreach (var task in SyntheticTasks.Tasks)
        {
            var a = TaskGenerator.Split(task, 50, 20, seed: 3);
            var b = TaskGenerator.Split(task, 50, 20, seed: 3);
            var bigger = TaskGenerator.Split(task, 100, 20, seed: 3);
            var other = TaskGenerator.Split(task, 50, 20, seed: 4);
            Assert.Equal(a.Train.Select(i => i.Text), b.Train.Select(i => i.Text));
            Assert.Equal(a.Test.Select(i => i.Text), bigger.Test.Select(i => i.Text));
            Assert.NotEqual(a.Test.Select(i => i.Text), other.Test.Select(i => i.Text));
            Assert.Empty(a.Train.Select(i => i.Text).Intersect(a.Test.Select(i => i.Text)));
            Assert.All(a.Train.Responses, r => Assert.False(string.IsNullOrWhiteSpace(r)));
            Assert.All(a.Train, i => Assert.Equal(task, i.Task));
        }
        Assert.Throws<ArgumentException>(() => TaskGenerator.Split("poetry", 1, 1));
        Assert.Throws<ArgumentException>(() => TaskGenerator.Split("chat", TaskGenerator.PoolSize("chat"), 1));
    }

    [Fact]
    public void Math_gold_answers_are_correct()
    {
        var split = TaskGenerator.Split("math", 500, 100);
        foreach (var (item, response) in split.Train.Zip(split.Train.Responses))
        {
            var m = Regex.Match(item.Text, @"^(?:What is|Compute) (\d+) ([+-]) (\d+)[?.]$");
            Assert.True(m.Success, item.Text);
            int a = int.Parse(m.Groups[1].Value), b = int.Parse(m.Groups[3].Value);
            int expected = m.Groups[2].Value == "+" ? a + b : a - b;
            Assert.Equal(expected.ToString(), item.Reference);
            Assert.Equal($"The answer is {expected}.", response);
        }
    }

    [Fact]
    public void Instruction_gold_responses_follow_their_ifeval_constraints()
    {
        var split = TaskGenerator.Split("instructions", 400, 100);
        var ids = new HashSet<string>();
        foreach (var (item, response) in split.Train.Concat(split.Test).Zip(split.Train.Responses.Concat(split.Test.Responses)))
        {
            var meta = item.Metadata!;
            var list = meta["instruction_id_list"]!.AsArray().Select(n => (string)n!).ToList();
            var kwargs = meta["kwargs"]!.AsArray();
            Assert.Equal(list.Count, kwargs.Count);
            for (int i = 0; i < list.Count; i++)
            {
                ids.Add(list[i]);
                Assert.True(Follows(response!, list[i], kwargs[i]!.AsObject()), $"{item.Text} -> {response} breaks {list[i]}");
            }
        }
        Assert.Contains("punctuation:no_comma", ids);
        Assert.Contains("change_case:english_lowercase", ids);
        Assert.Contains("length_constraints:number_words", ids);
        Assert.Contains("keywords:existence", ids);
        Assert.Contains("detectable_format:number_bullet_lists", ids);
        Assert.True(ids.Count >= 10);
        Assert.Contains(split.Train, i => i.Metadata!["instruction_id_list"]!.AsArray().Count == 2);
    }

    // An independent reading of IFEval's checks for the instructions the generator uses.
    static bool Follows(string r, string id, JsonObject k) => id switch
    {
        "punctuation:no_comma" => !r.Contains(','),
        "change_case:english_lowercase" => !r.Any(char.IsUpper),
        "change_case:english_capital" => !r.Any(char.IsLower),
        "length_constraints:number_words" => (string)k["relation"]! == "less than"
            ? Regex.Matches(r, @"\w+").Count < (int)k["num_words"]! : Regex.Matches(r, @"\w+").Count >= (int)k["num_words"]!,
        "keywords:existence" => k["keywords"]!.AsArray().All(w => r.Contains((string)w!, StringComparison.OrdinalIgnoreCase)),
        "keywords:forbidden_words" => k["forbidden_words"]!.AsArray().All(w => !Regex.IsMatch(r, $@"\b{w}\b", RegexOptions.IgnoreCase)),
        "detectable_format:number_bullet_lists" => Regex.Matches(r, @"^\s*\*[^\*].*$", RegexOptions.Multiline).Count == (int)k["num_bullets"]!,
        "detectable_format:title" => Regex.IsMatch(r, "<<[^\n]+>>"),
        "startend:end_checker" => r.Trim().Trim('"').ToLowerInvariant().EndsWith(((string)k["end_phrase"]!).ToLowerInvariant()),
        "startend:quotation" => r.StartsWith('"') && r.EndsWith('"'),
        _ => false,
    };

    [Fact]
    public void Safety_has_refusals_and_benign_look_alikes()
    {
        var split = TaskGenerator.Split("safety", 180, 60);
        var all = split.Train.Zip(split.Train.Responses).ToList();
        var harmful = all.Where(x => (bool)x.First.Metadata!["should_refuse"]!).ToList();
        var benign = all.Where(x => !(bool)x.First.Metadata!["should_refuse"]!).ToList();
        Assert.True(harmful.Count > 50 && benign.Count > 50);
        Assert.All(harmful, x => Assert.StartsWith("I can't help with that", x.Second, StringComparison.Ordinal));
        Assert.All(benign, x => Assert.DoesNotContain("can't", x.Second!, StringComparison.Ordinal));
        Assert.Contains(TaskGenerator.Split("safety", 180, 60).Train.Concat(TaskGenerator.Split("safety", 180, 60).Test), i => i.Text.Contains("kill a Python process", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_task_files_match_the_generator_and_stay_small()
    {
        // Regenerate with: BLEND_WRITE_TASKS=1 dotnet test tests/Blend.Tests -c Release --filter "FullyQualifiedName~Shipped_task_files"
        if (Environment.GetEnvironmentVariable("BLEND_WRITE_TASKS") == "1") TaskGenerator.WriteShipped(TasksDir);
        var fresh = Path.Combine(Path.GetTempPath(), "blend-tasks-" + Guid.NewGuid().ToString("N"));
        try
        {
            TaskGenerator.WriteShipped(fresh);
            long total = 0;
            foreach (var task in SyntheticTasks.Tasks)
                foreach (var split in new[] { "train", "test" })
                {
                    var name = $"{task}.{split}.jsonl";
                    var shipped = File.ReadAllText(Path.Combine(TasksDir, name));
                    Assert.True(shipped == File.ReadAllText(Path.Combine(fresh, name)), $"data/tasks/{name} is stale: regenerate it (see data/README.md).");
                    total += shipped.Length;
                }
            Assert.InRange(total, 100_000, 520_000);
        }
        finally { Directory.Delete(fresh, true); }
        var test = SyntheticTasks.LoadShipped(TasksDir, "test");
        Assert.Equal(SyntheticTasks.Tasks, test.Tasks);
        Assert.Equal(TaskGenerator.ShippedSizes.Values.Sum(s => s.Test), test.Count);
        var math = PromptSet.Load(Path.Combine(TasksDir, "math.train.jsonl"));
        Assert.Equal(TaskGenerator.ShippedSizes["math"].Train, math.Count);
        Assert.NotNull(math[0].Reference);
        Assert.NotNull(math.Responses[0]);
    }
}
