namespace Blend.Cli.Demo;

/// <summary>What the report says about the machine a demo ran on (timings mean little without it).</summary>
internal static class Machine
{
    /// <summary>The CPU model from /proc/cpuinfo, or the architecture where there is none.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int i and >= 0)
                        return line[(i + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The 1, 5 and 15 minute load averages ("0.52, 0.61, 0.70"), or null off Linux.</summary>
    public static string? LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 3 ? $"{parts[0]}, {parts[1]}, {parts[2]}" : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
