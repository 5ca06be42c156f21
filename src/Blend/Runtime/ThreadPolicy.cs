using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Blend;

/// <summary>
/// Makes torch's idle OpenMP threads yield the CPU instead of spinning: sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process
/// environment when Blend's assembly is first used, which is before torch's native library (and libgomp) load, because every
/// Blend path to torch goes through Blend first.
/// </summary>
/// <remarks>
/// <para>Why: OpenMP's default policy keeps idle worker threads spinning for a while after each parallel region. On a machine whose
/// cores are busy with other processes, those spinning threads compete with the real work; a training step beside two busy
/// processes on 2 cores took 4.8× its solo time instead of about 2×.</para>
/// <para>How: libgomp reads <c>OMP_WAIT_POLICY</c> once, when it is loaded, from the C environment, so the variable is set with
/// libc's <c>setenv</c> (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> alone does not reach native code
/// on Unix). Too late when torch was already loaded (for example by calling TorchSharp directly before any Blend type): then
/// set the variable outside the process.</para>
/// <para>Override: an <c>OMP_WAIT_POLICY</c> (or <c>GOMP_SPINCOUNT</c>) already in the environment is left alone, e.g.
/// <c>OMP_WAIT_POLICY=ACTIVE</c> for a dedicated machine.</para>
/// </remarks>
internal static class ThreadPolicy
{
    /// <summary>The wait policy Blend chose, or null when the environment already had one.</summary>
    public static string? Applied { get; private set; }

#pragma warning disable CA2255 // a module initializer is the one hook that runs before any Blend code can load torch
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"))) return;
        Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
        if (!OperatingSystem.IsWindows())
        {
            try { _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0); }
            catch (DllNotFoundException) { return; }
            catch (EntryPointNotFoundException) { return; }
        }
        Applied = "PASSIVE";
    }

    [DllImport("libc", EntryPoint = "setenv")]
#pragma warning disable CA2101, CA5392, SYSLIB1054 // ASCII names and values; libc is resolved from the process
    static extern int setenv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);
#pragma warning restore CA2101, CA5392, SYSLIB1054
}
