namespace Blend.Cli.Recipes;

/// <summary>A recipe that passed every check of <see cref="RecipeReader"/>: paths are absolute, defaults filled in.</summary>
/// <param name="File">The recipe file (absolute).</param>
/// <param name="Root">The checked JSON, for the option records and component lists.</param>
internal sealed record Recipe(string File, RecipeValues Root)
{
    /// <summary>The run's name.</summary>
    public string Name => Root.String("name")!;

    /// <summary>The seed.</summary>
    public int Seed => Root.Int("seed") ?? 0;

    /// <summary>auto, cpu or cuda.</summary>
    public string Device => Root.String("device") ?? "auto";

    /// <summary>The output folder (absolute).</summary>
    public string Output => Resolve(Root.String("output") ?? "out");

    /// <summary>The tasks, in order.</summary>
    public IReadOnlyList<RecipeValues> Tasks => Root.Children("tasks");

    /// <summary>The <c>budget</c> object (empty when absent).</summary>
    public RecipeValues Budget => Root.Child("budget") ?? Empty("budget");

    /// <summary>The <c>training</c> object (empty when absent).</summary>
    public RecipeValues Training => Root.Child("training") ?? Empty("training");

    /// <summary>The <c>serve</c> object (empty when absent).</summary>
    public RecipeValues Serve => Root.Child("serve") ?? Empty("serve");

    /// <summary>A path of the recipe resolved against the recipe file's folder.</summary>
    public string Resolve(string path) => RecipeReader.Resolve(File, path);

    RecipeValues Empty(string name) => new([], $"$.{name}");
}
