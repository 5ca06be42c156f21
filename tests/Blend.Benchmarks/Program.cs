// Benchmarks are not tests: each suite measures Blend next to a peer (PyTorch, a plain copy) in the same run.
//   dotnet run -c Release --project tests/Blend.Benchmarks -- <suite> [options]
using Blend.Benchmarks;

var suites = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["env"] = EnvSuite.Run,
    ["policy"] = PolicySuite.Run,
    ["llama"] = LlamaSuite.Run,
    ["soups"] = SoupsSuite.Run,
    ["merge"] = MergeSuite.Run,
    ["judges"] = JudgeSuite.Run,
    ["threads"] = ThreadPolicySuite.Run,
    ["serve"] = ServeSuite.Run,
};

if (args.Length == 0 || !suites.TryGetValue(args[0], out var run))
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/Blend.Benchmarks -- <suite> [options]");
    Console.WriteLine("suites: " + string.Join(", ", suites.Keys.Order()));
    return args.Length == 0 ? 0 : 2;
}
return run(args[1..]);
