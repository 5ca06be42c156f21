using System.CommandLine;
using System.Globalization;

namespace Blend.Cli;

/// <summary>
/// <c>blend adapter merge --base DIR --adapter DIR [--adapter DIR …] [--weights w1,w2,…] --out DIR</c>: merges PEFT LoRA
/// adapters (Blend's or PEFT's folders) into their base and saves a plain Hugging Face checkpoint: one adapter gives
/// W + (α/r)·B·A, several give their soup W + Σ λᵢ ΔWᵢ (<see cref="AdapterSoup"/>; default equal weights).
/// </summary>
internal static class AdapterCommand
{
    public static Command Create()
    {
        var baseModel = new Option<string>("--base") { Description = "The base model folder the adapters were trained on.", Required = true };
        var adapters = new Option<string[]>("--adapter") { Description = "A PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors); repeatable.", Required = true };
        var weights = new Option<string?>("--weights") { Description = "Comma-separated λ, one per adapter (default: 1 for one adapter, equal weights summing to 1 for several)." };
        var outDir = new Option<string>("--out") { Description = "The merged model folder (written atomically).", Required = true };
        var merge = new Command("merge", "Merge LoRA adapters into their base model and save a plain checkpoint.") { baseModel, adapters, weights, outDir };
        merge.SetAction(r => Merge(r.GetValue(baseModel)!, r.GetValue(adapters) ?? [], r.GetValue(weights), r.GetValue(outDir)!, r.InvocationConfiguration.Output));
        return new Command("adapter", "LoRA adapters in PEFT's layout.") { merge };
    }

    internal static int Merge(string baseDir, string[] adapterDirs, string? weights, string outDir, TextWriter output)
    {
        if (adapterDirs.Length == 0) throw new UsageException("--adapter DIR is required");
        double[] lambdas = weights is null
            ? adapterDirs.Length == 1 ? [1.0] : Enumerable.Repeat(1.0 / adapterDirs.Length, adapterDirs.Length).ToArray()
            : weights.Split(',').Select(w => double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
                ? x : throw new UsageException($"--weights: '{w}' is not a finite number")).ToArray();
        if (lambdas.Length != adapterDirs.Length) throw new UsageException($"--weights: {lambdas.Length} weights for {adapterDirs.Length} adapters");
        if (!Directory.Exists(baseDir)) throw new UsageException($"--base: folder '{baseDir}' does not exist");
        using var basePolicy = Policy.Load(baseDir);
        var hosts = new List<Policy>();
        try
        {
            var loaded = new List<LoraAdapter>();
            foreach (var dir in adapterDirs)
            {
                var host = basePolicy.Clone();
                hosts.Add(host);
                loaded.Add(LoraAdapter.Load(host, dir));
            }
            using var merged = AdapterSoup.Of(basePolicy, [.. loaded]).Mix(lambdas);
            merged.Save(outDir);
            output.WriteLine($"wrote {outDir}: {string.Join(" + ", loaded.Select((a, i) => string.Create(CultureInfo.InvariantCulture, $"{lambdas[i]:G4}·ΔW({adapterDirs[i]}, {a.Modules.Count} modules)")))} over {baseDir}");
            return ExitCodes.Ok;
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        finally
        {
            foreach (var h in hosts) h.Dispose();
        }
    }
}
