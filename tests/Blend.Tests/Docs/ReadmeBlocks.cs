using System.Text.RegularExpressions;

namespace Blend.Tests.Docs;

/// <summary>The fenced code blocks of a markdown file, by language, with the line each starts on.</summary>
internal static partial class ReadmeBlocks
{
    public sealed record Block(string Language, int Line, string Code)
    {
        public override string ToString() => $"{Language} block at README.md:{Line}";
    }

    public static IReadOnlyList<Block> Read(string markdownPath)
    {
        var lines = File.ReadAllLines(markdownPath);
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success) continue;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            blocks.Add(new Block(open.Groups[1].Value.ToLowerInvariant(), start + 1, string.Join('\n', lines[start..Math.Min(end, lines.Length)]) + "\n"));
            i = end;
        }
        return blocks;
    }

    [GeneratedRegex(@"^```\s*([A-Za-z#+]+)\s*$")]
    private static partial Regex Fence();
}
