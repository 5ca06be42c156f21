using System.CommandLine;
using System.Text.Json;
using Blend.Cli.Recipes;

namespace Blend.Cli;

/// <summary>
/// The command-line host: a root command with a global <c>--verbose</c> flag, parse errors as exit code 2, and one clear
/// message per failure (exit 2 for bad input, 1 for a failure during work; the stack trace only with <c>--verbose</c>).
/// Commands are plain <see cref="Command"/> values, registered in Program.cs with one line each.
/// </summary>
internal static class BlendCli
{
    /// <summary>Prints stack traces of failures (every command inherits it).</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print the full stack trace of a failure.", Recursive = true };

    /// <summary>How long a command may take to finish after Ctrl-C (save a checkpoint, drain requests) before the process is ended.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The root command with <paramref name="commands"/> registered.</summary>
    public static RootCommand Root(params Command[] commands)
    {
        var root = new RootCommand("blend — CGPO (mixture of judges) and rewarded soups on TorchSharp.");
        root.Options.Add(Verbose);
        foreach (var c in commands) root.Subcommands.Add(c);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine("error: " + e.Message);
            error.WriteLine($"(see '{string.Join(' ', parse.CommandResult.Command.Name == root.Name ? "blend" : "blend " + parse.CommandResult.Command.Name)} --help')");
            return ExitCodes.BadInput;
        }
        bool verbose = parse.GetValue(Verbose);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error, ProcessTerminationTimeout = DrainTimeout });
        }
        catch (Exception e)
        {
            return Report(e, verbose, error);
        }
    }

    /// <summary>Writes one message for <paramref name="e"/> (the trace too when <paramref name="verbose"/>) and returns its exit code.</summary>
    public static int Report(Exception e, bool verbose, TextWriter error)
    {
        var root = Unwrap(e);
        int code = ExitCodeOf(root);
        string kind = code == ExitCodes.BadInput ? "bad input" : code == ExitCodes.Interrupted ? "interrupted" : "failed";
        error.WriteLine($"error ({kind}): {root.Message}");
        if (verbose) error.WriteLine(e.ToString());
        else if (code == ExitCodes.Failure) error.WriteLine("(run again with --verbose for the stack trace)");
        return code;
    }

    /// <summary>The exit code of an exception: 2 for bad input (usage, missing file, malformed data), 130 for cancellation, else 1.</summary>
    public static int ExitCodeOf(Exception e) => Unwrap(e) switch
    {
        UsageException or RecipeException or FileNotFoundException or DirectoryNotFoundException or FormatException or JsonException => ExitCodes.BadInput,
        OperationCanceledException => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
    };

    static Exception Unwrap(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or TypeInitializationException or AggregateException { InnerExceptions.Count: 1 } && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
