using Blend.Cli.Repro;

namespace Blend.Tests.Cli;

/// <summary><c>blend repro math-hacking</c>'s run-shape flags: bad values fail before any training, and the summary's command line reproduces the run.</summary>
public sealed class ReproCommandTests
{
    [Theory]
    [InlineData("--arms", "crpg,ppo2", "unknown arm 'ppo2'")]
    [InlineData("--arms", "crpg,crpg", "names an arm twice")]
    [InlineData("--arms", ",", "no arm given")]
    [InlineData("--steps", "0", "--steps: 0 is not a positive number of steps")]
    [InlineData("--sft-steps", "-3", "--sft-steps: -3 is not a positive number of steps")]
    public void Bad_run_shape_flags_are_usage_errors_naming_the_flag(string flag, string value, string message)
    {
        var r = CliRun.Invoke("repro", "math-hacking", flag, value, "--out", Path.Combine(Path.GetTempPath(), "blend-repro-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_command_line_carries_steps_and_arms_in_the_order_given()
    {
        var s = new ReproSettings("data", "out", Smoke: false, Seeds: 3) { SftPaddedFraction = 0.15, SftSteps = 6000, Steps = 240, Arms = ["crpg", "crraft"] };
        Assert.Equal("dotnet run --project src/Blend.Cli -c Release -- repro math-hacking --seeds 3 --sft-padded-fraction 0.15 --sft-steps 6000 --steps 240 --arms crpg,crraft", s.CommandLine("math-hacking"));
        Assert.Equal("dotnet run --project src/Blend.Cli -c Release -- repro math-hacking", new ReproSettings("data", "out", false, null).CommandLine("math-hacking"));
    }

    [Fact]
    public void Steps_and_arms_exist_only_on_math_hacking()
    {
        Assert.Empty(CliRun.ParseErrors("repro", "math-hacking", "--sft-steps", "6000", "--steps", "240", "--arms", "crpg,crraft"));
        Assert.NotEmpty(CliRun.ParseErrors("repro", "cgpo", "--steps", "240"));
    }

    [Fact]
    public void An_unknown_arm_in_the_options_fails_before_the_sft()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blend-mh-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<ArgumentException>(() => MathHackingExperiment.Run(RepoRoot.File("data/tasks"), dir, new MathHackingOptions { Arms = ["crpg", "grpo"] }));
        Assert.Contains("unknown arm 'grpo'", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}
