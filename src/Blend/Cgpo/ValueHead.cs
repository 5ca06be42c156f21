namespace Blend;

/// <summary>Gives PPO a critic: a copy of a policy with a scalar value head on the same backbone.</summary>
internal static class ValueHead
{
    /// <summary>A copy of <paramref name="policy"/> with the same weights plus a zero-initialised value head (so V starts at 0).</summary>
    public static Policy Add(Policy policy, int seed)
    {
        return policy.Derive(policy.Config with { ValueHead = true }, seed, zeroNew: true);
    }
}
