using Blend.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

public sealed partial class Policy
{
    /// <summary>
    /// Per-token log-probs, entropies (and values) of given responses under the model, response tokens only. Keeps the
    /// autograd graph when gradients are enabled; the returned tensors belong to the caller's dispose scope.
    /// </summary>
    /// <param name="promptTokens">Prompt ids per sample in the chat layout (e.g. <see cref="Generation.PromptTokens"/>); at least one token each. A prompt that does not fit beside its response is truncated from the left (<see cref="PromptTruncation"/>).</param>
    /// <param name="responseTokens">Response ids per sample (e.g. <see cref="Generation.Tokens"/>); may be empty.</param>
    /// <exception cref="ArgumentException">A response leaves no room in the context for its prompt's first and last token, or an id is outside the vocabulary.</exception>
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

    /// <summary>
    /// The reward head's output for each (prompt, response) pair, [B], read as transformers' sequence classifiers read it: at
    /// the rightmost token of the sequence whose id is not the pad id (<see cref="RewardPadId"/>), so a response ending in
    /// tokens equal to the pad id is read before them (at position 0 when every id is the pad).
    /// </summary>
    /// <exception cref="InvalidOperationException">The config has no reward head.</exception>
    public Tensor ScoreRewardHead(IReadOnlyList<IReadOnlyList<int>> promptTokens, IReadOnlyList<IReadOnlyList<int>> responseTokens)
    {
        if (!Config.RewardHead) throw new InvalidOperationException("Policy.ScoreRewardHead: the model has no reward head (create it with a config whose RewardHead = true, e.g. RewardModel.FromPolicy).");
        var batch = Pack(promptTokens, responseTokens, "ScoreRewardHead");
        int pad = RewardPadId;
        var at = new long[batch.B];
        for (int i = 0; i < batch.B; i++)
        {
            long j = batch.Last[i];
            while (j >= 0 && batch.Ids[i * batch.T + j] == pad) j--;
            at[i] = Math.Max(j, 0);
        }
        using var scope = NewDisposeScope();
        var hidden = Model.Hidden(tensor(batch.Ids, [batch.B, batch.T], device: Device));
        var last = tensor(at, [batch.B, 1], device: Device);
        var h = hidden.gather(1, last.unsqueeze(-1).expand(batch.B, 1, hidden.shape[2]));
        return Model.Rewards(h).squeeze(1).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The id a reward model's last token is found by (<see cref="ScoreRewardHead(IReadOnlyList{IReadOnlyList{int}}, IReadOnlyList{IReadOnlyList{int}})"/>):
    /// <c>pad_token_id</c> of the <c>config.json</c> the model was read from, else the codec's pad id, which <see cref="Save(string)"/>
    /// writes as <c>pad_token_id</c>, so Blend and transformers read a saved reward model at the same token.
    /// </summary>
    public int RewardPadId => HuggingFaceConfig.PadTokenId(Config) ?? Codec.Pad;

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

    Packed Pack(IReadOnlyList<IReadOnlyList<int>> promptList, IReadOnlyList<IReadOnlyList<int>> responses, string what)
    {
        ArgumentNullException.ThrowIfNull(promptList);
        ArgumentNullException.ThrowIfNull(responses);
        if (promptList.Count != responses.Count) throw new ArgumentException($"Policy.{what}: {promptList.Count} prompts but {responses.Count} responses.");
        if (promptList.Count == 0) throw new ArgumentException($"Policy.{what}: the batch is empty.");
        var prompts = promptList.ToArray(); // a prompt too long for its response's room is truncated from the left (PromptTruncation)
        int b = prompts.Length;
        int t = 0, tr = 0;
        for (int i = 0; i < b; i++)
        {
            if (prompts[i] is null || prompts[i].Count == 0) throw new ArgumentException($"Policy.{what}: prompt {i} has no tokens (use the chat layout, which starts with BOS).");
            if (responses[i] is null) throw new ArgumentException($"Policy.{what}: response {i} is null.");
            if (prompts[i].Count + responses[i].Count > Config.ContextLength)
            {
                if (responses[i].Count > Config.ContextLength - PromptTruncation.MinTokens)
                    throw new ArgumentException($"Policy.{what}: response {i} has {responses[i].Count} tokens; with the context length {Config.ContextLength} that leaves no room for its prompt's first and last token.");
                prompts[i] = PromptTruncation.KeepEnd(prompts[i], Config.ContextLength - responses[i].Count);
            }
            t = Math.Max(t, prompts[i].Count + responses[i].Count);
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
}
