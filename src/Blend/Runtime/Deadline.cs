using System.Globalization;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace Blend;

/// <summary>
/// Runs a judge's or a reward's batch call under a wall-clock deadline, so that a call that never returns cannot stop a run.
/// </summary>
/// <remarks>
/// .NET cannot abort a thread that is blocked in a synchronous call. The call therefore runs on its own worker thread; when
/// the deadline passes, the caller stops waiting and carries on, and the worker is <b>abandoned</b>: it keeps running (and
/// holding whatever it holds) until the call returns by itself or the process exits, and its result is discarded. A judge or
/// reward that may block should therefore honour its own timeouts as well. The worker runs without autograd (judges and
/// rewards never need gradients); <see cref="Timeout.InfiniteTimeSpan"/> runs the call on the caller's thread, without a deadline.
/// </remarks>
internal static class Deadline
{
    /// <summary>The default per-batch deadline for a judge or reward call: 10 minutes.</summary>
    public static readonly TimeSpan DefaultPerBatch = TimeSpan.FromMinutes(10);

    /// <summary>Checks a user-given deadline: positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static TimeSpan Check(TimeSpan limit, string what) =>
        limit == Timeout.InfiniteTimeSpan || limit > TimeSpan.Zero
            ? limit
            : throw new ArgumentOutOfRangeException(what, limit, $"{what} must be > 0 (or Timeout.InfiniteTimeSpan for no deadline).");

    /// <summary>Returns <paramref name="call"/>'s result, rethrows its exception, or throws <see cref="TimeoutException"/> with <paramref name="describe"/>'s message once <paramref name="limit"/> has passed.</summary>
    public static T Run<T>(Func<T> call, TimeSpan limit, Func<string> describe)
    {
        if (limit == Timeout.InfiniteTimeSpan) return call();
        var worker = Task.Factory.StartNew(() =>
        {
            using var noGrad = torch.no_grad();
            return call();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool done;
        try { done = worker.Wait(limit); }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        if (done) return worker.Result;
        // Abandoned: observe a late exception so it is not reported as unobserved.
        worker.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new DeadlineExceededException(describe());
    }

    /// <summary>A deadline as people read it: <c>250 ms</c>, <c>30 s</c>, <c>10 min</c>.</summary>
    public static string Describe(TimeSpan limit) =>
        limit.TotalSeconds < 1 ? limit.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : limit.TotalMinutes < 2 ? limit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : limit.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";
}

/// <summary>A judge or reward call missed its per-batch deadline (see <see cref="Deadline"/>); the message names the task and component.</summary>
public sealed class DeadlineExceededException : TimeoutException
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public DeadlineExceededException(string message) : base(message) { }

    /// <summary>An exception with a default message.</summary>
    public DeadlineExceededException() : base("A call missed its deadline.") { }

    /// <summary>An exception with <paramref name="message"/> and an inner exception.</summary>
    public DeadlineExceededException(string message, Exception inner) : base(message, inner) { }
}
