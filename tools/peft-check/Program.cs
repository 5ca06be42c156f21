// peft-check: loads a PEFT-written LoRA adapter onto a random-init base built from a Hugging Face config.json, merges it,
// and writes the base and the merged model for check.py (an independent NumPy merge) to compare. See README.md.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blend;
using static TorchSharp.torch;

var args_ = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) return Usage($"unexpected argument '{args[i]}'");
    args_[args[i][2..]] = args[i + 1];
}
if (args.Length % 2 != 0) return Usage($"'{args[^1]}' has no value");
if (!args_.TryGetValue("adapter", out var adapterDir) || !args_.TryGetValue("config", out var configPath) || !args_.TryGetValue("out", out var outDir))
    return Usage("--adapter, --config and --out are required");
int seed = args_.TryGetValue("seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
var dtype = (args_.TryGetValue("dtype", out var d) ? d : "f32") switch
{
    "f32" => ScalarType.Float32,
    "bf16" => ScalarType.BFloat16,
    "f16" => ScalarType.Float16,
    var other => throw new ArgumentException($"--dtype: '{other}' is not f32, bf16 or f16"),
};

ModelConfig config;
try { config = HuggingFaceConfig.Read(configPath); }
catch (Exception e) when (e is FormatException or FileNotFoundException)
{
    Console.WriteLine($"REFUSED base config ({e.GetType().Name}): {e.Message}");
    return 3;
}
Console.WriteLine($"base: {config.Architecture} from {configPath}");
Directory.CreateDirectory(outDir);
var tokDir = Path.Combine(outDir, "byte-tokenizer");
var codec = ByteTokenizer(tokDir);

using var basePolicy = Policy.Create(codec, config, seed, dtype: dtype);
basePolicy.Save(Path.Combine(outDir, "base"), long.MaxValue);
using var host = basePolicy.Clone();
LoraAdapter adapter;
try { adapter = LoraAdapter.Load(host, adapterDir); }
catch (Exception e) when (e is FormatException or FileNotFoundException or InvalidOperationException)
{
    Console.WriteLine($"REFUSED ({e.GetType().Name}): {e.Message}");
    File.WriteAllText(Path.Combine(outDir, "refused.txt"), e.Message);
    return 3;
}
Console.WriteLine($"loaded: {adapter}");
using var merged = adapter.Merge();
merged.Save(Path.Combine(outDir, "merged"), long.MaxValue);

// The adapted forward (base + hook) against the merged model's, on a few ids.
long[] ids = [1, 5, 9, 2, 7, 3, 11, 4, 100, 200];
using (no_grad())
{
    host.Model.eval();
    merged.Model.eval();
    using var x = tensor(ids, [1, ids.Length]);
    using var a = host.Model.forward(x).to(ScalarType.Float64);
    using var b = merged.Model.forward(x).to(ScalarType.Float64);
    using var bs = basePolicy.Model.forward(x).to(ScalarType.Float64);
    double diff = (a - b).abs().max().item<double>(), moved = (a - bs).abs().max().item<double>();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"logits: max |adapted - merged| = {diff:G3}; max |adapted - base| = {moved:G3}"));
    File.WriteAllText(Path.Combine(outDir, "logits.json"), new JsonObject { ["adapted_vs_merged"] = diff, ["adapted_vs_base"] = moved }.ToJsonString());
}
File.WriteAllLines(Path.Combine(outDir, "modules.txt"), adapter.Modules);
Directory.Delete(tokDir, true);
return 0;

static int Usage(string why)
{
    Console.Error.WriteLine($"peft-check: {why}\nusage: PeftCheck --adapter ADAPTER_DIR --config BASE_CONFIG_JSON --out OUT_DIR [--seed N] [--dtype f32|bf16|f16]");
    return 2;
}

// A byte-level BPE tokenizer with no merges (256 ids): the base's tokenizer does not take part in merging, and this one
// fits under any vocabulary and can be saved with the checkpoint.
static TextCodec ByteTokenizer(string dir)
{
    Directory.CreateDirectory(dir);
    var vocab = new JsonObject();
    int n = 0;
    for (int b = 0; b < 256; b++)
    {
        bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        vocab[((char)(printable ? b : 256 + n++)).ToString()] = b;
    }
    var vocabPath = Path.Combine(dir, "vocab.json");
    var mergesPath = Path.Combine(dir, "merges.txt");
    File.WriteAllText(vocabPath, vocab.ToJsonString(), Encoding.UTF8);
    File.WriteAllText(mergesPath, "#version: 0.2\n");
    return TextCodec.Gpt2(vocabPath, mergesPath);
}
