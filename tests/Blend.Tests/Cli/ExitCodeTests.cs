using Blend.Cli;

namespace Blend.Tests.Cli;

[Collection("Torch")]
public sealed class ExitCodeTests
{
    [Fact]
    public void Unknown_commands_and_flags_are_bad_input()
    {
        var r = CliRun.Invoke("jugde");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unrecognized command or argument 'jugde'", r.Err, StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Invoke("serve", "--recipe").ExitCode);
    }

    [Fact]
    public void A_failure_is_one_message_and_the_trace_only_with_verbose()
    {
        Exception thrown;
        try { throw new InvalidOperationException("the reward model returned NaN"); }
        catch (InvalidOperationException e) { thrown = e; }
        var quiet = new StringWriter();
        Assert.Equal(1, BlendCli.Report(thrown, verbose: false, quiet));
        Assert.Equal("error (failed): the reward model returned NaN\n(run again with --verbose for the stack trace)\n", quiet.ToString().Replace("\r", "", StringComparison.Ordinal));
        var loud = new StringWriter();
        Assert.Equal(1, BlendCli.Report(thrown, verbose: true, loud));
        Assert.Contains("   at ", loud.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, BlendCli.Report(new FormatException("data.jsonl:3: field 'prompt' is missing"), false, TextWriter.Null));
        Assert.Equal(130, BlendCli.Report(new OperationCanceledException(), false, TextWriter.Null));
        Assert.Equal(2, BlendCli.Report(new TypeInitializationException("T", new UsageException("bad flag")), false, TextWriter.Null));
    }

    [Fact]
    public void Demo_with_a_broken_data_file_exits_2_with_file_line_and_field_and_no_stack_trace()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blend-baddata-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "tasks"));
        try
        {
            File.Copy(RepoRoot.Data("README.md"), Path.Combine(dir, "README.md"));
            var broken = Path.Combine(dir, "tasks", "math.train.jsonl");
            File.WriteAllText(broken, "{\"task\": \"math\", \"prompt\": 3}\n");
            var r = CliRun.Invoke("demo", "--quick", "--data", dir, "--out", Path.Combine(dir, "out"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"{broken}:1: field 'prompt' must be a string", r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
