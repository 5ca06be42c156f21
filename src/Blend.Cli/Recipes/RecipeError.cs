namespace Blend.Cli.Recipes;

/// <summary>One problem of a recipe file.</summary>
/// <param name="File">The recipe file.</param>
/// <param name="Line">The 1-based line of the offending value (0 when unknown).</param>
/// <param name="Path">The JSON path (<c>$.tasks[0].judges[1].pattern</c>).</param>
/// <param name="Message">What is wrong and, where it helps, what would be right.</param>
internal sealed record RecipeError(string File, int Line, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Path}: {Message}" : $"{File}: {Path}: {Message}";
}

/// <summary>A recipe with one or more problems; the message lists every one (file, line, JSON path, problem).</summary>
internal sealed class RecipeException(IReadOnlyList<RecipeError> errors)
    : Exception($"{errors.Count} problem{(errors.Count == 1 ? "" : "s")} in the recipe:\n  " + string.Join("\n  ", errors))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<RecipeError> Errors { get; } = errors;
}
