using Blend.Tests.Docs;

namespace Blend.Tests.Cli;

/// <summary>Every <c>blend …</c> line in the README's shell blocks parses with the real command tree (commands and flags cannot drift from the docs).</summary>
public sealed class ReadmeCommandLinesTests
{
    [Fact]
    public void Every_blend_command_line_in_the_readme_parses()
    {
        var lines = ReadmeBlocks.Read(RepoRoot.File("README.md"))
            .Where(b => b.Language is "bash" or "sh")
            .SelectMany(b => b.Code.Split('\n'))
            .Select(l => (l.IndexOf(" #", StringComparison.Ordinal) is int c and >= 0 ? l[..c] : l).Trim())
            .Where(l => l.StartsWith("blend ", StringComparison.Ordinal))
            .ToList();
        Assert.True(lines.Count >= 5, $"only {lines.Count} blend lines found");
        Assert.Contains(lines, l => l.StartsWith("blend rm train", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("blend sweep", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            var errors = CliRun.ParseErrors(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
            Assert.True(errors.Count == 0, $"README: '{line}': {string.Join("; ", errors)}");
        }
    }
}
