using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Blend;

/// <summary>Options of an out-of-core merge of Hugging Face model folders.</summary>
public sealed record CheckpointMergeOptions
{
    /// <summary>Largest output shard in bytes (default 5 GB, as the Hugging Face exporter; a larger tensor gets its own shard).</summary>
    public long MaxShardBytes { get; init; } = 5_000_000_000;

    /// <summary>Output dtype of floating-point tensors (null: each tensor's input dtype). Low precision is accumulated in fp32.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>The folder whose tokenizer files are copied (null: the base model's, else the first model's).</summary>
    public string? TokenizerSource { get; init; }

    /// <summary>Elements per block of the streamed linear merge (default 2¹⁶: a thread's input block and accumulator stay in its L2 cache).</summary>
    public long BlockElements { get; init; } = 1L << 16;

    /// <summary>True (default) to flush every shard to disk before the folder is renamed into place (durable across a power
    /// loss); false leaves that to the operating system (the rename is still atomic for a crash of the process).</summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>Called after each output tensor (null: silent).</summary>
    public IProgress<CheckpointMergeProgress>? Progress { get; init; }
}

/// <summary>Progress of an out-of-core merge.</summary>
/// <param name="Done">Tensors written so far.</param>
/// <param name="Total">Tensors in the output.</param>
/// <param name="Tensor">The tensor just written.</param>
public sealed record CheckpointMergeProgress(int Done, int Total, string Tensor);

/// <summary>What an out-of-core merge wrote.</summary>
/// <param name="OutputDir">The merged model folder.</param>
/// <param name="Tensors">Number of tensors written.</param>
/// <param name="Bytes">Tensor data bytes written.</param>
/// <param name="Shards">Number of safetensors shards.</param>
/// <param name="Elapsed">Wall time of the merge.</param>
public sealed record CheckpointMergeResult(string OutputDir, int Tensors, long Bytes, int Shards, TimeSpan Elapsed);

/// <summary>
/// Out-of-core merging of Hugging Face model folders: every output tensor is read from the input shards, merged and
/// appended to the output shards before the next one is read, so memory holds a few tensors, never a model. The output
/// folder (safetensors shards, index, config.json, the tokenizer files) appears atomically: it is filled as a temporary
/// sibling and renamed into place.
/// </summary>
/// <remarks>
/// The linear merge streams each tensor in blocks from the input files to the output file (peak: a few blocks per thread,
/// never a whole tensor), with the in-memory merge's arithmetic (<see cref="LinearKernel"/>), so the same bits; every other method reads each input's whole tensor (peak: one tensor per input and the method's temporaries).
/// Everything is checked before the first tensor is read: folders, every tensor's presence, shape and dtype, λ.
/// </remarks>
/// <example><code>CheckpointMerge.Run(Merge.Linear(), ["models/a", "models/b"], [0.5, 0.5], "models/soup");
/// CheckpointMerge.Run(Merge.Ties(0.3), ["models/a", "models/b"], [0.5, 0.5], "models/ties", baseModel: "models/base");</code></example>
public static class CheckpointMerge
{
    /// <summary>Merges every tensor of the model folders with one method, into <paramref name="outDir"/>.</summary>
    /// <param name="method">The method (its parameters apply to every tensor).</param>
    /// <param name="models">The model folders θᵢ (same architecture and tensor names).</param>
    /// <param name="lambdas">One λᵢ per model.</param>
    /// <param name="outDir">The merged folder (replaced atomically; must not be an input).</param>
    /// <param name="baseModel">θ₀'s folder for methods that use one (null otherwise).</param>
    /// <param name="options">Shard size, dtype, tokenizer source, progress.</param>
    /// <exception cref="ArgumentException">λ, the method or the folders are inconsistent (the message names the tensor).</exception>
    /// <exception cref="FormatException">A folder's index or shard is malformed or a tensor is missing (named).</exception>
    public static CheckpointMergeResult Run(MergeMethod method, IReadOnlyList<string> models, IReadOnlyList<double> lambdas, string outDir, string? baseModel = null, CheckpointMergeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(lambdas);
        options ??= new CheckpointMergeOptions();
        if (models.Count == 0) throw new ArgumentException($"{method.Name} merge: no model folders given.");
        if (method.NeedsBase && baseModel is null) throw new ArgumentException($"{method.Name} merge needs a base model folder.");
        if (baseModel is not null && !method.AcceptsBase) throw new ArgumentException($"{method.Name} merge does not use a base model; leave it out.");
        var folders = models.Concat(baseModel is null ? [] : [baseModel]).ToList();
        int? baseIndex = baseModel is null ? null : folders.Count - 1;
        using var first = CheckpointSource.Open(models[0]);
        var jobs = new List<TensorJob>();
        foreach (var name in first.WeightMap.Keys.Order(StringComparer.Ordinal))
        {
            var e = first.Entry(name);
            var dtype = options.DType is { } d && IsFloating(e.DType) ? d : e.DType;
            jobs.Add(new TensorJob(name, method, [.. models.Select((_, i) => new TensorSource(i, name))], baseIndex is int b ? new TensorSource(b, name) : null, lambdas, dtype, e.Shape));
        }
        var plan = new MergePlan(folders, jobs, baseModel ?? models[0], options.TokenizerSource ?? baseModel ?? models[0], null, options.DType);
        return Execute(plan, outDir, options);
    }

    /// <summary>Checks a plan against the folders (every tensor present with the planned shape, methods and λ valid) without reading tensor data.</summary>
    internal static void Check(MergePlan plan, IReadOnlyList<CheckpointSource> sources)
    {
        if (plan.Jobs.Count == 0) throw new ArgumentException("merge: the plan has no tensors to write.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in plan.Jobs)
        {
            if (!seen.Add(job.Output)) throw new ArgumentException($"merge: output tensor '{job.Output}' would be written twice.");
            var experts = job.Experts.Select(s => Lazy(job, s, sources)).ToList();
            var method = job.Base is { } b ? job.Method.WithBase(Lazy(job, b, sources)) : job.Method;
            method.Validate(experts, job.Lambdas);
        }
    }

    /// <summary>Runs a checked plan into <paramref name="outDir"/>, atomically.</summary>
    internal static CheckpointMergeResult Execute(MergePlan plan, string outDir, CheckpointMergeOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        var full = Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar);
        foreach (var m in plan.Models.Append(plan.ConfigSource).Concat(plan.TokenizerSource is null ? [] : [plan.TokenizerSource]))
        {
            var input = Path.GetFullPath(m).TrimEnd(Path.DirectorySeparatorChar);
            if (input == full || input.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ArgumentException($"merge: the output folder '{outDir}' is (or holds) the input '{m}'; choose another --out.");
        }
        var configPath = Path.Combine(plan.ConfigSource, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"merge: '{configPath}' does not exist (config.json is copied from there).", configPath);
        var config = ReadConfig(configPath, plan);
        var sources = new List<CheckpointSource>();
        try
        {
            foreach (var m in plan.Models) sources.Add(CheckpointSource.Open(m));
            Check(plan, sources);
            var clock = Stopwatch.StartNew();
            var outputs = plan.Jobs.Select(j => new WeightInfo(j.Output, j.DType, j.Shape)).ToList();
            int shards = 0;
            long bytes = 0;
            AtomicFile.WriteDirectory(outDir, tmp =>
            {
                using var writer = new ShardedSafetensorsWriter(tmp, outputs, options.MaxShardBytes, options.FlushToDisk);
                using var buffers = new BlockBuffers(options.BlockElements);
                var pool = new KernelBuffers((int)Math.Clamp(options.BlockElements, 1, 1 << 24), Math.Max(1, BlendRuntime.Threads));
                using var noGrad = no_grad();
                for (int i = 0; i < plan.Jobs.Count; i++)
                {
                    using var scope = NewDisposeScope();
                    var job = plan.Jobs[i];
                    MergeOne(job, sources, writer, buffers, pool);
                    options.Progress?.Report(new CheckpointMergeProgress(i + 1, plan.Jobs.Count, job.Output));
                }
                writer.Finish();
                shards = writer.ShardCount;
                bytes = writer.TotalBytes;
                File.WriteAllText(Path.Combine(tmp, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                CopyIfPresent(plan.ConfigSource, tmp, "generation_config.json");
                if (plan.TokenizerSource is { } tok) CopyTokenizer(tok, tmp);
            });
            return new CheckpointMergeResult(full, plan.Jobs.Count, bytes, shards, clock.Elapsed);
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
        }
    }

    static void MergeOne(TensorJob job, IReadOnlyList<CheckpointSource> sources, ShardedSafetensorsWriter writer, BlockBuffers buffers, KernelBuffers pool)
    {
        if (job.Method is LinearMerge && LinearKernel.Supports(job.DType) && job.Experts.All(s => LinearKernel.Supports(sources[s.Model].Entry(s.Name).DType)))
        {
            StreamKernel(job, sources, writer, pool);
            return;
        }
        if (job.Method is LinearMerge && IsFloating(job.DType) && job.Experts.All(s => IsFloating(sources[s.Model].Entry(s.Name).DType)))
        {
            StreamLinear(job, sources, writer, buffers);
            return;
        }
        var experts = job.Experts.Select(s => Lazy(job, s, sources)).ToList();
        var method = job.Base is { } b ? job.Method.WithBase(Lazy(job, b, sources)) : job.Method;
        var merged = method.Apply(experts, job.Lambdas, CPU);
        var t = merged.Read(job.Output, CPU);
        writer.Write(t.dtype == job.DType ? t : t.to_type(job.DType));
    }

    // fp32/fp16/bf16: block by block from the input files (pread) into reused buffers, LinearKernel's arithmetic (the
    // in-memory merge's, so the same bits), written (pwrite) at the block's place in the output shard; blocks run on
    // BlendRuntime.Threads threads, each with its own buffers (the result does not depend on the order).
    static void StreamKernel(TensorJob job, IReadOnlyList<CheckpointSource> sources, ShardedSafetensorsWriter writer, KernelBuffers pool)
    {
        writer.Begin();
        var (outFile, outOffset) = writer.Reserve();
        long n = job.Shape.Aggregate(1L, (a, b) => a * b);
        var inputs = Enumerable.Range(0, job.Experts.Count).Where(i => job.Lambdas[i] != 0).Select(i =>
        {
            var s = job.Experts[i];
            var (file, offset) = sources[s.Model].Locate(s.Name);
            return (File: file, Offset: offset, DType: sources[s.Model].Entry(s.Name).DType, Lambda: (float)job.Lambdas[i], s.Name);
        }).ToArray();
        int outSize = LinearKernel.Size(job.DType);
        long blocks = (n + pool.Elements - 1) / pool.Elements;
        void Block(long b)
        {
            var buf = pool.Rent();
            try
            {
                long start = b * pool.Elements;
                int len = (int)Math.Min(pool.Elements, n - start);
                var acc = buf.Acc.AsSpan(0, len);
                if (inputs.Length == 0) acc.Clear();
                for (int k = 0; k < inputs.Length; k++)
                {
                    var x = inputs[k];
                    int size = LinearKernel.Size(x.DType);
                    // The first fp32 input is read straight into the accumulator and scaled there.
                    var raw = k == 0 && x.DType == ScalarType.Float32 ? MemoryMarshal.AsBytes(acc) : buf.Raw.AsSpan(0, len * size);
                    CheckpointSource.ReadAt(x.File, x.Offset + start * size, raw, x.Name);
                    LinearKernel.Step(acc, LinearKernel.AsFloat(raw, x.DType, buf.Scratch), x.Lambda, k == 0);
                }
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(acc);
                if (job.DType != ScalarType.Float32)
                {
                    LinearKernel.FromFloat(acc, job.DType, buf.Raw);
                    bytes = buf.Raw.AsSpan(0, len * outSize);
                }
                RandomAccess.Write(outFile, bytes, outOffset + start * outSize);
            }
            finally { pool.Return(buf); }
        }
        if (blocks == 1 || pool.Threads == 1)
            for (long b = 0; b < blocks; b++) Block(b);
        else
            Parallel.For(0L, blocks, new ParallelOptions { MaxDegreeOfParallelism = pool.Threads }, Block);
        writer.End();
    }

    /// <summary>Per-thread buffers of the streamed kernel merge (input bytes, fp32 scratch, accumulator), reused across blocks and tensors.</summary>
    sealed class KernelBuffers(int elements, int threads)
    {
        readonly ConcurrentBag<Set> _free = [];

        public int Elements => elements;
        public int Threads => threads;

        public Set Rent() => _free.TryTake(out var s) ? s : new Set(new byte[elements * 4], new float[elements], new float[elements]);

        public void Return(Set s) => _free.Add(s);

        public sealed record Set(byte[] Raw, float[] Scratch, float[] Acc);
    }

    // fp64: block by block from the input files to the output file: one block per input and the accumulator are in memory,
    // in buffers reused across blocks and tensors (fresh allocations would page-fault every block).
    static void StreamLinear(TensorJob job, IReadOnlyList<CheckpointSource> sources, ShardedSafetensorsWriter writer, BlockBuffers buffers)
    {
        writer.Begin();
        long n = job.Shape.Aggregate(1L, (a, b) => a * b);
        var used = Enumerable.Range(0, job.Experts.Count).Where(i => job.Lambdas[i] != 0).ToList();
        var accType = job.DType == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        bool lerp = used.All(i => job.Lambdas[i] > 0);
        var weights = used.Select(i => job.Lambdas[i]).ToList();
        var blocks = new Tensor[used.Count];
        for (long offset = 0; offset < n; offset += buffers.Elements)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(buffers.Elements, n - offset);
            var acc = buffers.Get(accType, length, -1);
            if (used.Count == 0) acc.zero_();
            var raw = new Tensor[used.Count];
            for (int k = 0; k < used.Count; k++)
            {
                var s = job.Experts[used[k]];
                raw[k] = buffers.Get(sources[s.Model].Entry(s.Name).DType, length, k);
            }
            // The inputs' blocks are read concurrently (one file stream per shard): the copies out of the page cache overlap.
            Parallel.For(0, used.Count, k => sources[job.Experts[used[k]].Model].ReadRange(job.Experts[used[k]].Name, offset, raw[k]));
            for (int k = 0; k < used.Count; k++) blocks[k] = raw[k].dtype == accType ? raw[k] : raw[k].to_type(accType);
            if (used.Count > 0) LinearMerge.Chain(acc, blocks, weights, lerp);
            writer.Append(job.DType == accType ? acc : acc.to_type(job.DType));
        }
        writer.End();
    }

    /// <summary>Reusable block buffers, one per (input slot, dtype), of a fixed element count; a shorter tail gets its own tensor.</summary>
    sealed class BlockBuffers(long elements) : IDisposable
    {
        readonly Dictionary<(int, ScalarType), Tensor> _buffers = [];

        public long Elements => elements;

        public Tensor Get(ScalarType dtype, long length, int slot)
        {
            if (length != elements) return empty([length], dtype, CPU);
            if (!_buffers.TryGetValue((slot, dtype), out var t))
            {
                t = empty([elements], dtype, CPU).DetachFromDisposeScope();
                _buffers[(slot, dtype)] = t;
            }
            return t.alias();
        }

        public void Dispose()
        {
            foreach (var t in _buffers.Values) t.Dispose();
            _buffers.Clear();
        }
    }

    static WeightSet Lazy(TensorJob job, TensorSource s, IReadOnlyList<CheckpointSource> sources)
    {
        var source = sources[s.Model];
        var e = source.Entry(s.Name);
        if (!e.Shape.SequenceEqual(job.Shape))
            throw new ArgumentException($"merge: tensor '{s.Name}' of '{source.Dir}' has shape [{string.Join(", ", e.Shape)}], but output '{job.Output}' needs [{string.Join(", ", job.Shape)}].");
        ScalarType? work = IsFloating(e.DType) && IsFloating(job.DType) ? job.DType : null;
        if (IsFloating(e.DType) != IsFloating(job.DType))
            throw new ArgumentException($"merge: tensor '{s.Name}' of '{source.Dir}' is {e.DType}, which cannot become the output's {job.DType}.");
        return WeightSet.Lazy($"{source.Dir}:{s.Name}", [new WeightInfo(job.Output, work ?? e.DType, e.Shape)], (_, device) =>
        {
            var t = source.Read(s.Name, work);
            return device.type == TorchSharp.DeviceType.CPU ? t : t.to(device);
        });
    }

    static JsonObject ReadConfig(string path, MergePlan plan)
    {
        JsonObject config;
        try { config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: expected a JSON object."); }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON ({e.Message}).", e); }
        if (plan.LayerCount is int layers)
        {
            var key = new[] { "num_hidden_layers", "n_layer" }.FirstOrDefault(config.ContainsKey)
                ?? throw new FormatException($"{path}: no 'num_hidden_layers' or 'n_layer' field to set to the merged model's {layers} layers.");
            config[key] = layers;
        }
        if (plan.DType is { } d)
        {
            var name = d switch { ScalarType.Float32 => "float32", ScalarType.BFloat16 => "bfloat16", ScalarType.Float16 => "float16", ScalarType.Float64 => "float64", _ => null };
            if (name is not null)
            {
                config["torch_dtype"] = name;
                if (config.ContainsKey("dtype")) config["dtype"] = name;
            }
        }
        return config;
    }

    /// <summary>The tokenizer files a model folder may carry (Hugging Face's and Blend's codec file).</summary>
    static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model", "chat_template.jinja", "chat_template.json"];

    static void CopyTokenizer(string from, string to)
    {
        if (!Directory.Exists(from)) throw new DirectoryNotFoundException($"merge: tokenizer source '{from}' does not exist.");
        foreach (var f in TokenizerFiles) CopyIfPresent(from, to, f);
        // A Blend codec's tokenizer.json names the base tokenizer files it was built from.
        var codec = Path.Combine(from, "tokenizer.json");
        if (File.Exists(codec) && JsonNode.Parse(File.ReadAllText(codec)) is JsonObject o && o["format"] is not null && o["files"] is JsonArray files)
            foreach (var n in files)
                if (n?.GetValue<string>() is { } name && Path.GetFileName(name) == name) CopyIfPresent(from, to, name);
    }

    static void CopyIfPresent(string from, string to, string name)
    {
        var src = Path.Combine(from, name);
        if (File.Exists(src)) File.Copy(src, Path.Combine(to, name), overwrite: true);
    }

    internal static bool IsFloating(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;
}
