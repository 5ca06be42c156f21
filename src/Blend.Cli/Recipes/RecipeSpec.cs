using System.Text.Json.Nodes;

namespace Blend.Cli.Recipes;

/// <summary>The JSON type of a recipe field.</summary>
internal enum FieldType
{
    /// <summary>A string.</summary>
    String,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>Any number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>A list of strings.</summary>
    StringList,
    /// <summary>A path to an existing file, relative to the recipe's folder.</summary>
    File,
    /// <summary>A list of paths to existing files.</summary>
    FileList,
    /// <summary>A list of paths to existing folders.</summary>
    FolderList,
    /// <summary>A path to an existing folder.</summary>
    Folder,
    /// <summary>A path to a folder that may not exist yet (an output).</summary>
    OutputFolder,
    /// <summary>An object with its own fields (<see cref="Field.Shape"/>).</summary>
    Object,
    /// <summary>A list of objects whose <c>type</c> picks a variant (<see cref="Field.Union"/>).</summary>
    UnionList,
    /// <summary>One object whose <c>type</c> picks a variant.</summary>
    Union,
    /// <summary>A list of objects of one shape.</summary>
    ObjectList,
}

/// <summary>One field of a recipe object: its name, type, meaning and limits. The reader, the JSON Schema and the docs all come from these.</summary>
internal sealed record Field(string Name, FieldType Type, string Description)
{
    /// <summary>The field must be present.</summary>
    public bool Required { get; init; }

    /// <summary>The value used when the field is absent (documentation and schema).</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Allowed string values.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Smallest allowed number.</summary>
    public double? Min { get; init; }

    /// <summary>Largest allowed number.</summary>
    public double? Max { get; init; }

    /// <summary>The numeric minimum is exclusive.</summary>
    public bool MinExclusive { get; init; }

    /// <summary>The fields of an <see cref="FieldType.Object"/> or of each item of an <see cref="FieldType.ObjectList"/>.</summary>
    public Shape? Shape { get; init; }

    /// <summary>The variants of a <see cref="FieldType.Union"/> or <see cref="FieldType.UnionList"/>.</summary>
    public UnionShape? Union { get; init; }
}

/// <summary>An object's fields.</summary>
/// <param name="Title">A short title (schema and messages).</param>
/// <param name="Fields">The fields, in documentation order.</param>
internal sealed record Shape(string Title, IReadOnlyList<Field> Fields)
{
    /// <summary>At most one of these fields may be present, and exactly one when <see cref="ExactlyOne"/>.</summary>
    public IReadOnlyList<string>? OneOf { get; init; }

    /// <summary>Exactly one of <see cref="OneOf"/> must be present.</summary>
    public bool ExactlyOne { get; init; }
}

/// <summary>Objects told apart by their <c>type</c> field.</summary>
/// <param name="Title">What the objects are (judge, reward, optimizer).</param>
/// <param name="Variants">The known types.</param>
internal sealed record UnionShape(string Title, IReadOnlyList<Variant> Variants);

/// <summary>One <c>type</c> of a union with its own fields (besides <c>type</c>).</summary>
internal sealed record Variant(string Type, string Description, IReadOnlyList<Field> Fields);
