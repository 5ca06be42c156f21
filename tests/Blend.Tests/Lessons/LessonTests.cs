using System.Text.RegularExpressions;
using Blend.Tests.Interactive;
using Blend.Tests.Packaging;

namespace Blend.Tests.Lessons;

/// <summary>
/// Every lesson in lessons/ runs with its one command (quick by default) and writes one offline HTML page holding the
/// stages its notebook renders: plotly.js inlined once when a chart is on the page, no script or style fetched from
/// the network, no warning from the build.
/// </summary>
[Collection("Packages")]
public sealed class LessonTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(8);

    public static TheoryData<string, string[]> CSharpLessons() => new()
    {
        { "01-judges", ["Math answers", "Judge report", "The report as a Deedle frame", "Aggregation rules", "Judge quality"] },
        { "02-reward-models", ["Preference accuracy", "Breakdown", "A biased reward"] },
        { "03-cgpo-multitask", ["The policy", "Supervised fine-tuning", "Training (the live chart, final)", "CGPO result", "KL and length"] },
        { "04-reward-hacking", ["PPO (no judges)", "CGPO (CRPG + word limit)", "Rewards"] },
        { "05-rewarded-soups", ["Vowel expert", "Soup sweep", "Soups vs MORL", "The sweep as a Deedle frame"] },
    };

    [Theory]
    [MemberData(nameof(CSharpLessons))]
    public void A_csharp_lesson_runs_as_a_file_based_app_and_writes_its_page(string lesson, string[] stages)
    {
        var outDir = Directory.CreateTempSubdirectory("blend-lesson-").FullName;
        try
        {
            var run = ProcessRun.Run("dotnet", ["run", RepoRoot.File("lessons/" + lesson + ".cs"), "--", "--out", outDir], RepoRoot.Path, Deadline,
                new Dictionary<string, string?> { ["TorchBackend"] = null, ["BLEND_DEVICE"] = "cpu" });
            Assert.True(run.ExitCode == 0, run.All);
            Assert.DoesNotMatch(new Regex(@"\bwarning\b", RegexOptions.IgnoreCase), run.All);
            CheckPage(Path.Combine(outDir, lesson + ".html"), stages, run.Stdout);
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    [Fact]
    public void The_fsharp_lesson_runs_in_dotnet_fsi_from_the_local_feed_and_writes_its_page()
    {
        LocalPackages.Ensure();
        var outDir = Directory.CreateTempSubdirectory("blend-lesson-").FullName;
        try
        {
            var run = ProcessRun.Run("dotnet", ["fsi", "--quiet", RepoRoot.File("lessons/fsharp/06-fsharp-pipeline.fsx"), "--out", outDir], RepoRoot.Path, Deadline,
                new Dictionary<string, string?> { ["BLEND_DEVICE"] = "cpu" });
            Assert.True(run.ExitCode == 0, run.All);
            // The only warning is NuGet's FSharp.Core downgrade through Plotly.NET 6.0.0 (see OutsideRepoPackageTests).
            var warnings = run.All.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase));
            Assert.All(warnings, l => Assert.Contains("warning NU1605", l, StringComparison.Ordinal));
            CheckPage(Path.Combine(outDir, "06-fsharp-pipeline.html"), ["Judge report", "CGPO result", "Soup sweep", "Interpolation path (λ)"], run.Stdout);
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    static void CheckPage(string path, string[] stages, string stdout)
    {
        Assert.True(File.Exists(path), "no page at " + path + "\n" + stdout);
        var html = File.ReadAllText(path);
        var headings = Regex.Matches(html, "<h2>([^<]*)</h2>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.All(stages, s => Assert.Contains(s, headings));
        Assert.Contains($"({headings.Count} stages", stdout, StringComparison.Ordinal);   // the terminal saw every stage the page has
        // Offline: no script or stylesheet is fetched; plotly.js is inlined exactly once when a chart is on the page.
        Assert.DoesNotMatch(new Regex(@"<(script|link)[^>]+(src|href)=""?https?:", RegexOptions.IgnoreCase), html);
        int charts = Regex.Matches(html, "class=\"blend-plotly-chart\"").Count;
        int plotly = Regex.Matches(html, @"\* plotly\.js v\d").Count;
        Assert.Equal(charts > 0 ? 1 : 0, plotly);
    }
}
