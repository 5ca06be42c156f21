using Blend.NativeBuild;

namespace Blend;

/// <summary>
/// Reports on the Debian 12 native fix: whether the <c>libLibTorchSharp.so</c> beside the application asks for
/// <c>GLIBCXX_3.4.32</c>, and whether the build marked that need weak (the Blend package's <c>buildTransitive/Blend.targets</c>).
/// </summary>
public static class NativeFix
{
    /// <summary>The libstdc++ version TorchSharp 0.107 asks for and Debian 12 lacks.</summary>
    public const string VersionName = "GLIBCXX_3.4.32";

    /// <summary>A one-line description for <c>blend doctor</c>.</summary>
    public static string Describe()
    {
        if (!OperatingSystem.IsLinux()) return "not needed (not Linux)";
        var lib = FindLibTorchSharp();
        if (lib is null) return "libLibTorchSharp.so not found beside the application";
        var offsets = ElfVersionNeeds.FlagOffsets(File.ReadAllBytes(lib), VersionName);
        if (offsets is null) return "unknown (not a 64-bit ELF file)";
        if (offsets.Count == 0) return "not needed (library does not ask for " + VersionName + ")";
        var bytes = File.ReadAllBytes(lib);
        bool weak = offsets.TrueForAll(at => (BitConverter.ToUInt16(bytes, at) & ElfVersionNeeds.VerFlgWeak) != 0);
        if (weak) return $"applied ({VersionName} need marked weak in {lib})";
        return ElfVersionNeeds.SystemLibStdCxxHas(VersionName)
            ? "not needed (system libstdc++ has " + VersionName + ")"
            : "NOT applied: torch will fail to load (rebuild with dotnet build; the Blend package's targets patch the output folder)";
    }

    /// <summary>Finds the copy of <c>libLibTorchSharp.so</c> the process loads (beside the app or under runtimes/).</summary>
    public static string? FindLibTorchSharp()
    {
        var baseDir = AppContext.BaseDirectory;
        var direct = Path.Combine(baseDir, "libLibTorchSharp.so");
        if (File.Exists(direct)) return direct;
        var runtimes = Path.Combine(baseDir, "runtimes");
        return Directory.Exists(runtimes)
            ? Directory.EnumerateFiles(runtimes, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault()
            : null;
    }
}
