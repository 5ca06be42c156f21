namespace Blend.Cli;

/// <summary>An output folder given on the command line (<c>--out DIR</c>), checked before any work.</summary>
internal static class OutputFolder
{
    /// <summary>The absolute path of <paramref name="folder"/> after checking it is not a file nor under one.</summary>
    /// <exception cref="UsageException">It is empty, a file, or lies under a file.</exception>
    public static string Check(string folder, string flag = "--out")
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new UsageException($"{flag}: give a folder path");
        var full = Path.GetFullPath(folder);
        for (var dir = full; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) throw new UsageException($"{flag}: '{dir}' is a file; the output must be a folder");
            if (Directory.Exists(dir)) break;
        }
        return full;
    }
}
