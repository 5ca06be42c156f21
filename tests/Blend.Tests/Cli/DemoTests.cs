using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blend.Cli;
using Blend.Cli.Demo;
using Blend.Tests.Interactive;

namespace Blend.Tests.Cli;

/// <summary>Runs <c>blend demo --quick</c> once for the tests of this class (report, metrics, exports, checkpoints, screenshot).</summary>
public sealed class QuickDemo : IDisposable
{
    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "blend-demo-" + Guid.NewGuid().ToString("N"));

    public int ExitCode { get; }

    public string Console { get; }

    public QuickDemo()
    {
        var log = new StringWriter();
        var context = new DemoContext(OutDir, Quick: true, Seed: 7, RepoRoot.Data("")) { Log = log };
        ExitCode = DemoCommand.Run(context, DemoStages.All);
        Console = log.ToString();
    }

    public string File(string relative) => Path.Combine(OutDir, relative);

    public void Dispose()
    {
        if (Directory.Exists(OutDir)) Directory.Delete(OutDir, recursive: true);
    }
}

[Collection("Torch")]
public sealed partial class DemoTests(QuickDemo demo) : IClassFixture<QuickDemo>
{
    [GeneratedRegex("""<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteResource();

    [Fact]
    public void Quick_demo_writes_an_offline_report_and_metrics_for_every_stage()
    {
        Assert.Equal(0, demo.ExitCode);
        var html = File.ReadAllText(demo.File("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(RemoteResource(), html);
        Assert.DoesNotContain("url(http", html, StringComparison.OrdinalIgnoreCase);
        var metrics = JsonNode.Parse(File.ReadAllText(demo.File("metrics.json")))!.AsObject();
        Assert.Equal(7, metrics["seed"]!.GetValue<int>());
        Assert.True(metrics["budget"]!["cgpo_steps"]!.GetValue<int>() > 0);
        Assert.NotNull(metrics["sanity"]!.AsArray());
        foreach (var stage in DemoStages.All)
        {
            Assert.True(metrics.ContainsKey(stage.Key), $"metrics.json lacks stage '{stage.Key}'");
            Assert.Contains(System.Net.WebUtility.HtmlEncode(stage.Title), html, StringComparison.Ordinal);
            // Each stage opens with one sentence saying what was measured.
            var headline = metrics[stage.Key]!["headline"]!.GetValue<string>();
            Assert.StartsWith(stage.Key == "environment" ? "Ran on" : "Measured", headline, StringComparison.Ordinal);
            Assert.Contains("<p class=\"lead\">" + System.Net.WebUtility.HtmlEncode(headline), html, StringComparison.Ordinal);
        }
        Assert.Contains("SFT: step", demo.Console, StringComparison.Ordinal);          // progress with ETA
        Assert.Contains("ETA", demo.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Quick_demo_exports_per_step_metrics_and_the_checkpoints_it_trained()
    {
        var sft = File.ReadAllLines(demo.File("sft-steps.csv"));
        Assert.Equal("step,loss,eval_loss,learning_rate,grad_norm,tokens,seconds", sft[0]);
        var budget = DemoBudget.QuickRun;
        Assert.Equal(budget.SftSteps + 1, sft.Length);
        Assert.Equal([1, 2, 3], sft.Skip(1).Take(3).Select(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)));

        var steps = File.ReadAllLines(demo.File("cgpo-steps.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2 * 2 * budget.CgpoSteps, steps.Count);                            // 2 arms × 2 tasks × steps
        Assert.Equal(["crpg", "ppo"], steps.Select(s => s["arm"]!.GetValue<string>()).Distinct().Order());
        Assert.All(steps, s => Assert.True(s["kl_k3"]!.GetValue<double>() >= 0, "k3 is never negative"));
        var eval = File.ReadAllLines(demo.File("cgpo-eval.csv"));
        Assert.EndsWith("kl_k3", eval[0], StringComparison.Ordinal);
        Assert.Equal(1 + 2 * 2 * (1 + budget.CgpoSteps / budget.CgpoEvalEvery), eval.Length);

        Assert.Equal("kind,lambda_brevity,brevity,detail,nll,non_dominated", File.ReadLines(demo.File("soup-points.csv")).First());
        Assert.Equal(1 + 2 * budget.ExpertSteps, File.ReadAllLines(demo.File("expert-steps.csv")).Length);
        foreach (var name in new[] { "sft", "ppo", "crpg", "brevity-expert", "detail-expert" })
        {
            using var policy = Blend.Policy.Load(demo.File(Path.Combine("checkpoints", name)));
            Assert.True(policy.Model.ParameterCount > 0);
        }
    }

    [Fact]
    public void The_report_draws_the_cgpo_curves_and_the_soup_front_in_headless_chromium()
    {
        if (HeadlessChromium.Executable is null) Assert.Fail("chromium is not installed (Debian package 'chromium', in .ci/apt-packages.txt)");
        var html = File.ReadAllText(demo.File("report.html"));
        var shown = Screenshot(html, "report");
        Assert.True(shown.Count("#e377c2") > 300, $"{shown.Count("#e377c2")} pink pixels (PPO curves)");
        Assert.True(shown.Count("#17becf") > 300, $"{shown.Count("#17becf")} cyan pixels (CRPG curves)");
        Assert.True(shown.Count("#9467bd") > 60, $"{shown.Count("#9467bd")} purple pixels (the SFT start on the front)");
        // Control: the same page without plotly.js draws none of the chart colours, so the counts come from the charts.
        // (Red also appears outside the charts, in the reward model's SVG histogram: count the stars as the difference.)
        var blank = Screenshot(html.Replace(Blend.Interactive.PlotlyEmbed.Script, "", StringComparison.Ordinal), "control");
        Assert.True(blank.Count("#e377c2") + blank.Count("#17becf") + blank.Count("#9467bd") < 20);
        Assert.True(shown.Count("#d62728") - blank.Count("#d62728") > 100, $"{shown.Count("#d62728") - blank.Count("#d62728")} red pixels drawn by plotly (the experts' stars on the front)");
    }

    sealed record Pixels(Png Image)
    {
        public int Count(string hex)
        {
            int r = Convert.ToInt32(hex[1..3], 16), g = Convert.ToInt32(hex[3..5], 16), b = Convert.ToInt32(hex[5..7], 16), n = 0;
            for (int i = 0; i < Image.Width * Image.Height; i++)
                if (Math.Abs(Image.Rgb[3 * i] - r) < 20 && Math.Abs(Image.Rgb[3 * i + 1] - g) < 20 && Math.Abs(Image.Rgb[3 * i + 2] - b) < 20) n++;
            return n;
        }
    }

    static Pixels Screenshot(string html, string name)
    {
        var dir = Directory.CreateTempSubdirectory("blend-report-");
        try
        {
            var page = Path.Combine(dir.FullName, name + ".html");
            var png = Path.Combine(dir.FullName, name + ".png");
            File.WriteAllText(page, html);
            var log = HeadlessChromium.Screenshot(page, png, width: 1100, height: 14000);
            Assert.True(File.Exists(png), "no screenshot: " + log);
            var keep = Environment.GetEnvironmentVariable("BLEND_KEEP_SCREENSHOT");
            if (!string.IsNullOrEmpty(keep)) File.Copy(png, Path.Combine(keep, name + ".png"), overwrite: true);
            return new Pixels(Png.Read(png));
        }
        finally { dir.Delete(true); }
    }
}

/// <summary>The sanity flags: pure checks on hand-picked numbers, and a demo run made degenerate on purpose.</summary>
[Collection("Torch")]
public sealed class DemoSanityTests
{
    [Fact]
    public void Each_check_flags_exactly_the_degenerate_case()
    {
        Assert.NotNull(SanityChecks.ExpertWorseThanStart("soups", "e", "brevity", start: 0.5, end: 0.48));
        Assert.NotNull(SanityChecks.ExpertWorseThanStart("soups", "e", "brevity", start: 0.5, end: 0.5));
        Assert.Null(SanityChecks.ExpertWorseThanStart("soups", "e", "brevity", start: 0.5, end: 0.51));
        Assert.NotNull(SanityChecks.NllBlewUp("soups", "e", start: 2.9, end: 15.25));
        Assert.NotNull(SanityChecks.NllBlewUp("soups", "e", start: 2.9, end: double.NaN));
        Assert.Null(SanityChecks.NllBlewUp("soups", "e", start: 2.9, end: 3.5));
        Assert.NotNull(SanityChecks.KlOverBudget("cgpo", "CRPG", "chat", kl: 8.5, budget: 8));
        Assert.Null(SanityChecks.KlOverBudget("cgpo", "CRPG", "chat", kl: 2.1, budget: 8));
        Assert.Equal("judges-pass-all", SanityChecks.JudgesDegenerate("judges", "chat", 1.0, 40)!.Check);
        Assert.Equal("judges-pass-none", SanityChecks.JudgesDegenerate("judges", "math", 0.0, 40)!.Check);
        Assert.Null(SanityChecks.JudgesDegenerate("judges", "math", 0.1, 40));
        Assert.Null(SanityChecks.JudgesDegenerate("judges", "math", 0.0, 3));   // too few samples to say
    }

    [Fact]
    public void A_run_made_degenerate_on_purpose_raises_the_flags_in_the_report_and_metrics()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "blend-degenerate-" + Guid.NewGuid().ToString("N"));
        try
        {
            // 2 SFT steps: the policy answers nothing right; lr 1 for the experts: their NLL explodes; KL_max ≈ 0: over budget.
            var budget = DemoBudget.QuickRun with
            {
                SftSteps = 2, JudgePromptsPerTask = 8, CgpoSteps = 2, CgpoEvalEvery = 2, CgpoKlMax = 1e-6, CgpoEvalPrompts = 8,
                ExpertSteps = 3, ExpertLearningRate = 1.0, SoupLambdas = 3, SoupEvalPrompts = 8,
            };
            var log = new StringWriter();
            var context = new DemoContext(outDir, Quick: true, Seed: 3, RepoRoot.Data("")) { Budget = budget, Log = log };
            Assert.Equal(0, DemoCommand.Run(context, [new SftStage(), new JudgeStage(), new CgpoStage(), new SoupStage()]));
            var checks = context.Flags.Select(f => f.Check).ToHashSet();
            Assert.Contains("judges-pass-none", checks);
            Assert.Contains("kl-over-budget", checks);
            Assert.Contains("nll-blow-up", checks);
            var sanity = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!["sanity"]!.AsArray();
            Assert.Equal(context.Flags.Count, sanity.Count);
            Assert.Contains(sanity, f => f!["check"]!.GetValue<string>() == "nll-blow-up" && f["stage"]!.GetValue<string>() == "soups");
            var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
            Assert.Contains("Sanity flags", html, StringComparison.Ordinal);
            foreach (var f in context.Flags) Assert.Contains(System.Net.WebUtility.HtmlEncode(f.Message), html, StringComparison.Ordinal);
            Assert.Contains("sanity flag(s)", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }
}
