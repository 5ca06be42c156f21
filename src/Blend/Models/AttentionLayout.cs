using static TorchSharp.torch;

namespace Blend.Models;

/// <summary>
/// Position ids and the attention mask of one forward pass, shared by every architecture: position ids count only real
/// tokens (so a left-padded row computes what the unpadded sequence does), pads are never attended to, and with a KV cache
/// the new positions see every cached one.
/// </summary>
/// <param name="Positions">Position ids [B,T].</param>
/// <param name="Allowed">Boolean mask [B,1,T,Past+T] (true = may attend), or null for a plain causal pass.</param>
/// <param name="Causal">True when <paramref name="Allowed"/> is null and attention is plain causal.</param>
internal sealed record AttentionLayout(Tensor Positions, Tensor? Allowed, bool Causal)
{
    /// <summary>The layout of token ids [B,T] with an optional mask (1 = token, 0 = pad) after the positions held by <paramref name="cache"/>.</summary>
    public static AttentionLayout For(Tensor ids, Tensor? attentionMask, KvCache? cache, int contextLength, string who)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2) throw new ArgumentException($"{who}: ids must be [B,T], got [{string.Join(",", ids.shape)}].");
        long b = ids.shape[0], t = ids.shape[1];
        int past = cache?.Length ?? 0;
        if (past + t > contextLength)
            throw new ArgumentException($"{who}: {past + t} positions exceed the context length {contextLength}.");
        if (attentionMask is not null && (attentionMask.dim() != 2 || attentionMask.shape[0] != b || attentionMask.shape[1] != t))
            throw new ArgumentException($"{who}: the attention mask is [{string.Join(",", attentionMask.shape)}] but ids are [{b},{t}].");
        if (cache is null && attentionMask is null)
            return new AttentionLayout(arange(t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0).expand(b, t), null, true);

        var mask = attentionMask ?? ones([b, t], ScalarType.Int64, ids.device);
        Tensor positions, keyMask, allowed;
        if (cache is null)
        {
            positions = (mask.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0);
            keyMask = mask.to(ScalarType.Bool);
        }
        else (positions, keyMask) = cache.Begin(mask);
        if (t == 1 && cache is not null)
        {
            // One new position (cached decoding): every earlier key is causal; attend to the non-pad ones and itself.
            allowed = keyMask.clone();
            allowed[.., -1] = true;
            allowed = allowed.view(b, 1, 1, past + 1);
        }
        else
        {
            var q = arange(past, past + t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(1);
            var k = arange(past + t, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
            // Causal and not a pad; each position also sees itself so that pad rows stay finite.
            allowed = ((k.le(q).unsqueeze(0) & keyMask.unsqueeze(1)) | k.eq(q).unsqueeze(0)).unsqueeze(1);
        }
        return new AttentionLayout(positions, allowed, false);
    }
}
