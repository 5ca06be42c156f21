using Microsoft.Extensions.Hosting;

namespace Blend.Cli.Serve;

/// <summary>A host lifetime that hooks no signals: the command line owns Ctrl-C / SIGTERM (and tests own their servers), and stops the host itself.</summary>
internal sealed class CommandLineLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
