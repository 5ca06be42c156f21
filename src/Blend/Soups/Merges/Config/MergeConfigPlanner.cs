using static TorchSharp.torch;
using Spec = Blend.MergeConfigMethods.Spec;
using BaseUse = Blend.MergeConfigMethods.BaseUse;

namespace Blend;

/// <summary>
/// Turns a <see cref="MergeConfig"/> into a <see cref="MergePlan"/>: one job per output tensor, with its inputs, base,
/// method parameters at its layer position and output dtype, reading only the folders' headers. With <c>models:</c> every
/// tensor of the first model is merged (layer i of L at t = i / (L − 1)); with <c>slices:</c> the output's layers are the
/// slices' layers in order, renumbered from 0 (layer i of a slice of L at t = i / (L − 1)), and config.json's layer count
/// is set to their total.
/// </summary>
internal static class MergeConfigPlanner
{
    public static (MergePlan Plan, List<CheckpointSource> Sources) Plan(MergeConfig config)
    {
        var spec = MergeConfigMethods.Of(config.Method);
        var refs = config.Slices.SelectMany(s => s.Sources.Select(x => x.Model)).Concat(config.Base is null ? [] : [config.Base]).ToList();
        var models = config.Models.ToList();
        var sources = new List<CheckpointSource>();
        try
        {
            foreach (var path in models)
            {
                var r = refs.First(x => x.Path == path);
                if (!Directory.Exists(path))
                    throw new MergeConfigException(config.File, r.Line, r.Key, $"model folder '{r.Written}' (resolved to {path}) does not exist; Blend merges local Hugging Face folders and downloads nothing");
                try { sources.Add(CheckpointSource.Open(path)); }
                catch (Exception e) when (e is FormatException or FileNotFoundException or IOException)
                {
                    throw new MergeConfigException(config.File, r.Line, r.Key, e.Message, e);
                }
            }
            var jobs = config.FromSlices ? SliceJobs(config, spec, models, sources) : ModelJobs(config, spec, models, sources);
            int? layers = config.FromSlices ? config.Slices.Sum(s => s.Sources[0].To - s.Sources[0].From) : null;
            var first = config.Slices[0].Sources[0].Model.Path;
            var plan = new MergePlan(models, jobs, config.Base?.Path ?? first, config.Tokenizer?.Path ?? config.Base?.Path ?? first, layers, config.DType);
            return (plan, sources);
        }
        catch
        {
            foreach (var s in sources) s.Dispose();
            throw;
        }
    }

    static List<TensorJob> ModelJobs(MergeConfig config, Spec spec, List<string> models, List<CheckpointSource> sources)
    {
        var slice = config.Slices[0];
        var (experts, baseModel) = Inputs(config, spec, slice, config.Base);
        var names = sources[models.IndexOf(slice.Sources[0].Model.Path)].WeightMap.Keys.Order(StringComparer.Ordinal).ToList();
        int layers = 1 + names.Select(n => MergeConfig.LayerName().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        var jobs = new List<TensorJob>();
        foreach (var name in names)
        {
            var m = MergeConfig.LayerName().Match(name);
            double t = !m.Success ? 0 : layers > 1 ? int.Parse(m.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture) / (double)(layers - 1) : 1;
            jobs.Add(Job(config, slice, name, t, experts.Select(e => (e, name)).ToList(), baseModel is null ? null : (baseModel, name), models, sources));
        }
        return jobs;
    }

    static List<TensorJob> SliceJobs(MergeConfig config, Spec spec, List<string> models, List<CheckpointSource> sources)
    {
        CheckpointSource Of(MergeConfig.ModelRef m) => sources[models.IndexOf(m.Path)];
        string Prefix(MergeConfig.Source s)
        {
            var match = Of(s.Model).WeightMap.Keys.Select(n => MergeConfig.LayerName().Match(n)).FirstOrDefault(x => x.Success);
            return match?.Groups["pre"].Value ?? throw new MergeConfigException(config.File, s.Line, s.Key + ".model", $"model '{s.Model.Written}' has no layer tensors (no '.layers.N.', '.h.N.' or '.blocks.N.' in any name)");
        }
        var jobs = new List<TensorJob>();
        var outPrefix = Prefix(config.Slices[0].Sources[0]);
        bool IsPre(string n) => n.Contains("embed", StringComparison.Ordinal) || n.Contains("wte", StringComparison.Ordinal) || n.Contains("wpe", StringComparison.Ordinal);
        void Outside(MergeConfig.Slice slice, bool pre)
        {
            var (experts, baseModel) = Inputs(config, spec, slice, slice.BaseModel ?? config.Base);
            foreach (var name in Of(slice.Sources[0].Model).WeightMap.Keys.Order(StringComparer.Ordinal).Where(n => !MergeConfig.LayerName().IsMatch(n) && IsPre(n) == pre))
                jobs.Add(Job(config, slice, name, 0, experts.Select(e => (e, name)).ToList(), baseModel is null ? null : (baseModel, name), models, sources));
        }
        Outside(config.Slices[0], pre: true);
        int outLayer = 0;
        foreach (var slice in config.Slices)
        {
            var (experts, baseModel) = Inputs(config, spec, slice, slice.BaseModel ?? config.Base);
            if (baseModel is not null && !slice.Sources.Contains(baseModel))
                throw new MergeConfigException(config.File, slice.Line, slice.Key + ".sources", $"the base model '{baseModel.Model.Written}' must be one of the slice's sources (its layer range says which layers are θ₀)");
            int length = slice.Sources[0].To - slice.Sources[0].From;
            var first = slice.Sources[0];
            var firstPrefix = Prefix(first);
            for (int idx = 0; idx < length; idx++)
            {
                double t = length > 1 ? idx / (double)(length - 1) : 1;
                var head = $"{firstPrefix}.{first.From + idx}.";
                var rests = Of(first.Model).WeightMap.Keys.Where(n => n.StartsWith(head, StringComparison.Ordinal)).Select(n => n[head.Length..]).Order(StringComparer.Ordinal).ToList();
                if (rests.Count == 0)
                    throw new MergeConfigException(config.File, first.Line, first.Key + ".layer_range", $"model '{first.Model.Written}' has no layer {first.From + idx} (no tensor starts with '{head}')");
                foreach (var rest in rests)
                {
                    string InputName(MergeConfig.Source s) => $"{Prefix(s)}.{s.From + idx}.{rest}";
                    jobs.Add(Job(config, slice, $"{outPrefix}.{outLayer}.{rest}", t, experts.Select(e => (e, InputName(e))).ToList(), baseModel is null ? null : (baseModel, InputName(baseModel)), models, sources));
                }
                outLayer++;
            }
        }
        Outside(config.Slices[^1], pre: false);
        return jobs;
    }

    /// <summary>Which sources are the experts θᵢ and which (if any) is θ₀, by the method's use of a base.</summary>
    static (List<MergeConfig.Source> Experts, MergeConfig.Source? Base) Inputs(MergeConfig config, Spec spec, MergeConfig.Slice slice, MergeConfig.ModelRef? baseRef)
    {
        var listed = baseRef is null ? null : slice.Sources.FirstOrDefault(s => s.Model.Path == baseRef.Path);
        switch (spec.Base)
        {
            case BaseUse.Unused:
                if (baseRef is not null && listed is null)
                    throw new MergeConfigException(config.File, baseRef.Line, baseRef.Key, $"{spec.Name} does not use a base model; list it among the models (with its parameters) to merge it as one of them, or remove base_model");
                return (slice.Sources.ToList(), null);
            case BaseUse.Optional when baseRef is null:
                return (slice.Sources.ToList(), null);
            default:
                if (baseRef is null)
                    throw new MergeConfigException(config.File, config.MethodLine, "base_model", $"{spec.Name} needs a base_model (θ₀)");
                var baseSource = listed ?? new MergeConfig.Source(baseRef, -1, -1, new Dictionary<string, MergeSetting>(), baseRef.Line, baseRef.Key);
                var others = slice.Sources.Where(s => s.Model.Path != baseRef.Path).ToList();
                if (spec.Base == BaseUse.Slerp)
                {
                    if (others.Count != 1)
                        throw new MergeConfigException(config.File, slice.Line, slice.Key, $"slerp interpolates the base_model with exactly one other model, got {others.Count} others");
                    return ([baseSource, others[0]], null);
                }
                if (others.Count == 0) throw new MergeConfigException(config.File, slice.Line, slice.Key, $"{spec.Name}: no models besides the base_model");
                return (others, baseSource);
        }
    }

    static TensorJob Job(MergeConfig config, MergeConfig.Slice slice, string output, double t, List<(MergeConfig.Source Source, string Name)> experts, (MergeConfig.Source Source, string Name)? baseInput,
        List<string> models, List<CheckpointSource> sources)
    {
        // Parameters are looked up on the models that carry them: slerp's experts are (base, other), others' are the experts.
        var carriers = MergeConfigMethods.Of(config.Method).Base == BaseUse.Slerp ? experts.Skip(1).Select(e => e.Source).ToList() : experts.Select(e => e.Source).ToList();
        var context = new MergeConfigMethods.TensorContext(config, slice, output, t, carriers);
        var (method, lambdas) = MergeConfigMethods.Build(context);
        TensorSource Input(MergeConfig.Source s, string name)
        {
            int model = models.IndexOf(s.Model.Path);
            if (!sources[model].Contains(name))
                throw new MergeConfigException(config.File, s.Line, s.Key, $"model '{s.Model.Written}' has no tensor '{name}' (needed for output '{output}')");
            return new TensorSource(model, name);
        }
        var inputs = experts.Select(e => Input(e.Source, e.Name)).ToList();
        var baseSource = baseInput is { } b ? Input(b.Source, b.Name) : null;
        var entry = sources[inputs[0].Model].Entry(inputs[0].Name);
        var dtype = config.DType is { } d && CheckpointMerge.IsFloating(entry.DType) ? d : entry.DType;
        return new TensorJob(output, method, inputs, baseSource, lambdas, dtype, entry.Shape);
    }
}
