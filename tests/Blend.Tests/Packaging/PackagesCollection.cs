namespace Blend.Tests.Packaging;

/// <summary>Tests that build and run consumers of the packed packages (heavy processes: one at a time).</summary>
[CollectionDefinition("Packages", DisableParallelization = true)]
public sealed class PackagesCollection;
