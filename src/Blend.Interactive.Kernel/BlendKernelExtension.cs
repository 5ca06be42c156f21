using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Blend.Interactive.Kernel;

/// <summary>
/// The kernel extension the .NET Interactive kernel runs after <c>#r "nuget: Blend.Interactive"</c> (C# and F# kernels
/// alike): lets Plotly.NET and Deedle bind to the kernel's FSharp.Core, registers Blend's formatters and connects
/// <see cref="LiveDisplay"/> to the kernel's display events, so a live chart is one output updated in place.
/// </summary>
public sealed class BlendKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Microsoft.DotNet.Interactive.Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        BlendFormatters.Register(); // Blend.Interactive's module initializer has already bound FSharp.Core by now
        LiveDisplay.Use(KernelDisplay.Show);
        return Task.CompletedTask;
    }
}
