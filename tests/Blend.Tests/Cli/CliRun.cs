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
        var root = BlendCli.Root(DoctorCommand.Create(), DemoCommand.Create(), NotebookCommand.Create(), ReproCommand.Create(), RecipeCommand.Create(), ServeCommand.Create(), TrainCommand.Create(), JudgeCommand.Create(), MergeCommand.Create());
        int code = BlendCli.Invoke(root, args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
