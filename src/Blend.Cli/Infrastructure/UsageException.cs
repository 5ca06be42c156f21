namespace Blend.Cli;

/// <summary>Bad input found before any work started (a missing file, a wrong flag value, an invalid recipe): exit code 2, one message, no stack trace.</summary>
/// <param name="message">What is wrong, naming the file, line or field.</param>
internal sealed class UsageException(string message) : Exception(message);
