using System.Diagnostics;
using System.Globalization;

namespace Blend.Cli.Demo;

/// <summary>
/// Console progress for one long-running part of a stage: "steps done / total, elapsed, ETA", one line at most every few
/// seconds (plain lines, so logs and pipes read it too), and a last line when the part is done.
/// </summary>
internal sealed class DemoProgress
{
    readonly string _label;
    readonly int _total;
    readonly TextWriter _out;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _every;
    TimeSpan _last = TimeSpan.Zero;
    int _done;

    public DemoProgress(string label, int total, TextWriter? output = null, double everySeconds = 5)
    {
        _label = label;
        _total = Math.Max(1, total);
        _out = output ?? Console.Out;
        _every = TimeSpan.FromSeconds(everySeconds);
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {_label}: {_total} steps …"));
    }

    /// <summary>Steps done so far.</summary>
    public int Done => _done;

    /// <summary>Records that <paramref name="done"/> steps are done and prints a line when enough time has passed.</summary>
    public void Report(int done, string? detail = null)
    {
        _done = Math.Clamp(done, 0, _total);
        var now = _clock.Elapsed;
        if (_done < _total && now - _last < _every) return;
        _last = now;
        _out.WriteLine(Line(now, detail));
    }

    /// <summary>One more step done.</summary>
    public void Step(string? detail = null) => Report(_done + 1, detail);

    internal string Line(TimeSpan elapsed, string? detail)
    {
        double fraction = _done / (double)_total;
        string eta = _done == 0 ? "?" : Clock(TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction));
        return string.Create(CultureInfo.InvariantCulture,
            $"   {_label}: step {_done}/{_total} ({100 * fraction:0}%) · {Clock(elapsed)} elapsed · ETA {eta}") + (string.IsNullOrEmpty(detail) ? "" : " · " + detail);
    }

    static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, counting one step per report.</summary>
    public IProgress<T> Counting<T>(Func<T, string?>? detail = null) => new SyncProgress<T>(v => Step(detail?.Invoke(v)));

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, reading the step number from each report.</summary>
    public IProgress<T> At<T>(Func<T, int> step, Func<T, string?>? detail = null) => new SyncProgress<T>(v => Report(step(v), detail?.Invoke(v)));
}
