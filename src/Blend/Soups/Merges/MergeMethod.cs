using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// A way to combine N models of one architecture with coefficients λ into one, tensor by tensor (rewarded soups'
/// θ = Σ λᵢ θᵢ and mergekit-style merges). Made by <see cref="Merge"/>; immutable.
/// </summary>
/// <remarks>
/// Every merge validates first (names, shapes and dtypes of every input against the first expert; the error names the
/// first mismatching tensor), rejects non-finite λ and, unless <see cref="AllowExtrapolation"/> was called, λ off the
/// simplex (negative, or not summing to 1). Floating-point tensors in fp16/bf16 are accumulated in fp32; integer
/// tensors (buffers) are copied from the first expert. Inputs are read one tensor at a time, so merging checkpoints on
/// disk never holds more than one model plus one tensor per expert.
/// </remarks>
public abstract record MergeMethod
{
    /// <summary>The method's name (<c>linear</c>, <c>task_arithmetic</c>, <c>ties</c>, <c>dare</c>, <c>slerp</c>).</summary>
    public abstract string Name { get; }

    /// <summary>True when λ may leave the simplex (negative entries, or a sum other than 1); default false.</summary>
    public bool Extrapolation { get; init; }

    /// <summary>The base model θ₀ of task-vector merges (null for methods that need none, or when a soup supplies it).</summary>
    public WeightSet? Base { get; init; }

    /// <summary>True when the method works on task vectors τᵢ = θᵢ − θ₀ and needs <see cref="Base"/>.</summary>
    public virtual bool NeedsBase => false;

    /// <summary>True when the method uses <see cref="Base"/> if one is given (always when <see cref="NeedsBase"/>).</summary>
    public virtual bool AcceptsBase => NeedsBase;

    /// <summary>The number of experts the method accepts (null: any number ≥ 1).</summary>
    public virtual int? ExpertCount => null;

    /// <summary>A copy that accepts λ off the simplex (negative entries or sums other than 1).</summary>
    public MergeMethod AllowExtrapolation() => this with { Extrapolation = true };

    /// <summary>A copy that uses <paramref name="baseModel"/> as θ₀ (task arithmetic, TIES, DARE).</summary>
    public MergeMethod WithBase(WeightSet baseModel)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        return this with { Base = baseModel };
    }

    /// <summary>Computes the merge of <paramref name="experts"/> with coefficients λ into <paramref name="target"/>'s tensors, in place.</summary>
    /// <param name="target">A writable set (e.g. <see cref="WeightSet.FromModule"/>) with the experts' names, shapes and dtypes.</param>
    /// <param name="experts">The models θᵢ (in memory or lazily read from files).</param>
    /// <param name="lambdas">One coefficient λᵢ per expert.</param>
    /// <exception cref="ArgumentException">A name, shape or dtype differs (the message names the tensor), or λ is invalid.</exception>
    public void Into(WeightSet target, IReadOnlyList<WeightSet> experts, IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsWritable) throw new ArgumentException($"{Name} merge: the target '{target.Label}' is read-only (use WeightSet.FromModule on a model).");
        Validate(experts, lambdas, target);
        using var noGrad = no_grad();
        foreach (var info in experts[0].Tensors)
        {
            using var scope = NewDisposeScope();
            var live = target.ReadLive(info.Name);
            var device = live.device;
            if (!IsFloating(info.DType))
            {
                live.copy_(experts[0].Read(info.Name, device));
                continue;
            }
            bool lowPrecision = info.DType is ScalarType.Float16 or ScalarType.BFloat16;
            var acc = lowPrecision ? empty(live.shape, ScalarType.Float32, device) : live;
            var inputs = new TensorInputs(experts, Base, info.Name, device);
            MergeTensor(acc, inputs, lambdas);
            if (lowPrecision) live.copy_(acc);
        }
    }

    /// <summary>Computes the merge into <paramref name="target"/>'s parameters and buffers, in place.</summary>
    public void Into(nn.Module target, IReadOnlyList<WeightSet> experts, IReadOnlyList<double> lambdas) =>
        Into(WeightSet.FromModule(target), experts, lambdas);

    /// <summary>Computes the merge into new tensors on <paramref name="device"/> (allocates one model's worth of memory).</summary>
    /// <returns>A writable set that owns its tensors (dispose them when done).</returns>
    public WeightSet Apply(IReadOnlyList<WeightSet> experts, IReadOnlyList<double> lambdas, Device? device = null)
    {
        Validate(experts, lambdas, null);
        var dev = device ?? BlendRuntime.Device;
        var tensors = experts[0].Tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, empty(t.Shape.ToArray(), t.DType, dev))).ToList();
        var target = WeightSet.FromTensors(tensors, Name + " merge");
        Into(target, experts, lambdas);
        return target;
    }

    /// <summary>Checks experts, base, target and λ without computing anything.</summary>
    /// <exception cref="ArgumentException">The first problem found, naming the tensor or the λ entry.</exception>
    public void Validate(IReadOnlyList<WeightSet> experts, IReadOnlyList<double> lambdas, WeightSet? target = null)
    {
        ArgumentNullException.ThrowIfNull(experts);
        ArgumentNullException.ThrowIfNull(lambdas);
        if (experts.Count == 0) throw new ArgumentException($"{Name} merge: no experts given.");
        if (ExpertCount is int n && experts.Count != n) throw new ArgumentException($"{Name} merge takes exactly {n} experts, got {experts.Count}.");
        if (NeedsBase && Base is null) throw new ArgumentException($"{Name} merge needs a base model θ₀: pass it to the Merge factory, call WithBase(...), or Soup.Base(...).");
        if (lambdas.Count != experts.Count) throw new ArgumentException($"{Name} merge: {lambdas.Count} lambdas for {experts.Count} experts.");
        for (int i = 0; i < lambdas.Count; i++)
            if (!double.IsFinite(lambdas[i])) throw new ArgumentException($"{Name} merge: lambda[{i}] = {lambdas[i]} is not finite.");
        if (!Extrapolation) CheckInterpolation(lambdas);
        var others = experts.Skip(1).ToList();
        if (Base is not null) others.Add(Base);
        if (target is not null) others.Add(target);
        WeightSetCheck.Compatible(Name + " merge", experts[0], others);
    }

    /// <summary>Rejects λ that is not an interpolation for this method (default: λᵢ ≥ 0 and Σ λᵢ = 1).</summary>
    protected virtual void CheckInterpolation(IReadOnlyList<double> lambdas) => CheckSimplex(lambdas);

    /// <summary>Rejects λ off the simplex: a negative entry, or a sum other than 1.</summary>
    protected void CheckSimplex(IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        for (int i = 0; i < lambdas.Count; i++)
            if (lambdas[i] < 0) throw new ArgumentException($"{Name} merge: lambda[{i}] = {lambdas[i]} is negative (extrapolation); call AllowExtrapolation() to permit it.");
        double sum = lambdas.Sum();
        if (Math.Abs(sum - 1) > 1e-6) throw new ArgumentException($"{Name} merge: lambdas sum to {sum}, not 1 (off the simplex); call AllowExtrapolation() to permit it.");
    }

    /// <summary>Computes one tensor into <paramref name="acc"/> (fp32 or the target's own dtype) from the inputs' tensors of the same name.</summary>
    private protected abstract void MergeTensor(Tensor acc, TensorInputs inputs, IReadOnlyList<double> lambdas);

    static bool IsFloating(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>Reads the experts' (and base's) tensor of one name, on demand, onto the target's device.</summary>
    private protected sealed class TensorInputs(IReadOnlyList<WeightSet> experts, WeightSet? baseSet, string name, Device device)
    {
        public int Count => experts.Count;
        public string Name => name;
        public Device Device => device;

        /// <summary>Expert i's tensor (owned by the caller's dispose scope).</summary>
        public Tensor Expert(int i) => experts[i].Read(name, device);

        /// <summary>Expert i's tensor in fp32 (a copy for other dtypes).</summary>
        public Tensor ExpertFloat(int i) => ToFloat(Expert(i));

        /// <summary>The base tensor θ₀ in fp32.</summary>
        public Tensor BaseFloat() => ToFloat((baseSet ?? throw new InvalidOperationException("no base")).Read(name, device));

        static Tensor ToFloat(Tensor t) => t.dtype == ScalarType.Float32 || t.dtype == ScalarType.Float64 ? t : t.to_type(ScalarType.Float32);
    }
}
