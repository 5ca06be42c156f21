using System.Reflection;
using System.Runtime.Loader;

namespace Blend.Interactive;

/// <summary>
/// Lets Plotly.NET and Deedle run on the FSharp.Core a host has already loaded. Both are compiled against FSharp.Core
/// 10.1; the .NET Interactive kernel (1.0.712001) carries and loads its own 10.0 before any package, so a request for
/// 10.1.0.0 finds nothing and every chart or frame fails with FileNotFoundException. When the default load context
/// cannot resolve FSharp.Core, this hands it the copy the host already has (a host that ships 10.1, such as a console
/// app built against Blend, never asks). One FSharp.Core per process is also what F# values passed between the F#
/// kernel and Plotly.NET need.
/// </summary>
internal static class FSharpCoreBinding
{
    const string Name = "FSharp.Core";
    static int _installed;

    /// <summary>Installs the resolver once per process (before any Plotly.NET or Deedle type is touched).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    static Assembly? Resolve(AssemblyLoadContext context, AssemblyName requested)
    {
        if (!string.Equals(requested.Name, Name, StringComparison.Ordinal)) return null;
        // The highest FSharp.Core already loaded (the kernel's): only a request it cannot satisfy reaches this handler.
        return context.Assemblies.Concat(AppDomain.CurrentDomain.GetAssemblies())
            .Where(a => string.Equals(a.GetName().Name, Name, StringComparison.Ordinal))
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
    }
}
