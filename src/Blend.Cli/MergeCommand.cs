using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Blend.Cli;

/// <summary>
/// <c>blend merge --config merge.yml --out DIR</c> runs a mergekit YAML config; <c>blend merge --method M --models A,B
/// [--weights w1,w2] [--base DIR] [--param k=v …] --out DIR</c> is the same merge written as flags (it becomes the
/// equivalent config, printed by <c>--print-config</c>). Hugging Face folders are merged out of core, tensor by tensor,
/// into an output folder that appears atomically. Everything is checked before the first tensor is read: exit code 2 with
/// file, line and key for bad input, 1 for a failure during the merge.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A mergekit YAML merge config (merge_method, models or slices, base_model, parameters, dtype, tokenizer_source)." };
        var method = new Option<string?>("--method") { Description = "Merge method without a config: " + string.Join(", ", MergeConfig.SupportedMethods) + "." };
        var models = new Option<string?>("--models") { Description = "Comma-separated model folders (with --method)." };
        var weights = new Option<string?>("--weights") { Description = "Comma-separated weights, one per model (methods with a per-model weight)." };
        var baseModel = new Option<string?>("--base") { Description = "The base model folder θ₀ (task-vector methods, model_stock, sce, slerp's first end)." };
        var parameters = new Option<string[]>("--param") { Description = "A method parameter NAME=VALUE (e.g. density=0.5, t=0.3, seed=1); repeatable.", AllowMultipleArgumentsPerToken = false };
        var dtype = new Option<string?>("--dtype") { Description = "Output dtype: float32, bfloat16 or float16 (default: the inputs')." };
        var tokenizer = new Option<string?>("--tokenizer-source") { Description = "'base' or a model folder whose tokenizer files are copied (default: the base, else the first model)." };
        var outDir = new Option<string>("--out") { Description = "The merged model folder (written atomically).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out if it exists." };
        var shard = new Option<double?>("--max-shard-gb") { Description = "Largest output shard in GB (default 5)." };
        var print = new Option<bool>("--print-config") { Description = "Print the config (the flags' equivalent mergekit YAML) and exit without merging." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var cmd = new Command("merge", "Merge Hugging Face model folders out of core, from a mergekit YAML config or from flags.")
        {
            config, method, models, weights, baseModel, parameters, dtype, tokenizer, outDir, overwrite, shard, print, json,
        };
        cmd.SetAction(r => Run(new Request(r.GetValue(config), r.GetValue(method), r.GetValue(models), r.GetValue(weights), r.GetValue(baseModel), r.GetValue(parameters) ?? [],
            r.GetValue(dtype), r.GetValue(tokenizer), r.GetValue(outDir)!, r.GetValue(overwrite), r.GetValue(shard), r.GetValue(print), r.GetValue(json)), r.InvocationConfiguration.Output));
        return cmd;
    }

    internal sealed record Request(string? Config, string? Method, string? Models, string? Weights, string? Base, string[] Parameters, string? DType, string? Tokenizer,
        string Out, bool Overwrite, double? MaxShardGb, bool PrintConfig, bool Json);

    internal static int Run(Request q, TextWriter output)
    {
        MergeConfig config;
        if (q.Config is not null)
        {
            if (q.Method is not null || q.Models is not null || q.Weights is not null || q.Base is not null || q.Parameters.Length > 0 || q.DType is not null || q.Tokenizer is not null)
                throw new UsageException("--config describes the whole merge; leave out --method, --models, --weights, --base, --param, --dtype and --tokenizer-source");
            if (!File.Exists(q.Config)) throw new UsageException($"--config: file '{q.Config}' does not exist");
            config = MergeConfig.Load(q.Config);
            if (q.PrintConfig) output.Write(File.ReadAllText(q.Config));
        }
        else
        {
            var yaml = FlagsToYaml(q);
            config = MergeConfig.Parse(yaml, "(command line)", Directory.GetCurrentDirectory());
            if (q.PrintConfig) output.Write(yaml);
        }
        if (q.PrintConfig) return ExitCodes.Ok;
        if (q.MaxShardGb is double gb && !(gb > 0)) throw new UsageException($"--max-shard-gb must be > 0, got {gb.ToString(CultureInfo.InvariantCulture)}");
        var full = Path.GetFullPath(q.Out);
        if (File.Exists(full)) throw new UsageException($"--out: '{q.Out}' is a file; give a folder");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !q.Overwrite)
            throw new UsageException($"--out: '{q.Out}' exists and is not empty; pass --overwrite to replace it");
        config.Validate();
        int step = 0;
        var options = new CheckpointMergeOptions
        {
            MaxShardBytes = q.MaxShardGb is double g ? (long)(g * 1e9) : new CheckpointMergeOptions().MaxShardBytes,
            Progress = q.Json ? null : new SyncProgress<CheckpointMergeProgress>(p =>
            {
                int tenth = p.Done * 10 / p.Total;
                if (tenth > step || p.Done == p.Total)
                {
                    step = tenth;
                    output.WriteLine($"  {p.Done}/{p.Total} tensors ({p.Tensor})");
                }
            }),
        };
        if (!q.Json) output.WriteLine($"{config}: merging into {q.Out}");
        var result = config.Run(q.Out, options);
        if (q.Json)
        {
            output.WriteLine(new JsonObject
            {
                ["method"] = config.Method,
                ["out"] = result.OutputDir,
                ["tensors"] = result.Tensors,
                ["bytes"] = result.Bytes,
                ["shards"] = result.Shards,
                ["seconds"] = result.Elapsed.TotalSeconds,
            }.ToJsonString());
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {result.OutputDir}: {result.Tensors} tensors, {result.Bytes / 1e9:0.###} GB in {result.Shards} shard(s), {result.Elapsed.TotalSeconds:0.0} s"));
        }
        return ExitCodes.Ok;
    }

    /// <summary>The mergekit YAML that the flags describe (paths and values quoted as YAML double-quoted scalars).</summary>
    internal static string FlagsToYaml(Request q)
    {
        if (q.Method is null) throw new UsageException("give --config FILE, or --method M with --models A,B");
        if (!MergeConfig.SupportedMethods.Contains(q.Method))
            throw new UsageException($"--method: unknown method '{q.Method}'{Recipes.DidYouMean.Hint(q.Method, MergeConfig.SupportedMethods)} (known: {string.Join(", ", MergeConfig.SupportedMethods)})");
        var models = (q.Models ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (models.Length == 0) throw new UsageException("--models: give the model folders, comma-separated");
        bool takesWeight = MergeConfig.ModelParameters(q.Method).Contains("weight");
        string[]? weights = q.Weights?.Split(',', StringSplitOptions.TrimEntries);
        if (weights is not null)
        {
            if (!takesWeight) throw new UsageException($"--weights: {q.Method} takes no per-model weight (use --param for its parameters)");
            if (weights.Length != models.Length) throw new UsageException($"--weights: {weights.Length} weights for {models.Length} models");
            foreach (var w in weights)
                if (!double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) throw new UsageException($"--weights: '{w}' is not a number");
        }
        else if (takesWeight)
        {
            throw new UsageException($"--weights: {q.Method} needs one weight per model");
        }
        static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);
        var y = new StringBuilder();
        y.Append("merge_method: ").AppendLine(q.Method);
        if (q.Base is not null) y.Append("base_model: ").AppendLine(Quote(q.Base));
        y.AppendLine("models:");
        for (int i = 0; i < models.Length; i++)
        {
            y.Append("  - model: ").AppendLine(Quote(models[i]));
            if (weights is not null) y.Append("    parameters: {weight: ").Append(weights[i]).AppendLine("}");
        }
        if (q.Parameters.Length > 0)
        {
            y.AppendLine("parameters:");
            foreach (var p in q.Parameters)
            {
                int eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == p.Length - 1) throw new UsageException($"--param: '{p}' is not NAME=VALUE");
                var value = p[(eq + 1)..].Trim();
                bool plain = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || value is "true" or "false";
                y.Append("  ").Append(p[..eq].Trim()).Append(": ").AppendLine(plain ? value : Quote(value));
            }
        }
        if (q.DType is not null) y.Append("dtype: ").AppendLine(Quote(q.DType));
        if (q.Tokenizer is not null) y.Append("tokenizer_source: ").AppendLine(Quote(q.Tokenizer));
        return y.ToString();
    }
}
