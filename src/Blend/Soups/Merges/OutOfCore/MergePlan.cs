using static TorchSharp.torch;

namespace Blend;

/// <summary>One tensor of an input model: the model's index in <see cref="MergePlan.Models"/> and the tensor's name there.</summary>
/// <param name="Model">Index of the model folder.</param>
/// <param name="Name">Tensor name in that folder.</param>
internal sealed record TensorSource(int Model, string Name);

/// <summary>How one output tensor is made: a method, its inputs (and base), their λ, the output dtype and shape.</summary>
/// <param name="Output">The tensor's name in the merged model.</param>
/// <param name="Method">The merge method, with this tensor's parameters (and <see cref="MergeMethod.Extrapolation"/> as configured).</param>
/// <param name="Experts">The inputs θᵢ, in order.</param>
/// <param name="Base">θ₀ for methods that use one (null otherwise).</param>
/// <param name="Lambdas">One λᵢ per input.</param>
/// <param name="DType">The output dtype.</param>
/// <param name="Shape">The output shape (every input has it).</param>
internal sealed record TensorJob(string Output, MergeMethod Method, IReadOnlyList<TensorSource> Experts, TensorSource? Base, IReadOnlyList<double> Lambdas, ScalarType DType, IReadOnlyList<long> Shape);

/// <summary>A whole out-of-core merge, checked before any tensor is read: the input folders, one job per output tensor in
/// output order, where config.json and the tokenizer come from, and the output's layer count when slices changed it.</summary>
/// <param name="Models">The input model folders.</param>
/// <param name="Jobs">One job per output tensor.</param>
/// <param name="ConfigSource">The folder whose config.json (and generation_config.json) is copied.</param>
/// <param name="TokenizerSource">The folder whose tokenizer files are copied (null: none).</param>
/// <param name="LayerCount">The output's number of layers when it differs from the config source's (slices), else null.</param>
/// <param name="DType">The output dtype written into config.json's <c>torch_dtype</c> (null: unchanged).</param>
internal sealed record MergePlan(IReadOnlyList<string> Models, IReadOnlyList<TensorJob> Jobs, string ConfigSource, string? TokenizerSource, int? LayerCount, ScalarType? DType);
