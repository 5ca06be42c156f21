using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;

namespace Blend.Interactive.Kernel;

/// <summary>
/// The kernel extension the .NET Interactive kernel runs after <c>#r "nuget: Blend.Interactive"</c> (C# and F# kernels
/// alike): lets Plotly.NET and Deedle bind to the kernel's FSharp.Core, registers Blend's formatters, connects
/// <see cref="LiveDisplay"/> to the kernel's display events (a live chart is one output updated in place) and adds the
/// magic command <c>#!blend-torch</c>, which references the TorchSharp backend package that fits the machine.
/// </summary>
public sealed class BlendKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Microsoft.DotNet.Interactive.Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        BlendFormatters.Register(); // Blend.Interactive's module initializer has already bound FSharp.Core by now
        LiveDisplay.Use(KernelDisplay.Show);
        kernel.AddDirective(
            new KernelActionDirective("#!blend-torch")
            {
                Description = "References TorchSharp-cuda-linux where an NVIDIA driver is visible, else TorchSharp-cpu (TorchBackend=cpu|cuda overrides).",
            },
            ReferenceTorchAsync);
        return Task.CompletedTask;
    }

    static async Task ReferenceTorchAsync(KernelCommand command, KernelInvocationContext context)
    {
        var (id, version, reason) = TorchPackage.Choose();
        context.DisplayAs($"TorchSharp backend: {id} {version} ({reason})", "text/plain");
        var result = await context.HandlingKernel.SendAsync(new SubmitCode($"#r \"nuget: {id}, {version}\""));
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
            throw new InvalidOperationException($"#!blend-torch: referencing {id} {version} failed: {failed.Message}");
    }
}
