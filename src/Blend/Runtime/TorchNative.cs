using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Blend.NativeBuild;
using TorchSharp;

namespace Blend;

/// <summary>
/// The Debian 12 native fix at run time, for every host: TorchSharp 0.107's <c>libLibTorchSharp.so</c> asks for
/// <c>GLIBCXX_3.4.32</c>, which Debian 12's libstdc++ lacks. Blend runs <see cref="Prepare"/> when it is first used
/// (a module initializer), before it touches torch; it never loads a second copy of torch.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>An application that carries TorchSharp's native files (a console app, a test project, a file-based app): the
/// Blend package's build targets (<c>buildTransitive/Blend.targets</c>) marked the need weak in the output folder.
/// If that copy is still strong (built without the targets), it is patched in place, before anything loads it; no
/// other copy is ever loaded, since the application's own resolution would load its copy of libtorch a second time.</item>
/// <item>A host that loads TorchSharp from the NuGet cache (F# Interactive, the .NET Interactive kernel): the
/// package's <c>libLibTorchSharp.so</c> is copied to a per-user cache folder (<c>$XDG_CACHE_HOME/blend/torch-native/…</c>,
/// else <c>~/.cache/…</c>), its need is marked weak there, the libtorch libraries are linked beside it, and that copy
/// is loaded. TorchSharp's own probe by name then finds the loaded library by its soname, and libtorch is loaded
/// once, through the links, from the package folder the host itself resolves. The NuGet cache is never modified.</item>
/// </list>
/// Nothing is done where the system libstdc++ has the version, outside Linux x64, or when torch is already loaded.
/// Call it yourself only in a script that uses <c>torch</c> directly before any Blend type.
/// </remarks>
public static class TorchNative
{
    static readonly object Gate = new();
    static string? _state;

    /// <summary>
    /// Makes torch loadable in this process if it needs the fix; returns a one-line description of what it did
    /// (never throws: a failure is described, e.g. when TorchSharp's native package is not referenced).
    /// </summary>
    public static string Prepare()
    {
        lock (Gate)
        {
            if (_state is not null) return _state;
            try { _state = PrepareCore(); }
#pragma warning disable CA1031 // a missing TorchSharp or an unwritable cache must not break the caller; the state says why
            catch (Exception e) { _state = "not applied: " + e.GetType().Name + ": " + e.Message; }
#pragma warning restore CA1031
            return _state;
        }
    }

#pragma warning disable CA2255 // A library module initializer is the point: the fix must precede TorchSharp's first native call in every host.
    [ModuleInitializer]
    internal static void OnLoad() => Prepare();
#pragma warning restore CA2255

    static string PrepareCore()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not needed (not Linux x64)";
        var loaded = LoadedLibrary("libLibTorchSharp.so");
        if (loaded is not null) return "torch already loaded (" + loaded + ")";
        if (ElfVersionNeeds.SystemLibStdCxxHas(NativeFix.VersionName)) return "not needed (system libstdc++ has " + NativeFix.VersionName + ")";

        // An application that carries TorchSharp (TorchSharp.dll beside it) loads exactly the native files beside it
        // (its deps.json says so). A host that merely sits in such a folder but loads TorchSharp from elsewhere
        // (the notebook runner beside the tests) takes the NuGet-cache route below.
        var torchSharp = typeof(torch).Assembly;
        var appDir = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var beside = NativeFix.FindLibTorchSharp();
        if (beside is not null && string.Equals(Path.GetDirectoryName(torchSharp.Location), appDir, StringComparison.Ordinal))
        {
            if (IsWeak(beside)) return "applied (" + beside + " is marked weak)";
            try
            {
                WritePatched(File.ReadAllBytes(beside), beside);
                return "applied (patched the application's copy " + beside + " in place)";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "NOT applied: " + beside + " is not writable (" + e.Message + "); build the application with the Blend package's targets";
            }
        }

        string tsVersion = NuGetVersion(torchSharp);
        var packages = PackagesFolders(torchSharp).ToList();
        if (packages.Count == 0) return "not applied: NuGet packages folder not found";
        var source = packages.Select(p => Path.Combine(p, "torchsharp", tsVersion, "runtimes", "linux-x64", "native", "libLibTorchSharp.so")).FirstOrDefault(File.Exists);
        if (source is null) return "not applied: torchsharp/" + tsVersion + "/runtimes/linux-x64/native/libLibTorchSharp.so not found under " + string.Join(", ", packages);
        // libtorch already mapped (someone loaded it first): link to exactly that copy, so it is not loaded twice.
        var mapped = LoadedLibrary("libtorch_cpu.so");
        var libtorch = mapped is not null ? Path.GetDirectoryName(mapped) : packages.Select(p => LibTorchFolder(p, tsVersion)).FirstOrDefault(f => f is not null);
        if (libtorch is null) return "not applied: libtorch-cpu-linux-x64 (or libtorch-cuda-*) not restored under " + string.Join(", ", packages);

        string cache = Path.Combine(CacheRoot(), "torch-native", "torchsharp-" + tsVersion + "-" + Hash(Path.GetFullPath(libtorch)));
        Directory.CreateDirectory(cache);
        foreach (var file in Directory.EnumerateFiles(libtorch))
        {
            var link = Path.Combine(cache, Path.GetFileName(file));
            if (!File.Exists(link)) TryLink(link, file);
        }
        string patched = Path.Combine(cache, "libLibTorchSharp.so");
        if (!File.Exists(patched) || !IsWeak(patched)) WritePatched(File.ReadAllBytes(source), patched);
        NativeLibrary.Load(patched);
        return "applied (patched copy loaded from " + cache + ", libtorch from " + libtorch + ")";
    }

    /// <summary>Weakens the need in <paramref name="bytes"/> and replaces <paramref name="path"/> by an atomic rename.</summary>
    static void WritePatched(byte[] bytes, string path)
    {
        ElfVersionNeeds.Weaken(bytes, NativeFix.VersionName);
        string tmp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    static bool IsWeak(string lib)
    {
        var bytes = File.ReadAllBytes(lib);
        var offsets = ElfVersionNeeds.FlagOffsets(bytes, NativeFix.VersionName);
        return offsets is not null && offsets.TrueForAll(at => (BitConverter.ToUInt16(bytes, at) & ElfVersionNeeds.VerFlgWeak) != 0);
    }

    /// <summary>The path of a shared library with this file name already mapped into the process, from /proc/self/maps.</summary>
    static string? LoadedLibrary(string fileName)
    {
        const string Maps = "/proc/self/maps";
        if (!File.Exists(Maps)) return null;
        foreach (var line in File.ReadLines(Maps))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal)) return line[slash..];
        }
        return null;
    }

    static void TryLink(string link, string target)
    {
        try { File.CreateSymbolicLink(link, target); }
        catch (IOException) when (File.Exists(link)) { } // another process made it first
    }

    /// <summary>Where TorchSharp's packages may be: the folder TorchSharp.dll was loaded from, NUGET_PACKAGES, ~/.nuget/packages.</summary>
    static IEnumerable<string> PackagesFolders(Assembly torchSharp)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dir = Path.GetDirectoryName(torchSharp.Location);
        // …/packages/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        if (dir is not null && dir.Contains("torchsharp", StringComparison.OrdinalIgnoreCase))
        {
            var up = Path.GetFullPath(Path.Combine(dir, "..", "..", "..", ".."));
            if (Directory.Exists(Path.Combine(up, "torchsharp")) && seen.Add(up)) yield return up;
        }
        var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env) && seen.Add(Path.GetFullPath(env))) yield return Path.GetFullPath(env);
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(home) && seen.Add(home)) yield return home;
    }

    static string NuGetVersion(Assembly torchSharp)
    {
        var info = torchSharp.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var v = info ?? torchSharp.GetName().Version?.ToString(3) ?? "0.0.0";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? v[..plus] : v;
    }

    /// <summary>The native folder of the libtorch package the TorchSharp-cpu (or -cuda) package of this version depends on.</summary>
    static string? LibTorchFolder(string packages, string tsVersion)
    {
        foreach (var (meta, rootId) in new[] { ("torchsharp-cpu", "libtorch-cpu"), ("torchsharp-cuda-linux", "libtorch-cuda-12.8") })
        {
            var nuspec = Path.Combine(packages, meta, tsVersion, meta + ".nuspec");
            if (!File.Exists(nuspec)) continue;
            var text = File.ReadAllText(nuspec);
            int at = text.IndexOf("id=\"" + rootId + "\"", StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            int v = text.IndexOf("version=\"", at, StringComparison.Ordinal) + "version=\"".Length;
            var version = text[v..text.IndexOf('"', v)].Trim('[', ']', '(', ')');
            foreach (var pkg in Directory.EnumerateDirectories(packages, rootId + "-linux-x64*"))
            {
                var native = Path.Combine(pkg, version, "runtimes", "linux-x64", "native");
                if (Directory.Exists(native) && Directory.EnumerateFiles(native, "libtorch*.so").Any()) return native;
            }
        }
        return null;
    }

    /// <summary>A short stable name for a libtorch folder: one cache folder per distinct libtorch copy.</summary>
    static string Hash(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..16];

    static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "blend");
    }
}
