using Blend.Cli;

namespace Blend.Tests.Cli;

/// <summary>Runs the <c>blend</c> command line in-process (the Program.cs registration) and captures its output.</summary>
internal static class CliRun
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BlendCli.Invoke(Root(), args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built <c>blend</c> (Blend.Cli.dll next to the tests) as a real process; a run past 3 minutes is killed and fails.</summary>
    public static (int Code, string Stdout, string Stderr) Process(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Blend.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException("blend " + string.Join(' ', args)); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The parse errors of a command line (nothing runs).</summary>
    public static IReadOnlyList<string> ParseErrors(params string[] args) => [.. Root().Parse(args).Errors.Select(e => e.Message)];

    static System.CommandLine.RootCommand Root() => BlendCli.Root(DoctorCommand.Create(), DemoCommand.Create(), NotebookCommand.Create(), ReproCommand.Create(), RecipeCommand.Create(),
        ServeCommand.Create(), TrainCommand.Create(), JudgeCommand.Create(), GenerateCommand.Create(), ScoreCommand.Create(), RewardModelCommand.Create(), SweepCommand.Create(), MergeCommand.Create(), AdapterCommand.Create());
}
