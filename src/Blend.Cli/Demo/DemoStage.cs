using System.Text.Json.Nodes;

namespace Blend.Cli.Demo;

/// <summary>What every demo stage gets: output folder, budgets, seed, the data folder, and where flags and files go.</summary>
internal sealed record DemoContext(string OutDir, bool Quick, int Seed, string DataDir)
{
    /// <summary>The fixed budgets of every stage (quick or full unless set).</summary>
    public DemoBudget Budget { get; init; } = Quick ? DemoBudget.QuickRun : DemoBudget.Full;

    /// <summary>Where progress lines go (the console).</summary>
    public TextWriter Log { get; init; } = Console.Out;

    /// <summary>Objects stages hand to later stages (the SFT policy, reward models, …), by key.</summary>
    public Dictionary<string, object> Shared { get; } = [];

    /// <summary>Sanity flags raised so far, in stage order.</summary>
    public List<SanityFlag> Flags { get; } = [];

    /// <summary>Files written next to the report (relative to <see cref="OutDir"/>), in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>Adds the flags that are not null.</summary>
    public void Flag(params SanityFlag?[] flags) => Flags.AddRange(flags.OfType<SanityFlag>());

    /// <summary>A progress printer for a part of a stage.</summary>
    public DemoProgress Progress(string label, int steps) => new(label, steps, Log);

    /// <summary>Writes a text file (CSV, JSONL) atomically under <see cref="OutDir"/> and records it.</summary>
    public void Export(string relativePath, string text)
    {
        var path = Path.Combine(OutDir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, text);
        Files.Add(relativePath);
    }

    /// <summary>Saves a policy the demo trained under <c>OutDir/checkpoints/name</c> and records it.</summary>
    public string SaveCheckpoint(string name, Policy policy)
    {
        var relative = Path.Combine("checkpoints", name);
        Directory.CreateDirectory(Path.Combine(OutDir, "checkpoints"));
        policy.Save(Path.Combine(OutDir, relative));
        Files.Add(relative + "/");
        return relative;
    }
}

/// <summary>
/// A stage's contribution: the headline (one sentence: what was measured and whether it came out as the paper predicts),
/// a report section, numbers for metrics.json and a console line.
/// </summary>
internal sealed record DemoResult(string Headline, string Html, JsonObject Metrics, string Summary);

/// <summary>One step of <c>blend demo</c>; each capability adds its own stage.</summary>
internal interface IDemoStage
{
    string Key { get; }
    string Title { get; }
    DemoResult Run(DemoContext context);
}
