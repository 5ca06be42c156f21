using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

public sealed partial class Policy
{
    /// <summary>
    /// Samples one response per prompt, batched with left padding (and a KV cache by default). The prompt is laid out as
    /// <c>[BOS] prompt [SEP]</c>; a prompt too long for the context minus the new tokens is truncated from the left before the
    /// first forward pass (it keeps its BOS and last tokens: see <see cref="PromptTruncation"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The context is shorter than 3 tokens (a prompt's first and last token and one new token).</exception>
    /// <exception cref="InvalidOperationException">The model's next-token logits are not finite (NaN or ±inf weights, or a diverged update).</exception>
    public IReadOnlyList<Generation> Generate(IReadOnlyList<string> prompts, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        // K copies of a prompt are encoded once; a prompt longer than its room is truncated as it is encoded (only the end it keeps is encoded)
        int room = Config.ContextLength - Math.Min((options ?? new GenerationOptions()).MaxNewTokens, Config.ContextLength - PromptTruncation.MinTokens);
        var encoded = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        var ids = prompts.Select(p =>
        {
            ArgumentNullException.ThrowIfNull(p, "a prompt");
            if (!encoded.TryGetValue(p, out var e))
                encoded[p] = e = room >= PromptTruncation.MinTokens ? Codec.EncodeChatPrompt(p, room) : Codec.EncodeChat(p).PromptIds;
            return e;
        }).ToList();
        return Generate(prompts, ids, options);
    }

    /// <summary>
    /// Samples one continuation per prompt given as token ids (any layout: e.g. raw text after BOS, without the chat
    /// layout), batched with left padding; a prompt too long for the context minus the new tokens keeps its first and last
    /// tokens (see <see cref="PromptTruncation"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A prompt is empty or holds an id outside the vocabulary, or the context is shorter than 3 tokens.</exception>
    /// <exception cref="InvalidOperationException">The model's next-token logits are not finite (NaN or ±inf weights, or a diverged update).</exception>
    public IReadOnlyList<Generation> GenerateFrom(IReadOnlyList<IReadOnlyList<int>> promptTokens, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        for (int i = 0; i < promptTokens.Count; i++)
        {
            if (promptTokens[i] is null || promptTokens[i].Count == 0) throw new ArgumentException($"Policy.Generate: prompt {i} has no tokens.");
            foreach (var id in promptTokens[i]) CheckId(id, i, "Generate");
        }
        return Generate(promptTokens.Select(p => Codec.Decode(p.Where(id => id < Codec.VocabSize))).ToList(), promptTokens, options);
    }

    IReadOnlyList<Generation> Generate(IReadOnlyList<string> prompts, IReadOnlyList<IReadOnlyList<int>> encoded, GenerationOptions? options)
    {
        var o = (options ?? new GenerationOptions()).Validate();
        if (prompts.Count == 0) return [];
        int ctx = Config.ContextLength;
        if (ctx < ModelConfig.MinContextLength)
            throw new ArgumentException($"Policy.Generate: {Config.GetType().Name}.ContextLength is {ctx}; generation needs at least {ModelConfig.MinContextLength} (a prompt's first and last token and one new token).");
        int maxNew = Math.Min(o.MaxNewTokens, ctx - PromptTruncation.MinTokens);
        var promptIds = encoded.Select(ids => PromptTruncation.KeepEnd(ids, ctx - maxNew)).ToList();

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
        if (!logits.isfinite().all().item<bool>()) throw NonFinite.Logits($"Policy.Generate (new token {s + 1})");
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
}
