using TorchSharp;
using static TorchSharp.torch;

namespace Blend.Tests.Cgpo;

/// <summary>
/// The tiny SFT policy of the CGPO direction test: a 2-layer, width-64 GPT trained from scratch on the shipped synthetic
/// tasks' gold responses (response-only cross-entropy, AdamW, 400 steps of 16), built once per test process. Deliberately
/// short of convergence: it leaves format slips, false refusals and ~40 % IFEval passes for CGPO to fix (a fully
/// converged 2×64 model has nothing left to gain on math, whose sums it cannot compute).
/// </summary>
internal static class TinySft
{
    public const int Seed = 7;

    static readonly Lazy<Built> Instance = new(Build);

    public static Blend.Policy Policy => Instance.Value.Policy;

    public static double Seconds => Instance.Value.Seconds;

    public static double CpuSeconds => Instance.Value.CpuSeconds;

    public static double FirstLoss => Instance.Value.FirstLoss;

    public static double LastLoss => Instance.Value.LastLoss;

    public static PromptSet Train(string task) => PromptSet.Load(RepoRoot.Data($"tasks/{task}.train.jsonl"));

    public static PromptSet Test(string task) => PromptSet.Load(RepoRoot.Data($"tasks/{task}.test.jsonl"));

    sealed record Built(Blend.Policy Policy, double Seconds, double FirstLoss, double LastLoss)
    {
        public double CpuSeconds { get; init; }
    }

    /// <summary>Builds the policy, or loads it from <c>BLEND_TINY_SFT_CACHE</c> when that folder holds one (measurement runs only).</summary>
    static Built Build()
    {
        var cache = Environment.GetEnvironmentVariable("BLEND_TINY_SFT_CACHE");
        if (!string.IsNullOrEmpty(cache) && File.Exists(Path.Combine(cache, "config.json")))
            return new Built(Blend.Policy.Load(cache), 0, double.NaN, double.NaN);
        var built = Train();
        if (!string.IsNullOrEmpty(cache)) built.Policy.Save(cache);
        return built;
    }

    static Built Train()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var tasks = SyntheticTasks.Tasks;
        var train = tasks.Select(Train).ToList();
        var corpus = train.Concat(tasks.Select(Test)).SelectMany(s => s.Select(i => i.Text).Concat(s.Responses.Select(r => r ?? "")));
        var codec = TextCodec.Cl100k().Compact(corpus);
        var policy = Blend.Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 96 }, Seed);
        // Roughly balanced pairs: up to 400 per task (all of instructions, chat and safety; a third of math).
        var pairs = train.SelectMany(s => s.Take(400).Select((item, i) => (Prompt: codec.EncodeChat(item.Text).PromptIds, Response: codec.EncodeResponse(s.Responses[i]!)))).ToList();
        var parameters = policy.Model.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, lr: 3e-3, weight_decay: 0.0);
        var random = BlendRuntime.Random(Seed, "tiny-sft");
        double first = double.NaN, last = double.NaN;
        const int steps = 400, batch = 16;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var picked = Enumerable.Range(0, batch).Select(_ => pairs[random.Next(pairs.Count)]).ToList();
            var scores = policy.Score(picked.Select(p => p.Prompt).ToList(), picked.Select(p => p.Response).ToList());
            var loss = -scores.SequenceLogProbs.sum() / scores.Mask.sum();
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            double value = loss.item<float>();
            if (step == 0) first = value;
            last = value;
        }
        return new Built(policy, clock.Elapsed.TotalSeconds, first, last) { CpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds };
    }
}
