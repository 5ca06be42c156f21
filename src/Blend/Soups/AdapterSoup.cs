using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A rewarded soup of LoRA adapters fine-tuned from one base (Ramé et al. 2023, whose experts are LoRA adapters, one per
/// reward): θ(λ) = θ_base + Σᵢ λᵢ ΔWᵢ with ΔWᵢ = (αᵢ/rᵢ)·Bᵢ·Aᵢ, each adapter's weight delta on each target projection (a
/// projection no adapter targets keeps its base weight).
/// </summary>
/// <remarks>
/// <para>The deltas are interpolated, not A and B separately. A factorisation is not unique — B·R⁻¹ and R·A give the same ΔW
/// for any invertible r×r matrix R — so two adapters trained apart do not share a basis for their factors, and
/// (Σ λᵢBᵢ)(Σ λᵢAᵢ) = Σ λᵢ²BᵢAᵢ + Σ_{i≠j} λᵢλⱼBᵢAⱼ mixes in cross terms BᵢAⱼ that neither expert learned (λ = ½ halves each
/// expert's own update and adds noise). Interpolating ΔW is the weight interpolation of the merged experts
/// (Σλᵢ = 1: Σ λᵢ(θ_base + ΔWᵢ) = θ_base + Σ λᵢΔWᵢ), the operation whose linear mode connectivity the paper relies on.</para>
/// <para>Exactness: a λ of 0 skips its adapter and a λ of 1 adds its delta unscaled, so λ = (1, 0) and (0, 1) reproduce each
/// adapter's <see cref="LoraAdapter.Merge"/> bit for bit. Deltas are summed in float32 and rounded once to the base dtype.</para>
/// </remarks>
/// <example><code>using var soup = AdapterSoup.Of(sft, brevityAdapter, detailAdapter).Mix(0.3, 0.7);   // a plain policy</code></example>
public sealed partial record AdapterSoup
{
    AdapterSoup(Policy @base, IReadOnlyList<LoraAdapter> adapters)
    {
        Base = @base;
        Adapters = adapters;
        Scoring = Soup.Of(@base);
        Labels = [.. adapters.Select((_, i) => $"adapter{i}")];
    }

    /// <summary>The shared base policy (without an adapter).</summary>
    public Policy Base { get; }

    /// <summary>The experts' adapters, each attached to a copy of <see cref="Base"/>.</summary>
    public IReadOnlyList<LoraAdapter> Adapters { get; }

    /// <summary>
    /// A soup of <paramref name="adapters"/> over <paramref name="base"/>. Each adapter's base must be <paramref name="base"/>:
    /// every weight it adapts must exist in <paramref name="base"/> with the same shape and the same values (checked here).
    /// </summary>
    /// <exception cref="ArgumentException">No adapter, a base that carries an adapter itself, or an adapter trained on another base (the message names it and the tensor).</exception>
    public static AdapterSoup Of(Policy @base, params LoraAdapter[] adapters)
    {
        ArgumentNullException.ThrowIfNull(@base);
        ArgumentNullException.ThrowIfNull(adapters);
        if (adapters.Length == 0) throw new ArgumentException("AdapterSoup.Of: give at least one adapter.", nameof(adapters));
        if (LoraAdapter.Of(@base) is not null) throw new ArgumentException("AdapterSoup.Of: the base policy carries a LoRA adapter itself; pass the plain base (or merge its adapter first).", nameof(@base));
        var baseWeights = @base.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        for (int i = 0; i < adapters.Length; i++)
        {
            var a = adapters[i] ?? throw new ArgumentNullException(nameof(adapters), $"AdapterSoup.Of: adapter {i} is null.");
            foreach (var layer in a.Layers)
            {
                var name = layer.ParameterPrefix + ".weight";
                if (!baseWeights.TryGetValue(name, out var w) || !w.shape.SequenceEqual(layer.BaseWeight.shape))
                    throw new ArgumentException($"AdapterSoup.Of: adapter {i} adapts '{a.ModulePath(layer)}' [{string.Join(",", layer.BaseWeight.shape)}], which the base {@base.Config.Architecture} model does not have with that shape.", nameof(adapters));
                if (!w.eq(layer.BaseWeight).all().item<bool>())
                    throw new ArgumentException($"AdapterSoup.Of: adapter {i} was trained on another base: its '{a.ModulePath(layer)}' weight differs from the base policy's.", nameof(adapters));
            }
        }
        return new AdapterSoup(@base, adapters);
    }

    /// <summary>
    /// A new policy θ_base + Σᵢ λᵢ ΔWᵢ (no adapter; save it as a normal checkpoint). The rewarded-soups interpolation uses
    /// λᵢ ≥ 0 with Σ λᵢ = 1; other weights (task arithmetic) are allowed.
    /// </summary>
    /// <exception cref="ArgumentException">Not one finite λ per adapter.</exception>
    public Policy Mix(params double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        if (lambdas.Length != Adapters.Count) throw new ArgumentException($"AdapterSoup.Mix: {lambdas.Length} λ for {Adapters.Count} adapters.", nameof(lambdas));
        for (int i = 0; i < lambdas.Length; i++)
            if (!double.IsFinite(lambdas[i])) throw new ArgumentException($"AdapterSoup.Mix: λ[{i}] is {lambdas[i]}.", nameof(lambdas));
        return LoraAdapter.AddDeltas(Base.CloneBase(), Adapters.Select((a, i) => (a, lambdas[i])).ToList());
    }

    /// <summary>Sets <paramref name="target"/> (a copy of <see cref="Base"/>) to θ_base + Σᵢ λᵢ ΔWᵢ in place: every adapted weight is reset from the base first.</summary>
    internal void MixInto(Policy target, IReadOnlyList<double> lambdas)
    {
        var baseWeights = Base.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var weights = target.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var prefix in Adapters.SelectMany(a => a.Layers.Select(l => l.ParameterPrefix)).Distinct())
                weights[prefix + ".weight"].copy_(baseWeights[prefix + ".weight"]);
        LoraAdapter.AddDeltas(target, Adapters.Select((a, i) => (a, lambdas[i])).ToList());
    }

    /// <inheritdoc />
    public override string ToString() => $"AdapterSoup({Adapters.Count} adapters over {Base})";
}
