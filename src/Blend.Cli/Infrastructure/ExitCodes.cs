namespace Blend.Cli;

/// <summary>The process exit codes every <c>blend</c> command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Ok = 0;

    /// <summary>A failure during the work (after the inputs were checked).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: unknown flag, missing or malformed file, invalid recipe. Nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by Ctrl-C / SIGINT (after saving what could be saved).</summary>
    public const int Interrupted = 130;
}
