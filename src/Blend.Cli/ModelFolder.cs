using TorchSharp;

namespace Blend.Cli;

/// <summary>Shared by <c>generate</c>, <c>score</c> and <c>doctor --model</c>: loads a model folder, turning bad input into exit code 2 and other failures into 1, each with one line on stderr.</summary>
internal static class ModelFolder
{
    /// <summary>Exit code of bad input (a missing folder, an unsupported config, a bad option value).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code of any other failure.</summary>
    public const int Failure = 1;

    /// <summary>Loads the policy in <paramref name="dir"/>; on failure writes the reason and returns null with the exit code.</summary>
    public static (Policy? Policy, int ExitCode) Load(string? dir, string? dtype = null)
    {
        if (string.IsNullOrWhiteSpace(dir)) return Fail(BadInput, "--model DIR is required.");
        if (!Directory.Exists(dir)) return Fail(BadInput, $"model folder '{dir}' does not exist.");
        torch.ScalarType? type = dtype switch
        {
            null or "" => null,
            "fp32" or "float32" => torch.ScalarType.Float32,
            "bf16" or "bfloat16" => torch.ScalarType.BFloat16,
            "fp16" or "float16" => torch.ScalarType.Float16,
            _ => (torch.ScalarType?)(-1),
        };
        if (type == (torch.ScalarType)(-1)) return Fail(BadInput, $"--dtype '{dtype}' is not fp32, bf16 or fp16.");
        try { return (Policy.Load(dir, dtype: type), 0); }
        catch (Exception e) when (e is FormatException or FileNotFoundException or DirectoryNotFoundException or NotSupportedException or ArgumentException)
        {
            return Fail(BadInput, e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Fail(Failure, e.Message);
        }
    }

    /// <summary>Writes <c>blend: message</c> to stderr and returns <paramref name="code"/>.</summary>
    public static int Error(int code, string message)
    {
        Console.Error.WriteLine("blend: " + message);
        return code;
    }

    static (Policy?, int) Fail(int code, string message) => (null, Error(code, message));
}
