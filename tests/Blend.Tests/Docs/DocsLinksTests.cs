using System.Text.RegularExpressions;

namespace Blend.Tests.Docs;

/// <summary>
/// The repository stands alone: no file cites a design note outside it, and every link to <c>docs/</c> (from doc comments,
/// the README, notebooks, lessons, and between the notes themselves) names a file and a heading that exist.
/// </summary>
public sealed partial class DocsLinksTests
{
    static readonly string[] TextExtensions = [".cs", ".fs", ".fsx", ".csx", ".md", ".ipynb", ".json", ".yaml", ".yml", ".sh", ".py", ".props", ".targets", ".csproj", ".sln", ".txt", ".jinja"];
    static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git", "out", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts"];

    static IEnumerable<string> RepoTextFiles()
    {
        var pending = new Stack<string>([RepoRoot.Path]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!SkippedFolders.Contains(Path.GetFileName(sub), StringComparer.Ordinal)) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir))
                if (TextExtensions.Contains(Path.GetExtension(file), StringComparer.Ordinal)) yield return file;
        }
    }

    static string Relative(string file) => Path.GetRelativePath(RepoRoot.Path, file);

    [Fact]
    public void No_file_cites_a_design_note_outside_the_repository()
    {
        // spelled in pieces so that this file does not match itself
        string[] outside = ["ALGORITHMS" + ".md", ".." + "/shared", "/work/" + "shared"];
        var hits = new List<string>();
        foreach (var file in RepoTextFiles())
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                foreach (var s in outside)
                    if (lines[i].Contains(s, StringComparison.Ordinal)) hits.Add($"{Relative(file)}:{i + 1}: {s}");
        }
        Assert.True(hits.Count == 0, "references to files outside the repository:\n" + string.Join("\n", hits));
    }

    [Fact]
    public void Every_docs_link_names_an_existing_note_and_heading()
    {
        var docs = RepoRoot.File("docs");
        Assert.True(Directory.Exists(docs), "docs/ is missing");
        var anchors = Directory.EnumerateFiles(docs, "*.md").ToDictionary(f => Path.GetFileName(f), f => Anchors(File.ReadAllLines(f)), StringComparer.Ordinal);
        var broken = new List<string>();
        int links = 0;
        foreach (var file in RepoTextFiles())
        {
            bool inDocs = Path.GetDirectoryName(file) == docs;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var found = DocsLink().Matches(lines[i]).Select(m => (m.Groups["file"].Value, m.Groups["anchor"].Value)).ToList();
                if (inDocs) found.AddRange(RelativeLink().Matches(lines[i]).Select(m => (m.Groups["file"].Value, m.Groups["anchor"].Value)));
                foreach (var (name, anchor) in found)
                {
                    links++;
                    if (!anchors.TryGetValue(name, out var heads)) broken.Add($"{Relative(file)}:{i + 1}: docs/{name} does not exist");
                    else if (anchor.Length > 0 && !heads.Contains(anchor)) broken.Add($"{Relative(file)}:{i + 1}: docs/{name} has no heading #{anchor} (has {string.Join(", ", heads)})");
                }
            }
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
        Assert.True(links >= 20, $"only {links} links to docs/ found: the scan is not reading the sources");
    }

    [Fact]
    public void Anchors_are_githubs_heading_slugs()
    {
        Assert.Equal(["crpg", "linear-mode-connectivity", "online-dpo", "k1", "cgpo-constrained-rlhf-with-a-mixture-of-judges"],
            Anchors(["## CRPG", "## Linear mode connectivity", "### Online DPO", "## k1", "# CGPO: constrained RLHF with a mixture of judges", "not a heading"]));
    }

    /// <summary>GitHub's anchors: lower case, punctuation other than '-' and '_' removed, spaces to '-'.</summary>
    static HashSet<string> Anchors(IEnumerable<string> lines)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        bool fenced = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !Heading().IsMatch(line)) continue;
            var text = Heading().Match(line).Groups["text"].Value.Trim().ToLowerInvariant();
            result.Add(new string(text.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').ToArray()).Replace(' ', '-'));
        }
        return result;
    }

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"docs/(?<file>[\w.-]+\.md)(?:#(?<anchor>[\w-]+))?")]
    private static partial Regex DocsLink();

    [GeneratedRegex(@"\]\((?<file>[\w.-]+\.md)(?:#(?<anchor>[\w-]+))?\)")]
    private static partial Regex RelativeLink();
}
