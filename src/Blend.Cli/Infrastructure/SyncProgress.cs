namespace Blend.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back synchronously, on the reporting thread (<see cref="Progress{T}"/> would post to
/// the thread pool, so lines could arrive late or out of order).
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
