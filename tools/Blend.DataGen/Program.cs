using Blend;
using Blend.DataGen;

// Rewrites the generated part of data/: `dotnet run --project tools/Blend.DataGen -- data` (the argument is the data folder).
// data/tasks/*.jsonl are TaskGenerator.WriteShipped's output; data/preferences/synthetic.jsonl is PreferenceGenerator.Shipped().
// The tests (tests/Blend.Tests/Data/ShippedDataTests.cs) fail when data/ differs from what this writes.
if (args.Length != 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Blend.DataGen -- <data folder>   (rewrites tasks/*.jsonl and preferences/synthetic.jsonl)");
    return 2;
}
var data = args[0];
if (!Directory.Exists(data))
{
    Console.Error.WriteLine($"Blend.DataGen: data folder '{data}' does not exist.");
    return 2;
}
TaskGenerator.WriteShipped(Path.Combine(data, "tasks"));
PreferencePairs.Save(Path.Combine(data, "preferences", "synthetic.jsonl"), PreferenceGenerator.Shipped());
Console.WriteLine($"Blend.DataGen: wrote {Path.Combine(data, "tasks")} and {Path.Combine(data, "preferences", "synthetic.jsonl")}.");
return 0;
