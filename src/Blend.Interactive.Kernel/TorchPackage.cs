using System.Runtime.InteropServices;

namespace Blend.Interactive.Kernel;

/// <summary>
/// Which TorchSharp backend package a notebook references (what <c>#!blend-torch</c> adds): <c>TorchSharp-cuda-linux</c>
/// (or <c>-cuda-windows</c>) where an NVIDIA driver is visible, else <c>TorchSharp-cpu</c>; the environment variable
/// <c>TorchBackend</c> (<c>cpu</c> or <c>cuda</c>, the same switch the build reads) overrides the guess. The version is
/// the managed TorchSharp that Blend itself references, so the native and managed halves always match.
/// </summary>
internal static class TorchPackage
{
    /// <summary>The package id and version to reference, and why that backend was picked.</summary>
    public static (string Id, string Version, string Reason) Choose()
    {
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version ?? throw new InvalidOperationException("TorchSharp has no assembly version.");
        string v = $"{version.Major}.{version.Minor}.{version.Build}";
        string? forced = Environment.GetEnvironmentVariable("TorchBackend");
        bool cuda;
        string reason;
        if (!string.IsNullOrWhiteSpace(forced))
        {
            cuda = forced.Trim().ToLowerInvariant() switch
            {
                "cuda" => true,
                "cpu" => false,
                _ => throw new InvalidOperationException($"TorchBackend='{forced}': expected cpu or cuda."),
            };
            reason = $"TorchBackend={forced.Trim()}";
        }
        else
        {
            cuda = NvidiaDriverVisible();
            reason = cuda ? "an NVIDIA driver is visible" : "no NVIDIA driver is visible";
        }
        string id = !cuda ? "TorchSharp-cpu" : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "TorchSharp-cuda-windows" : "TorchSharp-cuda-linux";
        return (id, v, reason);
    }

    static bool NvidiaDriverVisible() =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            ? File.Exists("/proc/driver/nvidia/version") || File.Exists("/dev/nvidia0")
            : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && File.Exists(Path.Combine(Environment.SystemDirectory, "nvcuda.dll"));
}
