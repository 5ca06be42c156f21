using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// The running statistics of a <see cref="RewardNormalizer"/>: one <see cref="RewardMoments"/> per mixture component, an
/// immutable value that round-trips through JSON (<see cref="ToJson"/>, <see cref="FromJson"/>, <see cref="Save"/>,
/// <see cref="Load"/>) so a training run can checkpoint it and resume with the same normalization.
/// </summary>
public sealed record RewardNormalizerState
{
    const string Format = "blend-reward-normalizer/1";

    /// <summary>The state before any score was seen.</summary>
    public static RewardNormalizerState Empty { get; } = new([]);

    readonly ImmutableList<RewardMoments> _components;

    RewardNormalizerState(ImmutableList<RewardMoments> components) => _components = components;

    /// <summary>The moments of each component seen so far, in the order they were first seen.</summary>
    public IReadOnlyList<RewardMoments> Components => _components;

    /// <summary>The moments of one component (routed to <paramref name="task"/>, or global when null), or null when none was seen.</summary>
    public RewardMoments? Find(string name, string? task) => Components.FirstOrDefault(m => m.Name == name && m.Task == task);

    /// <summary>A copy with <paramref name="moments"/> replacing the entry of the same component (or appended).</summary>
    public RewardNormalizerState With(RewardMoments moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        int i = _components.FindIndex(m => m.Name == moments.Name && m.Task == moments.Task);
        return new(i < 0 ? _components.Add(moments) : _components.SetItem(i, moments));
    }

    /// <summary>The state as JSON: <c>{"format": …, "components": [{"name", "task", "count", "mean", "m2"}, …]}</c>; doubles round-trip exactly.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["components"] = new JsonArray([.. Components.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name, ["task"] = m.Task, ["count"] = m.Count,
                ["mean"] = m.Mean.ToString("R", CultureInfo.InvariantCulture), ["m2"] = m.M2.ToString("R", CultureInfo.InvariantCulture),
            })]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Names the text in error messages (a file path).</param>
    /// <exception cref="FormatException">Not a normalizer state; the message names the source and the field.</exception>
    public static RewardNormalizerState FromJson(string json, string source = "reward normalizer state")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"{source}: not JSON ({e.Message}).", e); }
        if (root is not JsonObject o || (string?)o["format"] != Format) throw new FormatException($"{source}: field 'format' must be '{Format}'.");
        if (o["components"] is not JsonArray items) throw new FormatException($"{source}: field 'components' must be a list.");
        var state = Empty;
        for (int i = 0; i < items.Count; i++)
        {
            string Where(string field) => $"{source}: components[{i}].{field}";
            if (items[i] is not JsonObject c) throw new FormatException($"{source}: components[{i}] must be an object.");
            var name = c["name"]?.GetValue<string>() ?? throw new FormatException($"{Where("name")} is missing.");
            var task = c["task"]?.GetValue<string>();
            int count = c["count"]?.GetValue<int>() ?? throw new FormatException($"{Where("count")} is missing.");
            if (count < 0) throw new FormatException($"{Where("count")} is {count}; must be ≥ 0.");
            double Number(string field) => double.TryParse(c[field]?.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
                ? x : throw new FormatException($"{Where(field)} must be a finite number written as a string.");
            state = state.With(new RewardMoments(name, task, count, Number("mean"), Number("m2")));
        }
        return state;
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a state saved by <see cref="Save"/>.</summary>
    /// <exception cref="FormatException">The file is not a normalizer state (names the file and field).</exception>
    public static RewardNormalizerState Load(string path) => FromJson(File.ReadAllText(path), path);

    /// <inheritdoc />
    public bool Equals(RewardNormalizerState? other) => other is not null && Components.SequenceEqual(other.Components);

    /// <inheritdoc />
    public override int GetHashCode() => Components.Aggregate(0, (h, m) => HashCode.Combine(h, m));
}

/// <summary>The running moments of one mixture component.</summary>
/// <param name="Name">The component's name.</param>
/// <param name="Task">The task it is routed to, or null when global.</param>
/// <param name="Count">Scores seen.</param>
/// <param name="Mean">Running mean μ.</param>
/// <param name="M2">Welford's Σ(x − μ)² (the variance is M2 / Count); for an exponential moving average, the moving variance itself.</param>
public sealed record RewardMoments(string Name, string? Task, int Count, double Mean, double M2);
