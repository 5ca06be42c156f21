using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;
using Blend.Interactive;

namespace Blend.Cli;

/// <summary>
/// <c>blend sweep --recipe R</c> (or <c>--experts A,B --prompts FILE --objectives a,b</c>): rewarded soups over a λ grid, or
/// (<c>--method ties|slerp|…</c>) over another merge method's parameter (density, t) with the experts evaluated alone beside
/// them. Each soup of the expert checkpoints is evaluated on the recipe's held-out prompts with every reward
/// component of its tasks as an objective; writes the Pareto front and its hypervolume (<c>sweep.json</c>), one line per
/// soup (<c>points.jsonl</c>) and the HTML report, each atomically. Every input is checked before the first merge.
/// </summary>
internal static class SweepCommand
{
    /// <summary>What <c>blend sweep</c> was asked to do (null: not given).</summary>
    internal sealed record Request
    {
        public string? Recipe { get; init; }
        public IReadOnlyList<string>? Experts { get; init; }
        public IReadOnlyList<string>? Adapters { get; init; }
        public string? Prompts { get; init; }
        public IReadOnlyList<string>? Objectives { get; init; }
        public int? Lambdas { get; init; }
        public string? Method { get; init; }
        public string? Base { get; init; }
        public double? From { get; init; }
        public double? To { get; init; }
        public int? SamplesPerPrompt { get; init; }
        public int? EvalPrompts { get; init; }
        public int? MaxNewTokens { get; init; }
        public int? Seed { get; init; }
        public string? Out { get; init; }
        public bool Json { get; init; }
        public string? Report { get; init; }
        public bool Force { get; init; }
    }

    /// <summary>A merge method <c>blend sweep --method</c> can sweep, with the parameter it varies and its default range.</summary>
    internal sealed record AxisKind(string Method, string Parameter, double From, double To, Func<double, MergeMethod> Create)
    {
        public bool NeedsBase => Create(Math.Clamp(0.5, Math.Min(From, To), Math.Max(From, To))).NeedsBase;
    }

    /// <summary>The methods a sweep can take as its axis (linear: the λ grid).</summary>
    internal static readonly IReadOnlyList<AxisKind> Axes =
    [
        new("slerp", "t", 0, 1, _ => Merge.Slerp()),
        new("ties", "density", 0.1, 1, d => Merge.Ties(density: d)),
        new("dare_ties", "density", 0.1, 1, d => Merge.DareTies(density: d)),
        new("dare_linear", "density", 0.1, 1, d => Merge.DareLinear(density: d)),
        new("breadcrumbs", "density", 0.1, 1, d => Merge.Breadcrumbs(density: d)),
        new("breadcrumbs_ties", "density", 0.1, 1, d => Merge.BreadcrumbsTies(density: d)),
        new("della", "density", 0.1, 1, d => Merge.Della(density: d)),
        new("della_linear", "density", 0.1, 1, d => Merge.DellaLinear(density: d)),
    ];

    /// <summary>Every method name <c>--method</c> and <c>sweep.method</c> accept.</summary>
    internal static IReadOnlyList<string> Methods { get; } = ["linear", .. Axes.Select(a => a.Method)];

    /// <summary>A checked sweep, ready to run.</summary>
    sealed record Plan(Soup Soup, int SamplesPerPrompt, PromptSet Prompts, string? Start, string Name, string Output, string? ReportPath)
    {
        /// <summary>With <c>--adapters</c>: the soup of LoRA adapters over <c>--base</c>, scored with <see cref="Soup"/>'s objectives and settings.</summary>
        public AdapterSoup? Adapters { get; init; }
    }

    public static Command Create()
    {
        static IReadOnlyList<string>? List(string? s) => s?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var recipe = new Option<string?>("--recipe") { Description = "The recipe: its tasks' rewards are the objectives, its held-out prompts the evaluation set, its 'sweep' object the experts and grid." };
        var experts = new Option<string?>("--experts") { Description = "Comma-separated expert checkpoint folders, in λ order (overrides the recipe's sweep.experts)." };
        var adapters = new Option<string?>("--adapters") { Description = "Comma-separated PEFT LoRA adapter folders of one --base, in λ order, instead of --experts: their soups θ₀ + Σ λᵢ ΔWᵢ (--method scale sweeps s in θ₀ + s·Σ λᵢ ΔWᵢ at equal λ)." };
        var prompts = new Option<string?>("--prompts") { Description = "Without a recipe: the JSONL evaluation prompts." };
        var objectives = new Option<string?>("--objectives") { Description = "Without a recipe: comma-separated reward types with default options (e.g. brevity,detail)." };
        var lambdas = new Option<int?>("--lambdas") { Description = "λ grid points for two experts (default 11); simplex steps per edge for more; with --method other than linear, the number of parameter values." };
        var method = new Option<string?>("--method") { Description = "The merge whose parameter is the sweep's axis: " + string.Join(", ", Methods) + " (default linear: the λ grid; slerp: t; the others: density, at equal weights)." };
        var baseModel = new Option<string?>("--base") { Description = "θ₀ of the task-vector methods (ties, dare_*, breadcrumbs*, della*; default: the recipe's model)." };
        var from = new Option<double?>("--from") { Description = "First value of the method's parameter (default 0 for t, 0.1 for density)." };
        var to = new Option<double?>("--to") { Description = "Last value of the method's parameter (default 1)." };
        var samples = new Option<int?>("--samples-per-prompt") { Description = "Responses per prompt and soup (default 2)." };
        var evalPrompts = new Option<int?>("--eval-prompts") { Description = "Evaluation prompts per task (default 24)." };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Most new tokens per response (default: the recipe's budget, else 32)." };
        var seed = new Option<int?>("--seed") { Description = "Evaluation seed (the same sampling noise for every λ; default: the recipe's seed, else 0)." };
        var outDir = new Option<string?>("--out") { Description = "Output folder: sweep.json, points.jsonl, report.html (default: the recipe's output/sweep, else out/sweep)." };
        var json = new Option<bool>("--json") { Description = "Print JSON lines (the phase, each soup, then the result) instead of a table." };
        var report = ReportFile.Option();
        var force = new Option<bool>("--force") { Description = "Replace the results of an earlier sweep in the output folder." };
        var cmd = new Command("sweep", "Rewarded soups: interpolate expert checkpoints over a λ grid, evaluate every soup on the objectives, write the Pareto front, hypervolume and an HTML report.")
        {
            recipe, experts, adapters, prompts, objectives, lambdas, method, baseModel, from, to, samples, evalPrompts, maxNew, seed, outDir, json, report, force,
        };
        cmd.SetAction((r, cancel) => Task.FromResult(Run(new Request
        {
            Recipe = r.GetValue(recipe), Experts = List(r.GetValue(experts)), Adapters = List(r.GetValue(adapters)), Prompts = r.GetValue(prompts), Objectives = List(r.GetValue(objectives)),
            Lambdas = r.GetValue(lambdas), Method = r.GetValue(method), Base = r.GetValue(baseModel), From = r.GetValue(from), To = r.GetValue(to), SamplesPerPrompt = r.GetValue(samples), EvalPrompts = r.GetValue(evalPrompts), MaxNewTokens = r.GetValue(maxNew),
            Seed = r.GetValue(seed), Out = r.GetValue(outDir), Json = r.GetValue(json), Report = r.GetValue(report), Force = r.GetValue(force),
        }, r.InvocationConfiguration.Output, cancel)));
        return cmd;
    }

    /// <summary>Checks every input, sweeps, writes; returns the exit code. Bad input throws <see cref="UsageException"/>/<see cref="RecipeException"/> before any work.</summary>
    internal static int Run(Request request, TextWriter output, CancellationToken cancel = default)
    {
        using var builder = request.Recipe is null ? null : new RecipeBuilder(RecipeReader.Read(request.Recipe));
        if (request.Adapters is null && builder?.Recipe.Root.Child("sweep") is { } sw && sw.Bool("adapters") == true && request.Experts is null)
            request = request with { Adapters = sw.Strings("experts")?.Select(builder.Recipe.Resolve).ToList(), Base = request.Base ?? BaseOf(builder) };
        var asked = request.Adapters is null ? request : AdapterRequest(request);
        var plan = builder is null ? FromFlags(asked) : FromRecipe(builder, asked);
        if (request.Adapters is not null) plan = WithAdapters(plan, request);
        var adapterSoup = plan.Adapters;
        var sweepFile = Path.Combine(plan.Output, "sweep.json");
        if (File.Exists(sweepFile) && !request.Force) throw new UsageException($"'{sweepFile}' already holds a sweep; pass --force to replace it, or --out to write elsewhere");
        builder?.UseDevice();

        var soup = plan.Soup;
        var log = new CommandLog(output, request.Json);
        log.Phase(string.Create(CultureInfo.InvariantCulture,
            $"sweep '{plan.Name}': {(adapterSoup is not null ? $"{(adapterSoup.Scales is { } sc ? $"{sc.Count} LoRA soups over scale (and each adapter alone)" : $"{adapterSoup.LambdaSet!.Count} LoRA soups")}" : soup.Axis is { } axis ? $"{axis.Values.Count} {soup.MergeMethod.Name} soups over {axis.Parameter} (and each expert alone)" : $"{soup.LambdaSet!.Count} soups")} of {string.Join(", ", soup.ExpertNames)} on {plan.Prompts.Count} prompts × {plan.SamplesPerPrompt} samples, objectives {string.Join(", ", soup.Objectives.Select(o => o.Name))}"));
        IReadOnlyList<double>? start = null;
        int done = 0;
        if (plan.Start is not null)
        {
            using var policy = Policy.Load(plan.Start);
            start = adapterSoup is null ? soup.Score(policy, plan.Prompts) : adapterSoup.Score(policy, plan.Prompts);
        }
        int total = adapterSoup is not null ? (adapterSoup.Scales?.Count + adapterSoup.Adapters.Count) ?? adapterSoup.LambdaSet!.Count : soup.Axis is { } along ? along.Values.Count + soup.ExpertNames.Count : soup.LambdaSet!.Count;
        SoupSweep sweep;
        try
        {
            sweep = CommandProgress.Run<SoupSweep, SoupPoint>(output, request.Json, "soups", total,
                progress => adapterSoup is not null ? adapterSoup.Cancellation(cancel).Sweep(plan.Prompts, new SyncProgress<SoupPoint>(p => { done++; progress.Report(p); }))
                    : soup.Cancellation(cancel).Sweep(plan.Prompts, new SyncProgress<SoupPoint>(p => { done++; progress.Report(p); })), _ => done,
                p => $"soup {done}/{total} {p.Label}",
                p => request.Json ? new JsonObject { ["progress"] = done, ["of"] = total, ["soup"] = p.Label }.ToJsonString(CommandLog.Compact)
                    : string.Create(CultureInfo.InvariantCulture, $"   soup {done}/{total} {p.Label}: {string.Join("  ", soup.Objectives.Select((o, k) => $"{o.Name} {p.Rewards[k]:0.0000}"))}"));
        }
        catch (OperationCanceledException e)
        {
            return CommandProgress.Interrupted(output, e, $"Nothing was written to {plan.Output}.");
        }

        var front = sweep.Front.Indices.ToHashSet();
        var points = sweep.Points.Select(p => PointJson(sweep, p, front.Contains(p.Index))).ToList();
        Jsonl.Write(Path.Combine(plan.Output, "points.jsonl"), points.Select(p => (JsonObject)p.DeepClone()));
        var result = new JsonObject
        {
            ["name"] = plan.Name,
            ["method"] = sweep.Method,
            ["parameter"] = sweep.Parameter,
            ["experts"] = new JsonArray([.. sweep.Experts.Select(e => (JsonNode)e)]),
            ["objectives"] = new JsonArray([.. sweep.Objectives.Select(o => (JsonNode)o)]),
            ["prompts"] = sweep.Prompts,
            ["samples_per_prompt"] = sweep.SamplesPerPrompt,
            ["seed"] = sweep.Seed,
            ["hypervolume"] = sweep.Hypervolume,
            ["experts_hypervolume"] = double.IsNaN(sweep.ExpertsHypervolume) ? null : sweep.ExpertsHypervolume,
            ["expert_points"] = new JsonArray([.. sweep.ExpertPoints.Select(p => (JsonNode)PointJson(sweep, p, false))]),
            ["reference"] = new JsonArray([.. sweep.HypervolumeReference.Select(r => (JsonNode)r)]),
            ["front"] = new JsonArray([.. sweep.Front.Indices.Select(i => (JsonNode)i)]),
            ["points"] = new JsonArray([.. points]),
            ["start"] = start is null ? null : Rewards(sweep.Objectives, start),
            ["seconds"] = Math.Round(sweep.Seconds, 2),
        };
        // sweep.json last: it marks a complete set of results (a rerun into the same folder is refused while it exists).
        if (plan.ReportPath is not null) ReportFile.Write(plan.ReportPath, Report(sweep, start, plan.Name));
        AtomicFile.WriteAllText(sweepFile, result.ToJsonString(CommandLog.Indented));

        if (request.Json)
        {
            foreach (var p in points) log.Write(p, null);
            log.Write(new JsonObject { ["done"] = true, ["hypervolume"] = sweep.Hypervolume, ["front"] = result["front"]!.DeepClone(), ["output"] = plan.Output, ["report"] = plan.ReportPath }, null);
        }
        else
        {
            output.WriteLine($"{sweep.Parameter ?? "λ",-16}{string.Concat(sweep.Objectives.Select(o => $"{o,14}"))}  front");
            foreach (var p in sweep.Points)
                output.WriteLine($"{(p.Setting is double v ? v.ToString("0.###", CultureInfo.InvariantCulture) : p.LambdaText),-16}{string.Concat(p.Rewards.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(14)))}  {(front.Contains(p.Index) ? "*" : "")}");
            if (sweep.Parameter is not null)
                foreach (var (p, e) in sweep.ExpertPoints.Zip(sweep.Experts))
                    output.WriteLine($"{e,-16}{string.Concat(p.Rewards.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(14)))}");
            if (start is not null) output.WriteLine($"{"start",-16}{string.Concat(start.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(14)))}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sweep.Front.Count} of {sweep.Points.Count} soups on the Pareto front; hypervolume {sweep.Hypervolume:0.0000}{(double.IsNaN(sweep.ExpertsHypervolume) ? "" : $" (the experts alone {sweep.ExpertsHypervolume:0.0000})")} above ({string.Join(", ", sweep.HypervolumeReference.Select(r => r.ToString("0.####", CultureInfo.InvariantCulture)))})"));
            output.WriteLine($"wrote {sweepFile}, {Path.Combine(plan.Output, "points.jsonl")}{(plan.ReportPath is null ? "" : ", " + plan.ReportPath)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>A recipe's θ₀: <c>sweep.base</c>, else its model's checkpoint.</summary>
    static string? BaseOf(RecipeBuilder builder)
    {
        var recipe = builder.Recipe;
        var model = recipe.Root.Child("model")!;
        return recipe.Root.Child("sweep")?.String("base") is { } b ? recipe.Resolve(b) : (model.String("checkpoint") ?? model.String("hf")) is { } m ? recipe.Resolve(m) : null;
    }

    /// <summary>The request the plan is built from for <c>--adapters</c>: the adapter folders stand in as the experts (names, λ grid), without a method axis.</summary>
    static Request AdapterRequest(Request request)
    {
        if (request.Experts is not null) throw new UsageException("--adapters and --experts are two kinds of soup; give one of them");
        if (request.Base is null) throw new UsageException("--adapters needs --base DIR, the model the adapters were trained on");
        if (request.Method is not (null or "linear" or "scale")) throw new UsageException($"--method {request.Method}: a sweep of adapters interpolates their deltas over λ (linear) or scales their soup (scale)");
        return request with { Experts = request.Adapters, Method = null, From = null, To = null };
    }

    /// <summary>Loads <c>--base</c> and every adapter onto a copy of it; the soup takes the plan's objectives and settings.</summary>
    static Plan WithAdapters(Plan plan, Request request)
    {
        if (!Directory.Exists(request.Base)) throw new UsageException($"--base: folder '{request.Base}' does not exist");
        var baseModel = Policy.Load(request.Base!);
        var adapters = new List<LoraAdapter>();
        foreach (var dir in request.Adapters!)
        {
            var host = baseModel.Clone();
            try { adapters.Add(LoraAdapter.Load(host, dir)); }
            catch (Exception e) when (e is FormatException or FileNotFoundException) { host.Dispose(); throw new UsageException($"--adapters: {e.Message}"); }
        }
        AdapterSoup soup;
        try { soup = AdapterSoup.Of(baseModel, [.. adapters]).ScoredAs(plan.Soup).Named([.. plan.Soup.ExpertNames]).Lambdas(plan.Soup.LambdaSet!); }
        catch (ArgumentException e) { throw new UsageException($"--adapters: {e.Message}"); }
        if (request.Method == "scale")
            soup = soup.AlongScale(SweepAxis.Steps(request.From ?? 0, request.To ?? 1.5, request.Lambdas ?? 11));
        else if (request.From is not null || request.To is not null) throw new UsageException("--from/--to set the range of --method scale");
        return plan with { Adapters = soup, Start = request.Base };
    }

    static Plan FromRecipe(RecipeBuilder builder, Request request)
    {
        if (request.Prompts is not null || request.Objectives is not null)
            throw new UsageException("--prompts and --objectives are for sweeps without a recipe; with --recipe the objectives are the tasks' rewards and the prompts their eval_prompts");
        var recipe = builder.Recipe;
        var settings = recipe.Root.Child("sweep");
        var experts = request.Experts ?? settings?.Strings("experts")?.Select(recipe.Resolve).ToList()
            ?? throw new UsageException($"{recipe.File}: the recipe has no 'sweep' object with 'experts'; add one or pass --experts A,B");
        var names = request.Experts is null ? settings?.Strings("names") : null;
        var mixture = builder.Rewards();
        if (mixture.Components.Count == 0) throw new UsageException($"{recipe.File}: no task has rewards; the sweep's objectives are the tasks' reward components");
        int perTask = Positive(request.EvalPrompts ?? settings?.Int("eval_prompts") ?? 24, "--eval-prompts");
        var prompts = new PromptSet([]);
        foreach (var task in builder.TaskNames)
        {
            var t = builder.Task(task);
            if ((t.String("eval_prompts") ?? t.String("prompts")) is not { } file) continue;
            var set = builder.PromptFile(file);
            var own = set.ForTask(task);
            prompts = prompts.Concat((own.Count > 0 ? own : set).Take(perTask));
        }
        var model = recipe.Root.Child("model")!;
        string? start = (settings?.Bool("include_start") ?? true) ? (model.String("checkpoint") ?? model.String("hf")) is { } s ? recipe.Resolve(s) : null : null;
        var samples = request.SamplesPerPrompt ?? settings?.Int("samples_per_prompt") ?? 2;
        var soup = Soup(experts, names, request.Lambdas ?? settings?.Int("lambdas") ?? 11, samples,
            request.MaxNewTokens ?? recipe.Budget.Int("max_new_tokens") ?? 32, request.Seed ?? recipe.Seed).ObjectivesFrom(mixture);
        var baseDir = request.Base ?? (settings?.String("base") is { } b ? recipe.Resolve(b) : (model.String("checkpoint") ?? model.String("hf")) is { } m ? recipe.Resolve(m) : null);
        soup = Along(soup, request.Method ?? settings?.String("method"), baseDir, request.From ?? settings?.Number("from"), request.To ?? settings?.Number("to"), request.Lambdas ?? settings?.Int("lambdas") ?? 11);
        return Check(new Plan(soup, samples, prompts, start, recipe.Name, Output(request.Out ?? Path.Combine(recipe.Output, "sweep")), null), request);
    }

    static Plan FromFlags(Request request)
    {
        if (request.Experts is null) throw new UsageException("give --recipe R, or --experts A,B with --prompts FILE.jsonl and --objectives a,b");
        if (request.Prompts is null) throw new UsageException("--prompts FILE.jsonl is required without a recipe (the evaluation prompts)");
        if (request.Objectives is not { Count: > 0 } types) throw new UsageException("--objectives a,b is required without a recipe (reward types, e.g. brevity,detail)");
        if (!File.Exists(request.Prompts)) throw new UsageException($"--prompts: file '{request.Prompts}' does not exist");
        var all = PromptSet.Load(request.Prompts);
        int count = Positive(request.EvalPrompts ?? 24, "--eval-prompts");
        var prompts = all.Take(count);
        if (prompts.Count == 0) throw new UsageException($"--prompts: '{request.Prompts}' has no prompts");
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < all.Count; i++)
            if (all.Responses[i] is { } r) gold.TryAdd(all[i].Text, r);
        var context = new RewardContext(new Dictionary<string, IJudge>(), s => gold.GetValueOrDefault(s.Prompt) ?? s.Reference ?? "", _ => throw new ArgumentException("needs a checkpoint"));
        var samples = request.SamplesPerPrompt ?? 2;
        var soup = Along(Soup(request.Experts, null, request.Lambdas ?? 11, samples, request.MaxNewTokens ?? 32, request.Seed ?? 0),
            request.Method, request.Base, request.From, request.To, request.Lambdas ?? 11);
        foreach (var type in types)
        {
            var kind = RewardCatalog.Find(type) ?? throw new UsageException($"--objectives: unknown reward '{type}'{DidYouMean.Hint(type, RewardCatalog.All.Select(k => k.Variant.Type))} (known: {string.Join(", ", RewardCatalog.All.Select(k => k.Variant.Type))})");
            if (kind.Variant.Fields.FirstOrDefault(f => f.Required) is { } required)
                throw new UsageException($"--objectives: reward '{type}' needs its '{required.Name}' option; describe it in a recipe and pass --recipe");
            IRewardModel reward;
            try { reward = kind.Create(new RecipeValues([], "$"), context); }
            catch (ArgumentException e) { throw new UsageException($"--objectives: reward '{type}': {e.Message}"); }
            if (soup.Objectives.Any(o => o.Name == type)) throw new UsageException($"--objectives: '{type}' is listed twice");
            soup = soup.Objective(type, reward);
        }
        return Check(new Plan(soup, samples, prompts, null, "sweep", Output(request.Out ?? Path.Combine("out", "sweep")), null), request);
    }

    static Soup Soup(IReadOnlyList<string> experts, IReadOnlyList<string>? names, int lambdas, int samples, int maxNewTokens, int seed)
    {
        if (experts.Count < 2) throw new UsageException($"--experts: a soup needs at least two experts, got {experts.Count}");
        foreach (var e in experts)
            if (!Directory.Exists(e)) throw new UsageException($"--experts: folder '{e}' does not exist");
        if (names is not null && names.Count != experts.Count) throw new UsageException($"sweep.names: {names.Count} names for {experts.Count} experts");
        if (lambdas < 2) throw new UsageException($"--lambdas must be at least 2 (is {lambdas})");
        Positive(samples, "--samples-per-prompt");
        Positive(maxNewTokens, "--max-new-tokens");
        var soup = Blend.Soup.Of([.. experts]);
        if (names is not null) soup = soup.Named([.. names]);
        else if (soup.ExpertNames.Distinct().Count() < experts.Count) soup = soup.Named([.. experts.Select((e, i) => $"expert{i}")]);
        return soup.Lambdas(experts.Count == 2 ? Lambda.Grid(lambdas) : Lambda.Simplex(experts.Count, lambdas))
            .SamplesPerPrompt(samples).WithSeed(seed).Generation(new GenerationOptions { MaxNewTokens = maxNewTokens });
    }

    /// <summary>The soup with the method's axis (none for linear: the λ grid stays), its values from <paramref name="from"/> to <paramref name="to"/> and θ₀ when the method needs one.</summary>
    static Soup Along(Soup soup, string? method, string? baseDir, double? from, double? to, int points)
    {
        if (method is null or "linear")
        {
            if (from is not null || to is not null) throw new UsageException("--from/--to set the range of a method's parameter; add --method (e.g. ties) or leave them out for the λ grid");
            return soup;
        }
        var kind = Axes.FirstOrDefault(a => a.Method == method)
            ?? throw new UsageException($"--method: unknown method '{method}'{DidYouMean.Hint(method, Methods)} (known: {string.Join(", ", Methods)})");
        if (kind.Method == "slerp" && soup.ExpertNames.Count != 2) throw new UsageException($"--method slerp interpolates exactly two experts, got {soup.ExpertNames.Count}");
        double a = from ?? kind.From, b = to ?? kind.To;
        if (kind.Parameter == "density" && (a <= 0 || a > 1 || b <= 0 || b > 1)) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from/--to: {kind.Method}'s density must be in (0, 1], got {a} to {b}"));
        var values = SweepAxis.Steps(a, b, points);
        var axis = kind.Method == "slerp" ? SweepAxis.Of("t", values, kind.Create, t => [1 - t, t]) : SweepAxis.Of(kind.Parameter, values, kind.Create);
        soup = soup.Method(kind.Create(values[0])).Along(axis);
        if (!kind.NeedsBase) return soup;
        if (baseDir is null) throw new UsageException($"--method {kind.Method} merges task vectors θᵢ − θ₀; give the shared start with --base DIR");
        if (!Directory.Exists(baseDir)) throw new UsageException($"--base: folder '{baseDir}' does not exist");
        return soup.Base(baseDir);
    }

    static Plan Check(Plan plan, Request request)
    {
        if (plan.Prompts.Count == 0) throw new UsageException("the sweep has no evaluation prompts (the recipe's tasks have no prompt files)");
        return plan with { ReportPath = ReportFile.Resolve(request.Report, plan.Output) };
    }

    static string Output(string folder) => OutputFolder.Check(folder);

    static int Positive(int value, string flag) => value >= 1 ? value : throw new UsageException($"{flag} must be at least 1 (is {value})");

    static JsonObject Rewards(IReadOnlyList<string> objectives, IReadOnlyList<double> values) =>
        new([.. objectives.Select((o, i) => KeyValuePair.Create(o, (JsonNode?)values[i]))]);

    static JsonObject PointJson(SoupSweep sweep, SoupPoint p, bool onFront) => new()
    {
        ["index"] = p.Index,
        ["lambda"] = new JsonArray([.. p.Lambda.Select(l => (JsonNode)l)]),
        ["setting"] = p.Setting,
        ["rewards"] = Rewards(sweep.Objectives, p.Rewards),
        ["pareto"] = onFront,
    };

    static HtmlReport Report(SoupSweep sweep, IReadOnlyList<double>? start, string name)
    {
        var experts = sweep.Parameter is null ? sweep.ExpertPoints.Select(p => p.Index).ToHashSet() : [];
        var lead = sweep.Parameter is null
            ? FormattableString.Invariant($"Measured {sweep.Points.Count} soups of {string.Join(" and ", sweep.Experts)} on {sweep.Prompts} prompts × {sweep.SamplesPerPrompt} samples: {sweep.Front.Count} are Pareto-optimal ({sweep.Front.Indices.Count(i => !experts.Contains(i))} strictly between the experts), hypervolume {sweep.Hypervolume:0.0000}.")
            : FormattableString.Invariant($"Measured {sweep.Points.Count} {sweep.Method} soups of {string.Join(" and ", sweep.Experts)} over {sweep.Parameter} on {sweep.Prompts} prompts × {sweep.SamplesPerPrompt} samples: {sweep.Front.Count} are Pareto-optimal, hypervolume {sweep.Hypervolume:0.0000} against {sweep.ExpertsHypervolume:0.0000} for the experts alone.");
        var report = new HtmlReport($"blend sweep: {name}").Add("Rewarded soups", SoupHtml.Sweep(sweep, start: start, startName: "start (the recipe's model)"), lead);
        if (start is not null)
            report.AddText("Start", "The recipe's model, the shared start of the experts, evaluated like the soups:\n"
                + string.Join("\n", sweep.Objectives.Select((o, i) => string.Create(CultureInfo.InvariantCulture, $"{o}: {start[i]:0.0000}"))));
        return report;
    }
}
