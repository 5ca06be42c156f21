using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Cli.Recipes;

/// <summary>
/// Reads a recipe file and checks all of it against <see cref="RecipeFormat"/>: syntax, duplicate keys, unknown fields
/// (with a did-you-mean), types, ranges, choices, missing files and folders, unknown judge/reward/optimizer types, reward
/// references to judges, the options each library type accepts, and the prompt files themselves. Every problem is
/// collected (not just the first) with its file, line and JSON path; nothing is written.
/// </summary>
internal sealed class RecipeReader
{
    readonly string _file;
    readonly JsonPositions _positions;
    readonly List<RecipeError> _errors = [];

    RecipeReader(string file, JsonPositions positions)
    {
        _file = file;
        _positions = positions;
    }

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="RecipeException">Every problem found, each with file, line, JSON path and message.</exception>
    public static Recipe Read(string path)
    {
        var (recipe, errors) = Check(path);
        if (errors.Count > 0) throw new RecipeException(errors);
        return recipe!;
    }

    /// <summary>Reads and checks <paramref name="path"/>; returns the recipe when there is no problem, and every problem.</summary>
    public static (Recipe? Recipe, IReadOnlyList<RecipeError> Errors) Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Path.GetFullPath(path);
        if (!File.Exists(file)) return (null, [new RecipeError(path, 0, "$", Directory.Exists(file) ? "is a folder, not a recipe file" : "the recipe file does not exist")]);
        var bytes = File.ReadAllBytes(file);
        var positions = JsonPositions.Read(bytes);
        var reader = new RecipeReader(path, positions);
        foreach (var (line, p, message) in positions.Problems) reader._errors.Add(new RecipeError(path, line, p, message));
        if (reader._errors.Count > 0) return (null, reader._errors);
        JsonNode? root;
        try { root = JsonNode.Parse(bytes); }
        catch (JsonException e) { return (null, [new RecipeError(path, (int)(e.LineNumber ?? 0) + 1, "$", "not valid JSON: " + e.Message)]); }
        if (root is not JsonObject obj) return (null, [new RecipeError(path, 1, "$", $"a recipe is a JSON object, found {Kind(root)}")]);
        reader.CheckObject(obj, RecipeFormat.Root, "$");
        reader.CheckMeaning(new Recipe(file, new RecipeValues(obj, "$")));
        var sorted = reader._errors.OrderBy(e => e.Line).ToList();
        return (sorted.Count == 0 ? new Recipe(file, new RecipeValues(obj, "$")) : null, sorted);
    }

    /// <summary>A recipe path resolved against the folder of <paramref name="recipeFile"/> (absolute paths stay as they are).</summary>
    public static string Resolve(string recipeFile, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(recipeFile))!, path));

    void Error(string path, string message) => _errors.Add(new RecipeError(_file, _positions.LineOf(path), path, message));

    static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            var k => k.ToString(),
        },
    };

    // ---- shape checks ----

    void CheckObject(JsonObject obj, Shape shape, string path, IReadOnlyList<Field>? extra = null)
    {
        var fields = extra is null ? shape.Fields : [.. extra, .. shape.Fields];
        if (fields.Count == 0) return; // a free-form object (e.g. a JSON schema)
        var known = fields.Select(f => f.Name).ToList();
        foreach (var (key, value) in obj)
        {
            var childPath = JsonPositions.Child(path, key);
            var field = fields.FirstOrDefault(f => f.Name == key);
            if (field is null)
            {
                Error(childPath, $"unknown field '{key}' in {shape.Title}{DidYouMean.Hint(key, known)} (known: {string.Join(", ", known.Where(k => k != "$schema"))})");
                continue;
            }
            CheckValue(value, field, childPath);
        }
        foreach (var f in fields.Where(f => f.Required && !obj.ContainsKey(f.Name)))
            Error(path, $"missing required field '{f.Name}' ({f.Description})");
        if (shape.OneOf is { } group)
        {
            var present = group.Where(obj.ContainsKey).ToList();
            if (present.Count > 1) Error(path, $"give only one of {string.Join(", ", group)}; found {string.Join(" and ", present)}");
            else if (present.Count == 0 && shape.ExactlyOne) Error(path, $"give one of {string.Join(", ", group)}");
        }
    }

    void CheckValue(JsonNode? node, Field field, string path)
    {
        if (node is null) { Error(path, $"must be {Expected(field)}, found null"); return; }
        switch (field.Type)
        {
            case FieldType.String:
                if (!IsString(node, out var s)) { Error(path, $"must be a string, found {Kind(node)}"); return; }
                if (field.Choices is { } choices && !choices.Contains(s))
                    Error(path, $"'{s}' is not one of {string.Join(", ", choices)}{DidYouMean.Hint(s, choices)}");
                break;
            case FieldType.Integer:
            case FieldType.Number:
                if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) { Error(path, $"must be {Expected(field)}, found {Kind(node)}"); return; }
                double x = v.GetValue<double>();
                if (field.Type == FieldType.Integer && (x != Math.Floor(x) || x > int.MaxValue || x < int.MinValue)) { Error(path, $"must be a whole number, found {x.ToString(CultureInfo.InvariantCulture)}"); return; }
                CheckRange(x, field, path);
                break;
            case FieldType.Boolean:
                if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) Error(path, $"must be true or false, found {Kind(node)}");
                break;
            case FieldType.StringList:
            case FieldType.FileList:
            case FieldType.FolderList:
                if (node is not JsonArray list) { Error(path, $"must be a list of {field.Type switch { FieldType.FileList => "file paths", FieldType.FolderList => "folder paths", _ => "strings" }}, found {Kind(node)}"); return; }
                if (field.Type == FieldType.FolderList && field.Min is double least && list.Count < least) Error(path, $"needs at least {least} folders, found {list.Count}");
                for (int i = 0; i < list.Count; i++)
                {
                    var itemPath = $"{path}[{i}]";
                    if (!IsString(list[i], out var item)) Error(itemPath, $"must be a string, found {Kind(list[i])}");
                    else if (field.Type != FieldType.StringList) CheckPath(item, itemPath, folder: field.Type == FieldType.FolderList);
                }
                break;
            case FieldType.File:
            case FieldType.Folder:
            case FieldType.OutputFolder:
                if (!IsString(node, out var p)) { Error(path, $"must be a path (a string), found {Kind(node)}"); return; }
                if (field.Type == FieldType.OutputFolder)
                {
                    if (string.IsNullOrWhiteSpace(p)) Error(path, "must not be empty");
                    else if (File.Exists(Resolve(_file, p))) Error(path, $"'{p}' is a file; the output must be a folder");
                }
                else CheckPath(p, path, folder: field.Type == FieldType.Folder);
                break;
            case FieldType.Object:
                if (node is not JsonObject o) { Error(path, $"must be an object, found {Kind(node)}"); return; }
                CheckObject(o, field.Shape!, path);
                break;
            case FieldType.ObjectList:
                if (node is not JsonArray objects) { Error(path, $"must be a list of objects, found {Kind(node)}"); return; }
                if (field.Min is double min && objects.Count < min) Error(path, $"needs at least {min} item{(min == 1 ? "" : "s")}");
                for (int i = 0; i < objects.Count; i++)
                {
                    if (objects[i] is JsonObject item) CheckObject(item, field.Shape!, $"{path}[{i}]");
                    else Error($"{path}[{i}]", $"must be an object, found {Kind(objects[i])}");
                }
                break;
            case FieldType.Union:
                CheckUnion(node, field.Union!, path);
                break;
            case FieldType.UnionList:
                if (node is not JsonArray items) { Error(path, $"must be a list of {field.Union!.Title} objects, found {Kind(node)}"); return; }
                for (int i = 0; i < items.Count; i++) CheckUnion(items[i], field.Union!, $"{path}[{i}]");
                break;
        }
    }

    void CheckUnion(JsonNode? node, UnionShape union, string path)
    {
        if (node is not JsonObject obj) { Error(path, $"a {union.Title} is an object with a 'type', found {Kind(node)}"); return; }
        var types = union.Variants.Select(v => v.Type).ToList();
        if (!obj.ContainsKey("type")) { Error(path, $"missing required field 'type' (one of: {string.Join(", ", types)})"); return; }
        if (!IsString(obj["type"], out var type)) { Error(path + ".type", $"must be a string, found {Kind(obj["type"])}"); return; }
        var variant = union.Variants.FirstOrDefault(v => v.Type == type);
        if (variant is null) { Error(path + ".type", $"unknown {union.Title} '{type}'{DidYouMean.Hint(type, types)} (known: {string.Join(", ", types)})"); return; }
        CheckObject(obj, new Shape($"{union.Title} '{type}'", variant.Fields), path, [new Field("type", FieldType.String, $"The {union.Title} type.")]);
    }

    void CheckRange(double x, Field field, string path)
    {
        var ic = CultureInfo.InvariantCulture;
        if (field.Min is double min && (field.MinExclusive ? x <= min : x < min))
            Error(path, string.Format(ic, "must be {0} {1}, found {2}", field.MinExclusive ? ">" : "≥", min, x));
        if (field.Max is double max && x > max) Error(path, string.Format(ic, "must be ≤ {0}, found {1}", max, x));
    }

    void CheckPath(string value, string path, bool folder)
    {
        if (string.IsNullOrWhiteSpace(value)) { Error(path, "must not be empty"); return; }
        var full = Resolve(_file, value);
        if (folder ? Directory.Exists(full) : File.Exists(full)) return;
        var what = folder ? "folder" : "file";
        var other = folder ? File.Exists(full) : Directory.Exists(full);
        Error(path, other ? $"'{value}' is a {(folder ? "file" : "folder")}, expected a {what}" : $"{what} '{value}' does not exist (looked for {full})");
    }

    static bool IsString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) { value = v.GetValue<string>(); return true; }
        return false;
    }

    static string Expected(Field f) => f.Type switch
    {
        FieldType.Integer => "a whole number",
        FieldType.Number => "a number",
        FieldType.Boolean => "true or false",
        FieldType.Object => "an object",
        _ => f.Type.ToString().ToLowerInvariant(),
    };

    // ---- meaning: what the shape cannot say ----

    // Each check runs only on a part without shape errors, so every problem is reported once and the typed reads are safe.
    bool Clean(string path)
    {
        foreach (var e in _shapeErrors)
            if (e.Path == path || e.Path.StartsWith(path + ".", StringComparison.Ordinal) || e.Path.StartsWith(path + "[", StringComparison.Ordinal)) return false;
        return true;
    }

    List<RecipeError> _shapeErrors = [];

    void CheckMeaning(Recipe recipe)
    {
        _shapeErrors = [.. _errors];
        var model = recipe.Root.Child("model");
        if (model is null || !Clean("$.model")) { }
        else if (model.String("hf") is { } hf) CheckHuggingFaceFolder(recipe.Resolve(hf), model.Path + ".hf");
        else if (model.String("checkpoint") is { } checkpoint) CheckPolicyFolder(recipe.Resolve(checkpoint), model.Path + ".checkpoint");
        if (Clean("$.reference") && recipe.Root.String("reference") is { } reference) CheckPolicyFolder(recipe.Resolve(reference), "$.reference");
        if (Clean("$.sft") && recipe.Root.Child("sft") is { } sft)
        {
            foreach (var (file, i) in (sft.Strings("prompts") ?? []).Select((f, i) => (f, i))) CheckPromptFile(recipe.Resolve(file), $"{sft.Path}.prompts[{i}]", null);
            foreach (var (file, i) in (sft.Strings("eval_prompts") ?? []).Select((f, i) => (f, i))) CheckPromptFile(recipe.Resolve(file), $"{sft.Path}.eval_prompts[{i}]", null);
        }
        foreach (var stage in new[] { recipe.Root.Child("sft"), recipe.Root.Child("training") })
            if (stage?.Child("lora") is { } lora && Clean(lora.Path)) CheckLora(lora);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (recipe.Root.Object["tasks"] is not JsonArray tasks || tasks.Any(t => t is not JsonObject)) return;
        foreach (var task in recipe.Tasks)
        {
            if (task.String("name") is not { } name) continue;
            if (!names.Add(name)) Error(task.Path + ".name", $"task '{name}' is declared twice");
            CheckTask(recipe, task, name);
        }
    }

    /// <summary>A <c>lora</c> object's values within <see cref="LoraOptions.Validate"/>'s limits (rank ≥ 1, α > 0, dropout in [0, 1), no empty target).</summary>
    void CheckLora(RecipeValues lora)
    {
        try { (OptionsBinder.Bind<LoraOptions>(lora) with { TargetModules = lora.Strings("target_modules") }).Validate(); }
        catch (ArgumentException e) { Error(lora.Path, OptionsBinder.Translate(typeof(LoraOptions), e.Message.Replace("LoraOptions.", "", StringComparison.Ordinal))); }
    }

    void CheckTask(Recipe recipe, RecipeValues task, string name)
    {
        var optimizer = task.Child("optimizer");
        bool offline = optimizer?.String("type") == "dpo";
        if (optimizer is not null && Clean(optimizer.Path) && Clean(task.Path + ".k"))
        {
            var options = OptimizerCatalog.Create(optimizer, task.Int("samples_per_prompt") ?? 4);
            try { options.Validate(name); }
            catch (ArgumentException e) { Error(optimizer.Path, OptionsBinder.Translate(options.GetType(), Plain(e)).Replace("SamplesPerPrompt (K)", "samples_per_prompt", StringComparison.Ordinal)); }
        }
        if (offline && !task.Has("pairs")) Error(task.Path, $"task '{name}': the dpo optimizer trains on preference pairs; add \"pairs\": \"FILE.jsonl\"");
        if (!offline && !task.Has("prompts")) Error(task.Path, $"task '{name}': missing required field 'prompts' (JSONL training prompts; only the dpo optimizer goes without)");
        if (Clean(task.Path + ".prompts") && task.String("prompts") is { } prompts) CheckPromptFile(recipe.Resolve(prompts), task.Path + ".prompts", name);
        if (Clean(task.Path + ".eval_prompts") && task.String("eval_prompts") is { } eval) CheckPromptFile(recipe.Resolve(eval), task.Path + ".eval_prompts", name);
        if (Clean(task.Path + ".pairs") && task.String("pairs") is { } pairs)
        {
            try { PreferencePairs.Load(recipe.Resolve(pairs)); }
            catch (FormatException e) { Error(task.Path + ".pairs", e.Message); }
        }

        var judges = new Dictionary<string, IJudge>(StringComparer.Ordinal);
        bool judgesClean = Clean(task.Path + ".judges");
        foreach (var j in task.Object["judges"] is JsonArray ? task.Children("judges").Where(j => Clean(j.Path)) : [])
        {
            try
            {
                var judge = JudgeCatalog.Find(j.String("type")!)!.Create(j, new JudgeContext(dir =>
                {
                    CheckModelFolder(recipe.Resolve(dir), j.Path + ".model");
                    return Unloaded.Scorer;
                }));
                if (!judges.TryAdd(judge.Name, judge)) Error(j.Path, $"task '{name}' has two judges named '{judge.Name}'; give one a \"name\"");
            }
            catch (ArgumentException e) { Error(j.Path, Plain(e)); }
        }
        var context = new RewardContext(judges, _ => "", dir =>
        {
            if (!File.Exists(Path.Combine(dir, "reward.json"))) throw new ArgumentException($"'{dir}' is not a reward-model checkpoint (no reward.json)");
            return Reward.From("placeholder", _ => 0);
        });
        var components = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in task.Object["rewards"] is JsonArray ? task.Children("rewards").Where(r => Clean(r.Path)) : [])
        {
            if (r.String("type") == "judge" && r.String("judge") is { } judgeName && !judges.ContainsKey(judgeName))
            {
                // When a judge itself is broken its name is unknown, so only a clean judge list can prove the reference wrong.
                if (judgesClean)
                    Error(r.Path + ".judge", $"task '{name}' has no judge named '{judgeName}'{DidYouMean.Hint(judgeName, judges.Keys)} (its judges: {string.Join(", ", judges.Keys.DefaultIfEmpty("none"))})");
                continue;
            }
            try
            {
                var reward = RewardCatalog.Find(r.String("type")!)!.Create(r, context);
                var component = r.String("name") ?? reward.Name;
                if (!components.Add(component)) Error(r.Path, $"task '{name}' has two rewards named '{component}'; give one a \"name\"");
            }
            catch (ArgumentException e) { Error(r.Path, Plain(e)); }
        }
        if (task.Child("reward_mixture") is { } mix && Clean(mix.Path + ".clip_min") && Clean(mix.Path + ".clip_max") && Clean(mix.Path + ".normalize"))
        {
            double? lo = mix.Number("clip_min"), hi = mix.Number("clip_max");
            if ((lo is null) != (hi is null)) Error(mix.Path, $"task '{name}': clip_min and clip_max go together; add {(lo is null ? "clip_min" : "clip_max")}");
            else if (lo > hi) Error(mix.Path + ".clip_min", $"task '{name}': clip_min {lo} is above clip_max {hi}");
            if (mix.Has("ema_decay") && mix.String("normalize") != "ema") Error(mix.Path + ".ema_decay", $"task '{name}': ema_decay applies only with \"normalize\": \"ema\"");
        }
        if (!offline && Clean(task.Path + ".rewards") && (task.Object["rewards"] as JsonArray)?.Count is null or 0) Error(task.Path, $"task '{name}': add at least one reward (\"rewards\": [{{\"type\": \"gold_overlap\"}}])");
    }

    /// <summary>An exception's message without the " (Parameter 'x')" suffix .NET appends.</summary>
    static string Plain(ArgumentException e) => e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    void CheckPolicyFolder(string dir, string path)
    {
        foreach (var f in new[] { "config.json", "model.safetensors" })
            if (!File.Exists(Path.Combine(dir, f))) Error(path, $"'{dir}' is not a Blend checkpoint: it has no {f}");
    }

    /// <summary>A model folder of either layout: a Blend policy checkpoint (config.json with a blend format) or a Hugging Face folder.</summary>
    void CheckModelFolder(string dir, string path)
    {
        var config = Path.Combine(dir, "config.json");
        bool blend = false;
        try { blend = File.Exists(config) && JsonNode.Parse(File.ReadAllText(config)) is JsonObject o && o["format"] is JsonValue f && f.TryGetValue(out string? format) && format.StartsWith("blend-", StringComparison.Ordinal); }
        catch (JsonException e) { Error(path, $"{config}: not valid JSON ({e.Message})"); return; }
        if (blend) CheckPolicyFolder(dir, path);
        else CheckHuggingFaceFolder(dir, path);
    }

    /// <summary>Stands in for a judge model during validation (models are loaded when the recipe is built, not when it is checked).</summary>
    sealed class Unloaded : INextTokenScorer
    {
        public static readonly Unloaded Scorer = new();

        public IReadOnlyList<double> NextTokenLogProbs(string text, IReadOnlyList<string> candidates) => throw new InvalidOperationException("validation only");
    }

    /// <summary>
    /// A Hugging Face model folder: a supported config (read as the loader reads it), weights (one file or an index of
    /// shards) and a tokenizer. Tensor names and shapes are checked when the model is loaded, before any training.
    /// </summary>
    void CheckHuggingFaceFolder(string dir, string path)
    {
        var config = Path.Combine(dir, "config.json");
        if (!File.Exists(config)) { Error(path, $"'{dir}' is not a model folder: it has no config.json"); return; }
        try { HuggingFaceConfig.Read(config); }
        catch (Exception e) when (e is FormatException or NotSupportedException or JsonException or ArgumentException) { Error(path, e.Message); }
        if (!File.Exists(Path.Combine(dir, "model.safetensors")) && !File.Exists(Path.Combine(dir, "model.safetensors.index.json")))
            Error(path, $"'{dir}' has no weights: neither model.safetensors nor model.safetensors.index.json");
        bool tokenizer = File.Exists(Path.Combine(dir, "tokenizer.json")) || File.Exists(Path.Combine(dir, "vocab.json")) && File.Exists(Path.Combine(dir, "merges.txt"));
        if (!tokenizer) Error(path, $"'{dir}' has no tokenizer: neither tokenizer.json nor vocab.json + merges.txt");
    }

    void CheckPromptFile(string file, string path, string? task)
    {
        PromptSet set;
        try { set = PromptSet.Load(file); }
        catch (FormatException e) { Error(path, e.Message); return; }
        catch (FileNotFoundException) { return; } // reported by the shape check
        if (set.Count == 0) Error(path, $"'{file}' has no prompts");
        else if (task is not null && set.Tasks.Count > 1 && set.ForTask(task).Count == 0)
            Error(path, $"'{file}' has no prompt of task '{task}' (its tasks: {string.Join(", ", set.Tasks)})");
    }
}
