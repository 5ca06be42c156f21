using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A learned reward model r(s, a): a policy-stack backbone (<see cref="Policy"/>: <see cref="TextCodec"/> + a causal LM, Blend's
/// GPT or a GPT-2 / Llama-family model) with a scalar reward head read at the last token of <c>[BOS] prompt [SEP] response [EOS]</c>
/// (CGPO §2: SFT model + linear head); precisely, at the rightmost token whose id is not the pad id, as transformers' sequence
/// classifiers read it (<see cref="Policy.RewardPadId"/>).
/// </summary>
/// <example><code>
/// var pairs = PreferencePairs.Load("data/preferences");
/// var result = RewardModel.Train(pairs, new RewardTrainingOptions { Steps = 800 });
/// Console.WriteLine(result);                       // held-out accuracy, margins
/// IReadOnlyList&lt;double&gt; r = result.Model.Score(samples);
/// </code></example>
public sealed class RewardModel : IRewardModel, IDisposable
{
    const string MetaFile = "reward.json";

    RewardModel(Policy backbone, string name)
    {
        if (!backbone.Config.RewardHead) throw new ArgumentException("RewardModel: the backbone has no reward head (GptConfig.RewardHead = false).");
        Backbone = backbone;
        Name = name;
    }

    /// <summary>The backbone with its reward head (train it through <see cref="Policy.Model"/>).</summary>
    public Policy Backbone { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Sequences per forward pass when scoring; default 64.</summary>
    public int ScoreBatchSize { get; init; } = 64;

    /// <summary>A freshly initialised reward model over <paramref name="codec"/> (the config's reward head is turned on and its vocabulary set to the codec's).</summary>
    public static RewardModel Create(TextCodec codec, GptConfig config, int seed = 0, string name = "reward")
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new RewardModel(Policy.Create(codec, config with { VocabSize = codec.VocabSize, RewardHead = true }, seed), name);
    }

    /// <summary>
    /// A reward model initialised from a (SFT) policy, as CGPO does: same codec and backbone weights, a new reward head
    /// (GPT-2 init from <paramref name="seed"/>). The policy is not changed.
    /// </summary>
    public static RewardModel FromPolicy(Policy policy, string name = "reward", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new RewardModel(policy.Derive(policy.Config with { RewardHead = true }, seed), name);
    }

    /// <summary>Trains a reward model from scratch on <paramref name="pairs"/> (codec: cl100k compacted to the pairs' text, digits split).</summary>
    /// <param name="pairs">Preference pairs; a held-out part (by prompt) is split off for accuracy.</param>
    /// <param name="options">Hyperparameters (default <see cref="RewardTrainingOptions"/>).</param>
    /// <param name="progress">Receives metrics every <see cref="RewardTrainingOptions.EvalEvery"/> steps.</param>
    public static RewardTrainingResult Train(IReadOnlyList<PreferencePair> pairs, RewardTrainingOptions? options = null, IProgress<RewardTrainingMetrics>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        options = (options ?? new RewardTrainingOptions()).Validate();
        if (pairs.Count == 0) throw new ArgumentException("RewardModel.Train: no preference pairs.", nameof(pairs));
        var codec = TextCodec.Cl100k(splitDigits: true).Compact(pairs.SelectMany(p => new[] { p.Prompt, p.Chosen, p.Rejected }));
        var config = options.Config ?? new GptConfig(codec.VocabSize) { Layers = 2, Heads = 4, Width = 96, ContextLength = 192 };
        BlendRuntime.Seed(options.Seed);
        var model = Create(codec, config, options.Seed, options.Name);
        return RewardTrainer.Train(model, pairs, options, progress);
    }

    /// <summary>Continues training <paramref name="start"/> (e.g. from <see cref="FromPolicy"/>) on <paramref name="pairs"/>; the model is updated in place.</summary>
    public static RewardTrainingResult Train(RewardModel start, IReadOnlyList<PreferencePair> pairs, RewardTrainingOptions? options = null, IProgress<RewardTrainingMetrics>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(pairs);
        options = (options ?? new RewardTrainingOptions()).Validate();
        if (pairs.Count == 0) throw new ArgumentException("RewardModel.Train: no preference pairs.", nameof(pairs));
        return RewardTrainer.Train(start, pairs, options, progress);
    }

    /// <summary>
    /// The layout of one (prompt, response) for the backbone. When the pair does not fit the context, a response longer than
    /// the context minus 2 keeps its end (the reward is read at its last token), then the prompt is truncated from the left
    /// (<see cref="PromptTruncation"/>: BOS and its last tokens), before any forward pass.
    /// </summary>
    internal (IReadOnlyList<int> Prompt, IReadOnlyList<int> Response) Encode(string prompt, string response)
    {
        var codec = Backbone.Codec;
        var p = codec.EncodeChat(prompt).PromptIds;
        var r = codec.EncodeResponse(response);
        int ctx = Backbone.Config.ContextLength;
        if (p.Count + r.Count <= ctx) return (p, r);
        int room = ctx - PromptTruncation.MinTokens;
        if (r.Count > room) r = r.Skip(r.Count - room).ToArray();
        return (PromptTruncation.KeepEnd(p, ctx - r.Count), r);
    }

    /// <summary>Reward-head outputs [B] for encoded sequences, with gradients when enabled (the training path).</summary>
    internal Tensor Forward(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> responses) =>
        Backbone.ScoreRewardHead(prompts, responses);

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var encoded = samples.Select(s => Encode(s.Prompt, s.Response)).ToList();
        return ScoreEncoded(encoded);
    }

    /// <summary>Scores (prompt, response) text pairs.</summary>
    public IReadOnlyList<double> Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(responses);
        if (prompts.Count != responses.Count) throw new ArgumentException($"RewardModel.Score: {prompts.Count} prompts but {responses.Count} responses.");
        return ScoreEncoded(prompts.Select((p, i) => Encode(p, responses[i])).ToList());
    }

    internal double[] ScoreEncoded(IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> encoded)
    {
        var result = new double[encoded.Count];
        bool wasTraining = Backbone.Model.training;
        Backbone.Model.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < encoded.Count; start += ScoreBatchSize)
            {
                using var scope = NewDisposeScope();
                var chunk = encoded.Skip(start).Take(ScoreBatchSize).ToList();
                var r = Forward(chunk.Select(c => c.Prompt).ToList(), chunk.Select(c => c.Response).ToList()).cpu().data<float>().ToArray();
                for (int i = 0; i < r.Length; i++) result[start + i] = r[i];
            }
        }
        finally
        {
            if (wasTraining) Backbone.Model.train();
        }
        return result;
    }

    /// <summary>Accuracy and margins of this model on <paramref name="pairs"/>.</summary>
    public RewardEvaluation Evaluate(IReadOnlyList<PreferencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var chosen = ScoreEncoded(pairs.Select(p => Encode(p.Prompt, p.Chosen)).ToList());
        var rejected = ScoreEncoded(pairs.Select(p => Encode(p.Prompt, p.Rejected)).ToList());
        return RewardEvaluation.From(pairs, chosen, rejected);
    }

    /// <summary>
    /// Saves the checkpoint into <paramref name="dir"/> atomically, in the layout of transformers' sequence classifiers: the
    /// backbone's <c>config.json</c> with <c>architectures</c> <c>…ForSequenceClassification</c> and one label, the weights in
    /// <c>model.safetensors</c> with the head as <c>score.weight</c> (plus <c>score.bias</c>, which transformers does not have
    /// and ignores: its scores are Blend's minus that constant, so preferences and margins agree), the tokenizer files,
    /// <c>reward.json</c> (the name) and the manifest (kind <c>reward-model</c>).
    /// </summary>
    public void Save(string dir)
    {
        CheckpointFolder.Write(dir, "reward-model", tmp =>
        {
            Backbone.WriteFiles(tmp);
            var meta = new JsonObject { ["format"] = "blend-reward/1", ["name"] = Name, ["head"] = "last-token" };
            AtomicFile.WriteAllText(Path.Combine(tmp, MetaFile), meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
    }

    /// <summary>
    /// Loads a reward model: a folder saved by <see cref="Save"/> (also by earlier Blend versions), or a Hugging Face
    /// <c>GPT2ForSequenceClassification</c>, <c>LlamaForSequenceClassification</c>, <c>MistralForSequenceClassification</c>,
    /// <c>Qwen2ForSequenceClassification</c> or <c>Qwen3ForSequenceClassification</c> folder with one label: the backbone's
    /// tensors and <c>score.weight</c> [1, hidden], no LM head (its <c>score</c> layer has no bias, so the bias is 0). The name
    /// comes from <c>reward.json</c>, else the folder's name. Names, shapes, dtypes and the kind (a <c>score.weight</c> in the
    /// files) are checked against the config before the model is built.
    /// </summary>
    /// <exception cref="FormatException">The folder holds a policy rather than a reward model (the message says which loader to use), or a malformed file (named).</exception>
    public static RewardModel Load(string dir, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        using var allow = CheckpointCheck.Allow("reward-model");
        var located = CheckpointCheck.PolicyFolder(dir);
        var configPath = Path.Combine(located, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"RewardModel.Load: '{configPath}' does not exist (not a reward-model checkpoint).", configPath);
        var config = Policy.ReadConfig(configPath);
        if (!config.RewardHead)
            throw new FormatException($"RewardModel.Load: '{located}' is a policy ({HuggingFaceConfig.ArchitectureName(config)}), not a reward model; load it with Policy.Load, or start a reward model from it with RewardModel.FromPolicy(Policy.Load(dir)).");
        string name = ReadName(located);
        var backbone = Policy.Load(located, device);
        return new RewardModel(backbone, name);
    }

    static string ReadName(string dir)
    {
        var metaPath = Path.Combine(dir, MetaFile);
        if (!File.Exists(metaPath)) return Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        try
        {
            var meta = JsonNode.Parse(File.ReadAllText(metaPath)) as JsonObject ?? throw new FormatException($"{metaPath}: expected a JSON object.");
            if (meta["format"]?.GetValue<string>() != "blend-reward/1") throw new FormatException($"{metaPath}: field 'format' must be 'blend-reward/1'.");
            var name = meta["name"]?.GetValue<string>() ?? throw new FormatException($"{metaPath}: field 'name' is missing.");
            return string.IsNullOrWhiteSpace(name) ? throw new FormatException($"{metaPath}: field 'name' is empty.") : name;
        }
        catch (JsonException e) { throw new FormatException($"{metaPath}: not valid JSON ({e.Message})", e); }
        catch (InvalidOperationException e) { throw new FormatException($"{metaPath}: {e.Message}", e); }
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RewardModel({Name}: {Backbone.Config.Architecture} {Backbone.Config.Layers}x{Backbone.Config.Width}, ctx {Backbone.Config.ContextLength}, {Backbone.Model.ParameterCount:N0} params, {Backbone.Codec.VocabSize} ids)");

    /// <inheritdoc />
    public void Dispose() => Backbone.Dispose();
}
