using System.Globalization;
using Spectre.Console;

namespace Blend.Cli;

/// <summary>
/// The progress and Ctrl-C handling long commands share (<c>blend train</c>, <c>blend sweep</c>): a Spectre.Console progress
/// bar with ETA on a terminal, one line per item otherwise (or JSON lines), and one message and exit code when Ctrl-C stops the work.
/// </summary>
internal static class CommandProgress
{
    /// <summary>Runs <paramref name="work"/>, showing each item it reports.</summary>
    /// <param name="output">Where the command writes.</param>
    /// <param name="json">JSON lines instead of human output (no bar).</param>
    /// <param name="title">The bar's first description.</param>
    /// <param name="total">Units of work in all (the bar's maximum).</param>
    /// <param name="work">The work, given the progress sink.</param>
    /// <param name="done">Units finished when an item arrives.</param>
    /// <param name="bar">The bar's description after an item.</param>
    /// <param name="line">What to write for an item without a bar (a text line, or a JSON line when <paramref name="json"/>).</param>
    public static T Run<T, TItem>(TextWriter output, bool json, string title, int total, Func<IProgress<TItem>, T> work, Func<TItem, int> done, Func<TItem, string> bar, Func<TItem, string> line)
    {
        if (json || !ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            return work(new SyncProgress<TItem>(item => output.WriteLine(line(item))));
        T result = default!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask(title, maxValue: Math.Max(1, total));
            result = work(new SyncProgress<TItem>(item =>
            {
                task.Value = Math.Min(task.MaxValue, done(item));
                task.Description = bar(item);
            }));
        });
        return result;
    }

    /// <summary>Writes what Ctrl-C stopped and how to go on; returns <see cref="ExitCodes.Interrupted"/>.</summary>
    /// <param name="output">Where the command writes.</param>
    /// <param name="stopped">The cancellation, whose message says where the work stopped.</param>
    /// <param name="next">What the user can do next (e.g. the resume command), or what was kept.</param>
    public static int Interrupted(TextWriter output, OperationCanceledException stopped, string next)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"interrupted: {stopped.Message} {next}"));
        return ExitCodes.Interrupted;
    }
}
