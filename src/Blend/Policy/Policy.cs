using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A language-model policy: a <see cref="TextCodec"/> plus a <see cref="Gpt"/> on a device, with batched generation, response
/// scoring (the input of every RL loss), cloning (frozen references) and atomic checkpoints.
/// </summary>
/// <example><code>var codec = TextCodec.Cl100k().Compact(corpus);
/// using var policy = Policy.Create(codec, GptConfig.Small(codec.VocabSize), seed: 1);
/// var outs = policy.Generate(["What is 2 + 3?"], new GenerationOptions { Greedy = true });
/// using var reference = policy.Clone().Freeze();</code></example>
public sealed class Policy : IDisposable
{
    const string ConfigFile = "config.json";
    const string WeightsFile = "model.safetensors";

    Policy(TextCodec codec, Gpt model, Device device)
    {
        Codec = codec;
        Model = model;
        Device = device;
    }

    /// <summary>The model architecture.</summary>
    public GptConfig Config => Model.Config;

    /// <summary>The tokenizer and chat layout.</summary>
    public TextCodec Codec { get; }

    /// <summary>The torch module (train it directly, e.g. with <c>Model.parameters()</c>).</summary>
    public Gpt Model { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device { get; }

    /// <summary>True after <see cref="Freeze"/>: no gradients, eval mode.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>A freshly initialised policy (GPT-2 init from <paramref name="seed"/>) on <paramref name="device"/> (default <see cref="BlendRuntime.Device"/>).</summary>
    /// <exception cref="ArgumentException">The config's vocabulary is smaller than the codec's.</exception>
    public static Policy Create(TextCodec codec, GptConfig config, int seed, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(config);
        if (config.VocabSize < codec.VocabSize)
            throw new ArgumentException($"Policy.Create: GptConfig.VocabSize {config.VocabSize} is smaller than the codec's {codec.VocabSize} ids.");
        device ??= BlendRuntime.Device;
        var model = new Gpt(config, seed);
        model.to(device);
        return new Policy(codec, model, device);
    }

    /// <summary>A deep copy (same weights, same codec, same device), trainable; call <see cref="Freeze"/> for a reference model.</summary>
    public Policy Clone()
    {
        var copy = new Gpt(Config);
        copy.to(Model.parameters().First().dtype).to(Device);
        using (no_grad())
        {
            var src = Model.state_dict();
            foreach (var (name, t) in copy.state_dict()) t.copy_(src[name]);
        }
        if (!Model.training) copy.eval();
        return new Policy(Codec, copy, Device);
    }

    /// <summary>Turns off gradients for every parameter and switches to eval mode (a frozen reference); returns this policy.</summary>
    public Policy Freeze()
    {
        foreach (var p in Model.parameters()) p.requires_grad = false;
        Model.eval();
        IsFrozen = true;
        return this;
    }

    /// <summary>
    /// Samples one response per prompt, batched with left padding (and a KV cache by default). The prompt is laid out as
    /// <c>[BOS] prompt [SEP]</c>; a prompt too long for the context keeps its BOS and last tokens.
    /// </summary>
    public IReadOnlyList<Generation> Generate(IReadOnlyList<string> prompts, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var o = (options ?? new GenerationOptions()).Validate();
        if (prompts.Count == 0) return [];
        int maxNew = Math.Min(o.MaxNewTokens, Config.ContextLength - 2);
        int maxPrompt = Config.ContextLength - maxNew;
        var promptIds = prompts.Select(p =>
        {
            var ids = Codec.EncodeChat(p ?? throw new ArgumentException("Policy.Generate: a prompt is null.")).PromptIds;
            return ids.Count <= maxPrompt ? ids : [ids[0], .. ids.Skip(ids.Count - maxPrompt + 1)];
        }).ToList();

        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var (tokens, logProbs, steps) = o.UseKvCache ? SampleCached(promptIds, o, maxNew) : SampleUncached(promptIds, o, maxNew);
            var result = new List<Generation>(prompts.Count);
            for (int i = 0; i < prompts.Count; i++)
            {
                var ids = new List<int>();
                var lps = new List<float>();
                bool finished = false;
                for (int s = 0; s < steps; s++)
                {
                    int id = (int)tokens[i * maxNew + s];
                    ids.Add(id);
                    lps.Add(logProbs[i * maxNew + s]);
                    if (id == Codec.Eos) { finished = true; break; }
                }
                // A model wider than its codec (VocabSize above the codec's) can sample ids the codec lacks: they read as UNK.
                result.Add(new Generation(prompts[i], Codec.Decode(ids.Select(id => id < Codec.VocabSize ? id : Codec.Unk)), promptIds[i], ids, lps, finished));
            }
            return result;
        }
        finally
        {
            if (wasTraining) Model.train();
        }
    }

    (long[] Tokens, float[] LogProbs, int Steps) SampleCached(List<IReadOnlyList<int>> prompts, GenerationOptions o, int maxNew)
    {
        int b = prompts.Count;
        var (ids, mask) = LeftPad(prompts);
        using var cache = Model.NewCache(b, (int)ids.shape[1] + maxNew);
        using var gen = new Generator((ulong)BlendRuntime.DeriveSeed(o.Seed, "generate"), Device);
        var outTokens = full([b, maxNew], Codec.Pad, ScalarType.Int64, Device);
        var outLogProbs = zeros([b, maxNew], ScalarType.Float32, Device);
        var finished = zeros([b], ScalarType.Bool, Device);
        var stepMask = ones([b, 1], ScalarType.Int64, Device);
        Tensor logits;
        using (var first = NewDisposeScope())
        {
            var h = Model.Hidden(ids, mask, cache);
            logits = Model.Logits(h[.., -1, ..]).to(ScalarType.Float32).DetachFromDisposeScope();
        }
        int steps = 0;
        try
        {
            for (int s = 0; s < maxNew; s++)
            {
                using var step = NewDisposeScope();
                var next = SampleStep(logits, o, gen, s, outTokens, outLogProbs, finished);
                steps = s + 1;
                if (s == maxNew - 1 || finished.all().item<bool>()) break;
                var h = Model.Hidden(next.unsqueeze(1), stepMask, cache);
                var newLogits = Model.Logits(h[.., -1, ..]).to(ScalarType.Float32).DetachFromDisposeScope();
                logits.Dispose();
                logits = newLogits;
            }
        }
        finally { logits.Dispose(); }
        return (outTokens.cpu().data<long>().ToArray(), outLogProbs.cpu().data<float>().ToArray(), steps);
    }

    (long[] Tokens, float[] LogProbs, int Steps) SampleUncached(List<IReadOnlyList<int>> prompts, GenerationOptions o, int maxNew)
    {
        int b = prompts.Count;
        var (ids, mask) = LeftPad(prompts);
        using var gen = new Generator((ulong)BlendRuntime.DeriveSeed(o.Seed, "generate"), Device);
        var outTokens = full([b, maxNew], Codec.Pad, ScalarType.Int64, Device);
        var outLogProbs = zeros([b, maxNew], ScalarType.Float32, Device);
        var finished = zeros([b], ScalarType.Bool, Device);
        int steps = 0;
        for (int s = 0; s < maxNew; s++)
        {
            using var step = NewDisposeScope();
            var h = Model.Hidden(ids, mask);
            var logits = Model.Logits(h[.., -1, ..]).to(ScalarType.Float32);
            var next = SampleStep(logits, o, gen, s, outTokens, outLogProbs, finished);
            steps = s + 1;
            if (s == maxNew - 1 || finished.all().item<bool>()) break;
            var newIds = cat([ids, next.unsqueeze(1)], 1).DetachFromDisposeScope();
            var newMask = cat([mask, ones([b, 1], ScalarType.Int64, Device)], 1).DetachFromDisposeScope();
            ids.Dispose(); mask.Dispose();
            ids = newIds; mask = newMask;
        }
        ids.Dispose(); mask.Dispose();
        return (outTokens.cpu().data<long>().ToArray(), outLogProbs.cpu().data<float>().ToArray(), steps);
    }

    /// <summary>Samples the next token from logits [B,V], records it and its log-prob at column <paramref name="s"/>, updates <paramref name="finished"/>.</summary>
    Tensor SampleStep(Tensor logits, GenerationOptions o, Generator gen, int s, Tensor outTokens, Tensor outLogProbs, Tensor finished)
    {
        var logp = logits.log_softmax(-1);
        Tensor next;
        if (o.Greedy) next = logits.argmax(-1);
        else
        {
            var l = o.Temperature == 1.0 ? logits : logits / o.Temperature;
            if (o.TopK > 0 && o.TopK < l.shape[1])
            {
                var kth = l.topk(o.TopK, -1).values.narrow(1, o.TopK - 1, 1);
                l = l.masked_fill(l.lt(kth), double.NegativeInfinity);
            }
            if (o.TopP < 1.0)
            {
                var (sorted, idx) = l.sort(-1, descending: true);
                var probs = sorted.softmax(-1);
                var remove = (probs.cumsum(-1) - probs).gt(o.TopP);
                sorted = sorted.masked_fill(remove, double.NegativeInfinity);
                l = full_like(l, double.NegativeInfinity).scatter(-1, idx, sorted);
            }
            next = l.softmax(-1).multinomial(1, false, gen).squeeze(-1);
        }
        var lp = logp.gather(-1, next.unsqueeze(-1)).squeeze(-1);
        next = next.masked_fill(finished, Codec.Pad);
        outTokens[.., s] = next;
        outLogProbs[.., s] = lp.masked_fill(finished, 0.0);
        finished.logical_or_(next.eq(Codec.Eos));
        return next;
    }

    (Tensor Ids, Tensor Mask) LeftPad(List<IReadOnlyList<int>> prompts)
    {
        int b = prompts.Count, t = prompts.Max(p => p.Count);
        var ids = new long[b * t];
        var mask = new long[b * t];
        for (int i = 0; i < b; i++)
        {
            int off = t - prompts[i].Count;
            for (int j = 0; j < t; j++)
            {
                ids[i * t + j] = j < off ? Codec.Pad : prompts[i][j - off];
                mask[i * t + j] = j < off ? 0 : 1;
            }
        }
        return (tensor(ids, [b, t], device: Device), tensor(mask, [b, t], device: Device));
    }

    /// <summary>
    /// Per-token log-probs, entropies (and values) of given responses under the model, response tokens only. Keeps the
    /// autograd graph when gradients are enabled; the returned tensors belong to the caller's dispose scope.
    /// </summary>
    /// <param name="promptTokens">Prompt ids per sample in the chat layout (e.g. <see cref="Generation.PromptTokens"/>); at least one token each.</param>
    /// <param name="responseTokens">Response ids per sample (e.g. <see cref="Generation.Tokens"/>); may be empty.</param>
    public ResponseScores Score(IReadOnlyList<IReadOnlyList<int>> promptTokens, IReadOnlyList<IReadOnlyList<int>> responseTokens)
    {
        var batch = Pack(promptTokens, responseTokens, "Score");
        int b = batch.B, tr = batch.Tr;
        using var scope = NewDisposeScope();
        Tensor logProbs, mask, entropy;
        Tensor? values = null;
        mask = tensor(batch.Mask, [b, tr], device: Device);
        if (tr == 0)
        {
            logProbs = zeros([b, 0], ScalarType.Float32, Device);
            entropy = zeros([b, 0], ScalarType.Float32, Device);
            if (Config.ValueHead) values = zeros([b, 0], ScalarType.Float32, Device);
        }
        else
        {
            var hidden = Model.Hidden(tensor(batch.Ids, [b, batch.T], device: Device));
            var gather = tensor(batch.Gather, [b, tr], device: Device);
            var h = hidden.gather(1, gather.unsqueeze(-1).expand(b, tr, hidden.shape[2]));
            hidden.Dispose();
            // [B,Tr,V] tensors dominate the memory of a pass: free each as soon as the next exists (autograd keeps what
            // backward needs), and without grad compute p·log p in place.
            var logits = Model.Logits(h);
            if (logits.dtype != ScalarType.Float32) { var wide = logits.to(ScalarType.Float32); logits.Dispose(); logits = wide; }
            var logp = logits.log_softmax(-1);
            logits.Dispose();
            var targets = tensor(batch.Targets, [b, tr], device: Device);
            logProbs = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1) * mask;
            var plogp = is_grad_enabled() ? logp.exp() * logp : logp.exp().mul_(logp);
            entropy = -plogp.sum(-1) * mask;
            plogp.Dispose();
            if (Config.ValueHead) values = Model.Values(h).to(ScalarType.Float32) * mask;
        }
        var scores = new ResponseScores(logProbs, mask, entropy, values, batch.Lengths);
        scores.TokenLogProbs.MoveToOuterDisposeScope();
        scores.Mask.MoveToOuterDisposeScope();
        scores.Entropy.MoveToOuterDisposeScope();
        scores.Values?.MoveToOuterDisposeScope();
        scores.SequenceLogProbs.MoveToOuterDisposeScope();
        return scores;
    }

    /// <summary>Scores text pairs: prompts in the chat layout, responses as <c>response [EOS]</c> (see <see cref="TextCodec.EncodeResponse"/>).</summary>
    public ResponseScores Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        var (p, r) = EncodePairs(prompts, responses, "Score");
        return Score(p, r);
    }

    /// <summary>The reward head's output at the last response token of each (prompt, response) pair, [B] (at the last prompt token when a response is empty).</summary>
    /// <exception cref="InvalidOperationException">The config has no reward head.</exception>
    public Tensor ScoreRewardHead(IReadOnlyList<IReadOnlyList<int>> promptTokens, IReadOnlyList<IReadOnlyList<int>> responseTokens)
    {
        if (!Config.RewardHead) throw new InvalidOperationException("Policy.ScoreRewardHead: the model has no reward head (create it with GptConfig { RewardHead = true }).");
        var batch = Pack(promptTokens, responseTokens, "ScoreRewardHead");
        using var scope = NewDisposeScope();
        var hidden = Model.Hidden(tensor(batch.Ids, [batch.B, batch.T], device: Device));
        var last = tensor(batch.Last, [batch.B, 1], device: Device);
        var h = hidden.gather(1, last.unsqueeze(-1).expand(batch.B, 1, hidden.shape[2]));
        return Model.Rewards(h).squeeze(1).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The reward head's output for text pairs (prompt in the chat layout, <c>response [EOS]</c>), [B].</summary>
    public Tensor ScoreRewardHead(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        var (p, r) = EncodePairs(prompts, responses, "ScoreRewardHead");
        return ScoreRewardHead(p, r);
    }

    (List<IReadOnlyList<int>>, List<IReadOnlyList<int>>) EncodePairs(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, string what)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(responses);
        if (prompts.Count != responses.Count) throw new ArgumentException($"Policy.{what}: {prompts.Count} prompts but {responses.Count} responses.");
        return (prompts.Select(p => Codec.EncodeChat(p).PromptIds).ToList(), responses.Select(Codec.EncodeResponse).ToList());
    }

    sealed record Packed(int B, int T, int Tr, long[] Ids, long[] Gather, long[] Targets, float[] Mask, long[] Last, int[] Lengths);

    Packed Pack(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> responses, string what)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(responses);
        if (prompts.Count != responses.Count) throw new ArgumentException($"Policy.{what}: {prompts.Count} prompts but {responses.Count} responses.");
        if (prompts.Count == 0) throw new ArgumentException($"Policy.{what}: the batch is empty.");
        int b = prompts.Count;
        int t = 0, tr = 0;
        for (int i = 0; i < b; i++)
        {
            if (prompts[i] is null || prompts[i].Count == 0) throw new ArgumentException($"Policy.{what}: prompt {i} has no tokens (use the chat layout, which starts with BOS).");
            if (responses[i] is null) throw new ArgumentException($"Policy.{what}: response {i} is null.");
            int total = prompts[i].Count + responses[i].Count;
            if (total > Config.ContextLength) throw new ArgumentException($"Policy.{what}: sample {i} has {total} tokens, more than the context length {Config.ContextLength}.");
            t = Math.Max(t, total);
            tr = Math.Max(tr, responses[i].Count);
        }
        var ids = new long[b * t];
        Array.Fill(ids, Codec.Pad);
        var gather = new long[b * tr];
        var targets = new long[b * tr];
        var mask = new float[b * tr];
        var last = new long[b];
        var lengths = new int[b];
        for (int i = 0; i < b; i++)
        {
            var p = prompts[i];
            var r = responses[i];
            for (int j = 0; j < p.Count; j++) ids[i * t + j] = CheckId(p[j], i, what);
            for (int j = 0; j < r.Count; j++)
            {
                ids[i * t + p.Count + j] = CheckId(r[j], i, what);
                gather[i * tr + j] = p.Count - 1 + j;
                targets[i * tr + j] = r[j];
                mask[i * tr + j] = 1f;
            }
            last[i] = p.Count + r.Count - 1;
            lengths[i] = r.Count;
        }
        return new Packed(b, t, tr, ids, gather, targets, mask, last, lengths);
    }

    long CheckId(int id, int sample, string what) =>
        id >= 0 && id < Config.VocabSize ? id : throw new ArgumentException($"Policy.{what}: sample {sample} has token id {id}, outside the vocabulary [0, {Config.VocabSize}).");

    /// <summary>
    /// Saves <c>config.json</c>, <c>model.safetensors</c> and the codec's files into <paramref name="dir"/> atomically (written to
    /// a temporary sibling folder, then renamed over the target).
    /// </summary>
    public void Save(string dir) => CheckpointFolder.Write(dir, "policy", WriteFiles);

    /// <summary>Writes the checkpoint files into an existing folder (not atomic: callers swap the folder in).</summary>
    internal void WriteFiles(string tmp)
    {
        var state = Model.state_dict();
        var dtype = Safetensors.DTypeName(state.Values.First().dtype);
        var json = new JsonObject
        {
            ["format"] = "blend-policy/1",
            ["dtype"] = dtype,
            ["parameters"] = Model.ParameterCount,
            ["config"] = JsonSerializer.SerializeToNode(Config, JsonOptions),
        };
        AtomicFile.WriteAllText(Path.Combine(tmp, ConfigFile), json.ToJsonString(JsonOptions));
        Safetensors.Write(Path.Combine(tmp, WeightsFile), state.Select(kv => new NamedTensor(kv.Key, kv.Value)),
            [new("format", "pt"), new("producer", "blend")]);
        Codec.Save(tmp);
    }

    /// <summary>
    /// Loads a checkpoint saved by <see cref="Save"/> onto <paramref name="device"/> (default <see cref="BlendRuntime.Device"/>)
    /// in <paramref name="dtype"/> (default: the file's). Names, shapes and dtypes are validated first; the error names the
    /// first mismatch.
    /// </summary>
    public static Policy Load(string dir, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        dir = CheckpointCheck.PolicyFolder(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Policy.Load: checkpoint folder '{dir}' does not exist.");
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"Policy.Load: '{configPath}' does not exist.", configPath);
        GptConfig config;
        string fileDtype;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new FormatException($"{configPath}: expected a JSON object.");
            fileDtype = root["dtype"]?.GetValue<string>() ?? throw new FormatException($"{configPath}: field 'dtype' is missing.");
            var node = root["config"] ?? throw new FormatException($"{configPath}: field 'config' is missing.");
            config = node.Deserialize<GptConfig>(JsonOptions) ?? throw new FormatException($"{configPath}: field 'config' is null.");
            config.Validate();
        }
        catch (JsonException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (ArgumentException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        catch (InvalidOperationException e) { throw new FormatException($"{configPath}: {e.Message}", e); }
        var codec = TextCodec.Load(dir);
        if (codec.VocabSize > config.VocabSize)
            throw new FormatException($"{configPath}: config.VocabSize {config.VocabSize} is smaller than the tokenizer's {codec.VocabSize} ids.");
        var weightsPath = Path.Combine(dir, WeightsFile);
        using var file = SafetensorsFile.Open(weightsPath);
        CheckpointCheck.BeforeAllocation(file, config, configPath);
        var storedType = Safetensors.ParseDType(fileDtype) ?? throw new FormatException($"{configPath}: dtype '{fileDtype}' is not supported.");
        var model = new Gpt(config);
        try
        {
            var expected = model.state_dict();
            foreach (var (name, t) in expected)
            {
                if (!file.Contains(name)) throw new FormatException($"{weightsPath}: missing tensor '{name}' (the config expects {fileDtype} [{string.Join(",", t.shape)}]).");
                var e = file.Entry(name);
                if (!e.Shape.SequenceEqual(t.shape))
                    throw new FormatException($"{weightsPath}: tensor '{name}' has shape [{string.Join(",", e.Shape)}] but the config expects [{string.Join(",", t.shape)}].");
                if (e.DType != storedType)
                    throw new FormatException($"{weightsPath}: tensor '{name}' has dtype {Safetensors.DTypeName(e.DType)} but config.json says {fileDtype}.");
            }
            foreach (var name in file.Names)
                if (!expected.ContainsKey(name)) throw new FormatException($"{weightsPath}: unexpected tensor '{name}' (not part of this config's model).");
            if (storedType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
                throw new FormatException($"{weightsPath}: dtype {fileDtype} is not a weight dtype (F32, F16 or BF16).");
            device ??= BlendRuntime.Device;
            model.to(dtype ?? storedType).to(device);
            using (no_grad())
            {
                foreach (var (name, t) in model.state_dict())
                {
                    using var src = file.Read(name, CPU);
                    t.copy_(src);
                }
            }
            CheckpointCheck.Finite(model, weightsPath);
            return new Policy(codec, model, device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <inheritdoc />
    public override string ToString() =>
        $"Policy(Gpt {Config.Layers}x{Config.Width}, {Config.Heads} heads, ctx {Config.ContextLength}, {Model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} params, {Codec}, {Device})";

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
