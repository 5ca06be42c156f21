using System.CommandLine;

namespace Blend.Cli;

/// <summary><c>blend generate --model DIR --prompt TEXT [--chat] [--max-new-tokens N] [--temperature T]</c>: one completion from a model folder.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (Hugging Face layout or a Blend checkpoint).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The prompt text.", Required = true };
        var chat = new Option<bool>("--chat") { Description = "Lay the prompt out as a chat turn (the model's chat template when it has one) instead of continuing the raw text." };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate (default 64).", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 = greedy (default 0).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed (default 0).", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string?>("--dtype") { Description = "Weight dtype: fp32, bf16 or fp16 (default: the files')." };
        var cmd = new Command("generate", "Generate a completion of a prompt with a model folder.") { model, prompt, chat, maxNew, temperature, seed, dtype };
        cmd.SetAction(r => Run(r.GetValue(model), r.GetValue(prompt) ?? "", r.GetValue(chat), r.GetValue(maxNew), r.GetValue(temperature), r.GetValue(seed), r.GetValue(dtype)));
        return cmd;
    }

    static int Run(string? dir, string prompt, bool chat, int maxNew, double temperature, int seed, string? dtype)
    {
        if (maxNew < 1) return ModelFolder.Error(ModelFolder.BadInput, $"--max-new-tokens must be at least 1 (is {maxNew}).");
        if (!(temperature >= 0) || double.IsInfinity(temperature)) return ModelFolder.Error(ModelFolder.BadInput, $"--temperature must be a finite number ≥ 0 (is {temperature}).");
        var (policy, code) = ModelFolder.Load(dir, dtype);
        if (policy is null) return code;
        using (policy)
        {
            var options = new GenerationOptions { MaxNewTokens = maxNew, Greedy = temperature == 0, Temperature = temperature == 0 ? 1 : temperature, Seed = seed };
            var codec = policy.Codec;
            Generation g;
            if (chat) g = policy.Generate([prompt], options)[0];
            else
            {
                List<int> ids = codec.Bos >= 0 ? [codec.Bos] : [];
                ids.AddRange(codec.Encode(prompt));
                if (ids.Count == 0) return ModelFolder.Error(ModelFolder.BadInput, "--prompt is empty and the tokenizer has no BOS token to start from.");
                g = policy.GenerateFrom([ids], options)[0];
            }
            Console.WriteLine(g.Text);
            return 0;
        }
    }
}
