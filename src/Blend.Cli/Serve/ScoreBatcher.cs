using System.Diagnostics;
using System.Threading.Channels;

namespace Blend.Cli.Serve;

/// <summary>
/// Coalesces concurrent requests into batches: the first waiting request opens a batch, which closes when it holds
/// <c>maxBatch</c> samples or <c>maxWait</c> has passed; the batch is scored in one call (on one scoring thread, so a
/// reward model sees one batch at a time) and every request gets its own slice back. A batch that takes longer than the
/// deadline answers its requests with error verdicts (the stuck call is left to finish on its own).
/// </summary>
internal sealed class ScoreBatcher : IAsyncDisposable
{
    sealed record Pending(IReadOnlyList<Sample> Samples, TaskCompletionSource<IReadOnlyList<ScoredSample>> Done);

    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Func<IReadOnlyList<Sample>, IReadOnlyList<ScoredSample>> _score;
    readonly Func<Sample, string, ScoredSample> _fail;
    readonly int _maxBatch;
    readonly TimeSpan _maxWait;
    readonly TimeSpan _deadline;
    readonly Task _loop;

    /// <summary>Starts the batching loop.</summary>
    /// <param name="score">Scores one batch (<see cref="RewardScorer.Score"/>).</param>
    /// <param name="fail">The result of a sample whose batch failed or timed out (<see cref="RewardScorer.Failed"/>).</param>
    /// <param name="maxBatch">Most samples per batch (a bigger request is scored as its own batch).</param>
    /// <param name="maxWait">How long a batch stays open for more requests.</param>
    /// <param name="deadline">Longest a batch may take before its requests get error verdicts.</param>
    public ScoreBatcher(Func<IReadOnlyList<Sample>, IReadOnlyList<ScoredSample>> score, Func<Sample, string, ScoredSample> fail, int maxBatch, TimeSpan maxWait, TimeSpan deadline)
    {
        _score = score;
        _fail = fail;
        _maxBatch = maxBatch;
        _maxWait = maxWait;
        _deadline = deadline;
        _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Batches scored so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Batches that passed the deadline.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    long _batches, _timeouts;

    /// <summary>Queues <paramref name="samples"/> and completes with their results.</summary>
    public Task<IReadOnlyList<ScoredSample>> ScoreAsync(IReadOnlyList<Sample> samples)
    {
        var done = new TaskCompletionSource<IReadOnlyList<ScoredSample>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(samples, done))) done.SetException(new InvalidOperationException("the server is shutting down"));
        return done.Task;
    }

    async Task Loop()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first)) continue;
            batch.Clear();
            batch.Add(first);
            int count = first.Samples.Count;
            var open = Stopwatch.StartNew();
            while (count < _maxBatch)
            {
                if (reader.TryRead(out var next)) { batch.Add(next); count += next.Samples.Count; continue; }
                var left = _maxWait - open.Elapsed;
                if (left <= TimeSpan.Zero) break;
                using var wait = new CancellationTokenSource(left);
                try { if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) break; }
                catch (OperationCanceledException) { break; }
            }
            Run(batch);
        }
    }

    void Run(List<Pending> batch)
    {
        Interlocked.Increment(ref _batches);
        var samples = batch.SelectMany(p => p.Samples).ToArray();
        var work = Task.Run(() => _score(samples));
        IReadOnlyList<ScoredSample> results;
        try
        {
            if (!work.Wait(_deadline))
            {
                Interlocked.Increment(ref _timeouts);
                results = [.. samples.Select(s => _fail(s, $"judging and scoring took longer than the deadline of {_deadline.TotalSeconds:0.###} s"))];
            }
            else results = work.Result;
        }
        catch (AggregateException e)
        {
            var message = $"scoring failed: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}";
            results = [.. samples.Select(s => _fail(s, message))];
        }
        int offset = 0;
        foreach (var p in batch)
        {
            p.Done.TrySetResult([.. results.Skip(offset).Take(p.Samples.Count)]);
            offset += p.Samples.Count;
        }
    }

    /// <summary>Stops taking requests and finishes the queued ones.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
