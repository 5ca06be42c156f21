namespace Blend;

/// <summary>Limits and settings of the <see cref="CodeJudge"/> sandbox (init-only; defaults documented per property).</summary>
public sealed record CodeJudgeOptions
{
    /// <summary>Wall-clock limit per sample in seconds (the sandboxed run; also its CPU-time limit, rounded up); default 10.</summary>
    public double TimeoutSeconds { get; init; } = 10;

    /// <summary>Memory of the snippet's process in MiB, native memory included (<c>RLIMIT_AS</c> above what the runtime had mapped at start; for C# also the managed-heap cap); default 256.</summary>
    public int MemoryMb { get; init; } = 256;

    /// <summary>Processes and threads the snippet may add (<c>RLIMIT_NPROC</c>, counted per sandbox); default 32.</summary>
    public int MaxProcesses { get; init; } = 32;

    /// <summary>Largest file the snippet may write, in MiB (<c>RLIMIT_FSIZE</c>); default 16.</summary>
    public int MaxFileMb { get; init; } = 16;

    /// <summary>Size of the snippet's only writable folder, a tmpfs at <c>/work</c>, in MiB; default 64.</summary>
    public int MaxDiskMb { get; init; } = 64;

    /// <summary>Bytes of stdout the host keeps, in KiB; more output kills the run (a fail); default 64.</summary>
    public int MaxOutputKb { get; init; } = 64;

    /// <summary>Samples run in parallel, each in its own sandbox; default: the number of cores.</summary>
    public int MaxParallel { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Path of the C# runner <c>Blend.Sandbox.dll</c>; default: the <c>BLEND_SANDBOX_RUNNER</c> environment variable, else next to the application.</summary>
    public string? RunnerPath { get; init; }

    /// <summary>The Python 3 interpreter shown (read-only, with its standard library) to Python snippets; default <c>/usr/bin/python3</c>.</summary>
    public string PythonPath { get; init; } = "/usr/bin/python3";
}
