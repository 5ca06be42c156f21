using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Blend.Cli;

/// <summary><c>blend score --model DIR --prompt TEXT --response TEXT [--json]</c>: per-token log-probabilities of a response after a prompt (chat layout, response ending with EOS, as Blend trains and scores).</summary>
internal static class ScoreCommand
{
    public static System.CommandLine.Command Create()
    {
        var model = new System.CommandLine.Option<string>("--model") { Description = "Model folder (Hugging Face layout or a Blend checkpoint).", Required = true };
        var prompt = new System.CommandLine.Option<string>("--prompt") { Description = "The prompt text (laid out as a chat turn).", Required = true };
        var response = new System.CommandLine.Option<string>("--response") { Description = "The response text (followed by the end-of-turn token).", Required = true };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print JSON: every response token's id, text and log-probability, and their sum." };
        var dtype = new System.CommandLine.Option<string?>("--dtype") { Description = "Weight dtype: fp32, bf16 or fp16 (default: the files')." };
        var cmd = new System.CommandLine.Command("score", "Per-token log-probabilities of a response under a model folder.") { model, prompt, response, json, dtype };
        cmd.SetAction(r => Run(r.GetValue(model), r.GetValue(prompt) ?? "", r.GetValue(response) ?? "", r.GetValue(json), r.GetValue(dtype)));
        return cmd;
    }

    static int Run(string? dir, string prompt, string response, bool asJson, string? dtype)
    {
        var (policy, code) = ModelFolder.Load(dir, dtype);
        if (policy is null) return code;
        using (policy)
        {
            var codec = policy.Codec;
            var promptIds = codec.EncodeChat(prompt).PromptIds;
            var responseIds = codec.EncodeResponse(response);
            if (promptIds.Count + responseIds.Count > policy.Config.ContextLength)
                return ModelFolder.Error(ModelFolder.BadInput, $"prompt and response are {promptIds.Count + responseIds.Count} tokens, more than the model's context of {policy.Config.ContextLength}.");
            float[] logps;
            using (NewDisposeScope())
            using (no_grad())
            {
                using var scores = policy.Score([promptIds], [responseIds]);
                logps = scores.TokenLogProbs[0].cpu().data<float>().ToArray();
            }
            double sum = logps.Sum(x => (double)x);
            if (asJson)
            {
                var tokens = new JsonArray();
                for (int i = 0; i < responseIds.Count; i++)
                    tokens.Add(new JsonObject { ["id"] = responseIds[i], ["text"] = codec.Decode([responseIds[i]]), ["logprob"] = logps[i] });
                var result = new JsonObject
                {
                    ["model"] = Path.GetFullPath(dir!),
                    ["architecture"] = policy.Config.Architecture,
                    ["prompt_tokens"] = promptIds.Count,
                    ["tokens"] = tokens,
                    ["sum_logprob"] = sum,
                };
                Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                for (int i = 0; i < responseIds.Count; i++)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{responseIds[i],8} {logps[i],10:F4}  {JsonSerializer.Serialize(codec.Decode([responseIds[i]]))}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum {sum:F4} over {responseIds.Count} tokens"));
            }
            return 0;
        }
    }
}
