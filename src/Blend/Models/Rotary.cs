using static TorchSharp.torch;

namespace Blend.Models;

/// <summary>cos/sin tables of rotary position embeddings (RoPE, half-split rotation as in GPT-NeoX and Llama) for given position ids, [B,1,T,D/2].</summary>
internal sealed record Rotary(Tensor Cos, Tensor Sin)
{
    /// <summary>The tables for position ids [B,T] and inverse frequencies [D/2] (float32), cast to <paramref name="dtype"/>.</summary>
    public static Rotary For(Tensor positions, Tensor inverseFrequencies, ScalarType dtype)
    {
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies.to(positions.device);
        return new Rotary(angles.cos().unsqueeze(1).to(dtype), angles.sin().unsqueeze(1).to(dtype));
    }

    /// <summary>Rotates queries or keys [B,H,T,D]: (x1, x2) → (x1·cos − x2·sin, x1·sin + x2·cos) on the two halves of D.</summary>
    public Tensor Apply(Tensor x)
    {
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return cat([x1 * Cos - x2 * Sin, x1 * Sin + x2 * Cos], -1);
    }
}
