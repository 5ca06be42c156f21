using System.Globalization;

namespace Blend;

/// <summary>
/// mergekit's method names and parameters mapped to Blend's <see cref="MergeMethod"/>s, one tensor at a time. Method
/// parameters (<c>normalize</c>, <c>lambda</c>, <c>t</c>, …) are read from the slice's then the config's <c>parameters</c>;
/// model parameters (<c>weight</c>, <c>density</c>, <c>gamma</c>, <c>epsilon</c>, <c>scale</c>) from the model's, the slice's,
/// then the config's. Defaults are mergekit's.
/// </summary>
internal static class MergeConfigMethods
{
    internal enum BaseUse { Unused, Optional, Required, Slerp }

    internal sealed record Spec(string Name, string[] MethodParameters, string[] ModelParameters, BaseUse Base);

    static readonly string[] Gta = ["normalize", "lambda", "int8_mask", "rescale"];

    static readonly Spec[] Specs =
    [
        new("linear", ["normalize"], ["weight"], BaseUse.Unused),
        new("task_arithmetic", Gta, ["weight"], BaseUse.Required),
        new("ties", Gta, ["weight", "density"], BaseUse.Required),
        new("dare_linear", [.. Gta, "seed"], ["weight", "density"], BaseUse.Required),
        new("dare_ties", [.. Gta, "seed"], ["weight", "density"], BaseUse.Required),
        new("breadcrumbs", Gta, ["weight", "density", "gamma"], BaseUse.Required),
        new("breadcrumbs_ties", Gta, ["weight", "density", "gamma"], BaseUse.Required),
        new("della", [.. Gta, "seed"], ["weight", "density", "epsilon"], BaseUse.Required),
        new("della_linear", [.. Gta, "seed"], ["weight", "density", "epsilon"], BaseUse.Required),
        new("slerp", ["t"], [], BaseUse.Slerp),
        new("nuslerp", ["nuslerp_flatten", "nuslerp_row_wise"], ["weight"], BaseUse.Optional),
        new("multislerp", ["normalize_weights", "eps"], ["weight"], BaseUse.Optional),
        new("karcher", ["max_iter", "tol"], [], BaseUse.Unused),
        new("model_stock", ["filter_wise"], [], BaseUse.Required),
        new("sce", ["select_topk", "int8_mask"], [], BaseUse.Required),
        new("passthrough", [], ["scale"], BaseUse.Unused),
    ];

    /// <summary>Every method name Blend runs from a config.</summary>
    public static readonly IReadOnlyList<string> Known = Specs.Select(s => s.Name).ToList();

    public static Spec Of(string method) => Specs.First(s => s.Name == method);

    /// <summary>Rejects parameter names the method does not take, at their line.</summary>
    public static void CheckParameterNames(MergeConfig config)
    {
        var spec = Of(config.Method);
        var all = spec.MethodParameters.Concat(spec.ModelParameters).ToList();
        string Known() => all.Count == 0 ? "none" : string.Join(", ", all);
        void Check(IReadOnlyDictionary<string, MergeSetting> parameters, bool modelLevel)
        {
            foreach (var (name, setting) in parameters)
            {
                if (modelLevel && spec.MethodParameters.Contains(name))
                    throw new MergeConfigException(config.File, setting.Line, setting.Key, $"'{name}' is a parameter of the whole {spec.Name} merge, not of one model; set it under the top-level (or the slice's) parameters");
                if (!all.Contains(name))
                    throw new MergeConfigException(config.File, setting.Line, setting.Key, $"{spec.Name} takes no parameter '{name}' (it takes: {Known()})");
            }
        }
        Check(config.Parameters, false);
        foreach (var slice in config.Slices)
        {
            Check(slice.Parameters, false);
            foreach (var s in slice.Sources) Check(s.Parameters, true);
        }
    }

    /// <summary>What one output tensor sees: its name, its layer position t, its slice, its inputs.</summary>
    internal sealed record TensorContext(MergeConfig Config, MergeConfig.Slice Slice, string Tensor, double T, IReadOnlyList<MergeConfig.Source> Experts);

    /// <summary>The method (with this tensor's parameters) and λ for one output tensor.</summary>
    public static (MergeMethod Method, double[] Lambdas) Build(TensorContext c)
    {
        var spec = Of(c.Config.Method);
        int n = c.Experts.Count;
        double[] Weights() => Enumerable.Range(0, n).Select(i => ModelNumber(c, i, "weight", null)).ToArray();
        double[] Uniform() => Enumerable.Repeat(1.0 / n, n).ToArray();
        switch (spec.Name)
        {
            case "linear":
            {
                var w = Weights();
                if (MethodBool(c, "normalize", true))
                {
                    double sum = w.Sum();
                    if (sum == 0) throw Error(c, "weight", "the weights sum to 0, so normalize cannot divide by them");
                    w = w.Select(x => x / sum).ToArray();
                }
                return (Merge.Linear().AllowExtrapolation(), w);
            }
            case "slerp":
            {
                double t = MethodNumber(c, "t", null);
                return (Merge.Slerp().AllowExtrapolation(), [1 - t, t]);
            }
            case "nuslerp":
                if (n != 2) throw Error(c, "models", $"nuslerp merges exactly two models besides the base, got {n}");
                return (Merge.NuSlerp(flatten: MethodBool(c, "nuslerp_flatten", true), rowWise: MethodBool(c, "nuslerp_row_wise", false)).AllowExtrapolation(), Weights());
            case "multislerp":
                if (MethodNumber(c, "eps", 1e-8) != 1e-8) throw Error(c, "eps", "only mergekit's default eps (1e-8) is supported");
                return (Merge.MultiSlerp(normalizeWeights: MethodBool(c, "normalize_weights", true)).AllowExtrapolation(), Weights());
            case "karcher":
                return (Checked(c, "max_iter", () => Merge.Karcher((int)MethodNumber(c, "max_iter", 10), MethodNumber(c, "tol", 1e-5))).AllowExtrapolation(), Uniform());
            case "model_stock":
                if (n < 2) throw Error(c, "models", $"model_stock needs at least two models besides the base, got {n}");
                return (Merge.ModelStock(filterWise: MethodBool(c, "filter_wise", false)).AllowExtrapolation(), Uniform());
            case "sce":
                return (Checked(c, "select_topk", () => Merge.Sce(MethodNumber(c, "select_topk", 1))).AllowExtrapolation(), Uniform());
            case "passthrough":
                if (n != 1) throw Error(c, "sources", $"passthrough takes exactly one model per slice, got {n}");
                return (Merge.Passthrough().AllowExtrapolation(), [ModelNumber(c, 0, "scale", 1)]);
        }
        // The task-vector family.
        MethodBool(c, "int8_mask", false);   // a memory-saving mask type in mergekit; the values are the same
        bool defaultRescale = spec.Name.StartsWith("dare", StringComparison.Ordinal) || spec.Name.StartsWith("della", StringComparison.Ordinal);
        bool rescale = MethodBool(c, "rescale", defaultRescale);
        if (rescale && !defaultRescale) throw Error(c, "rescale", $"{spec.Name} with rescale is not supported (Blend rescales only DARE and DELLA survivors)");
        bool normalize = MethodBool(c, "normalize", spec.Name is "ties" or "della");
        double scale = MethodNumber(c, "lambda", 1);
        int seed = spec.MethodParameters.Contains("seed") ? (int)MethodNumber(c, "seed", 0) : 0;
        var weights = Weights();
        var densities = spec.ModelParameters.Contains("density") ? Enumerable.Range(0, n).Select(i => ModelNumber(c, i, "density", 1)).ToArray() : null;
        if (densities is not null)
            for (int i = 0; i < n; i++)
                if (!(densities[i] > 0 && densities[i] <= 1)) throw Error(c, "density", $"density {densities[i]} of {c.Experts[i].Model.Written} is not in (0, 1]", i);
        TaskVectorMerge method = spec.Name switch
        {
            "task_arithmetic" => new TaskArithmeticMerge(),
            "ties" => new TiesMerge(),
            "dare_linear" or "dare_ties" => new DareMerge { Seed = seed, Rescale = rescale, SignConsensus = spec.Name == "dare_ties" },
            "breadcrumbs" or "breadcrumbs_ties" => new BreadcrumbsMerge { Gamma = Same(c, "gamma", 0.01, g => g >= 0 && g < 1, "[0, 1)"), SignConsensus = spec.Name == "breadcrumbs_ties" },
            _ => new DellaMerge { Epsilon = Same(c, "epsilon", 0.15, e => e > 0 && e < 1, "(0, 1)"), Seed = seed, Rescale = rescale, SignConsensus = spec.Name == "della" },
        };
        if (method is DellaMerge della)
            for (int i = 0; i < n; i++)
                if (densities![i] < 1 && !(densities[i] - della.Epsilon > 0 && densities[i] + della.Epsilon < 1))
                    throw Error(c, "density", $"density {densities[i]} ± epsilon {della.Epsilon} must lie in (0, 1)", i);
        return (method with { Normalize = normalize, Scale = scale, ExpertDensities = densities, Extrapolation = true }, weights);
    }

    static MergeMethod Checked(TensorContext c, string key, Func<MergeMethod> make)
    {
        try { return make(); }
        catch (ArgumentOutOfRangeException e) { throw Error(c, key, e.Message.Split(Environment.NewLine)[0]); }
    }

    // A per-model parameter Blend keeps one value of per tensor: every model must give the same.
    static double Same(TensorContext c, string name, double fallback, Func<double, bool> valid, string range)
    {
        var values = Enumerable.Range(0, c.Experts.Count).Select(i => ModelNumber(c, i, name, fallback)).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!valid(values[i])) throw Error(c, name, $"{name} {values[i]} is not in {range}", i);
            if (values[i] != values[0]) throw Error(c, name, $"Blend takes one {name} per tensor; models give {values[0]} and {values[i]}", i);
        }
        return values[0];
    }

    static (object Value, MergeSetting From)? Find(TensorContext c, string name, int? expert)
    {
        if (expert is int i && c.Experts[i].Parameters.TryGetValue(name, out var own) && own.Evaluate(c.Tensor, c.T) is { } v1) return v1;
        if (c.Slice.Parameters.TryGetValue(name, out var slice) && slice.Evaluate(c.Tensor, c.T) is { } v2) return v2;
        if (c.Config.Parameters.TryGetValue(name, out var top) && top.Evaluate(c.Tensor, c.T) is { } v3) return v3;
        return null;
    }

    static double ModelNumber(TensorContext c, int expert, string name, double? fallback) => Number(c, Find(c, name, expert), name, fallback, expert);

    static double MethodNumber(TensorContext c, string name, double? fallback) => Number(c, Find(c, name, null), name, fallback, null);

    static double Number(TensorContext c, (object Value, MergeSetting From)? found, string name, double? fallback, int? expert)
    {
        if (found is not { } f)
            return fallback ?? throw Error(c, name, $"missing parameter '{name}'{(expert is int i ? $" for model {c.Experts[i].Model.Written}" : "")} (tensor {c.Tensor})", expert);
        if (f.Value is double d && double.IsFinite(d)) return d;
        throw new MergeConfigException(c.Config.File, f.From.Line, f.From.Key, $"'{name}' must be a finite number, got '{Convert.ToString(f.Value, CultureInfo.InvariantCulture)}'");
    }

    static bool MethodBool(TensorContext c, string name, bool fallback)
    {
        if (Find(c, name, null) is not { } f) return fallback;
        if (f.Value is bool b) return b;
        throw new MergeConfigException(c.Config.File, f.From.Line, f.From.Key, $"'{name}' must be true or false, got '{Convert.ToString(f.Value, CultureInfo.InvariantCulture)}'");
    }

    /// <summary>An error at the most specific place: the expert's entry, else the slice, else merge_method.</summary>
    internal static MergeConfigException Error(TensorContext c, string key, string problem, int? expert = null)
    {
        if (expert is int i) return new MergeConfigException(c.Config.File, c.Experts[i].Line, $"{c.Experts[i].Key}.parameters.{key}", problem);
        if (c.Config.Parameters.TryGetValue(key, out var s)) return new MergeConfigException(c.Config.File, s.Line, s.Key, problem);
        return new MergeConfigException(c.Config.File, c.Config.FromSlices ? c.Slice.Line : c.Config.MethodLine, c.Config.FromSlices ? c.Slice.Key : "merge_method", problem);
    }
}
