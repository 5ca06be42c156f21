using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Blend;

/// <summary>
/// Supervised fine-tuning of a <see cref="Policy"/> on (prompt, gold response) pairs: response-only cross-entropy in the chat
/// layout, AdamW with linear warmup and cosine decay, gradient clipping and accumulation, periodic held-out loss, seeded data
/// order, metrics streamed through <see cref="IProgress{T}"/>.
/// </summary>
/// <remarks>
/// A NaN or infinite loss or gradient norm stops the run with an <see cref="InvalidOperationException"/> before the update
/// is applied; checkpoints (when <see cref="SftOptions.CheckpointDir"/> is set) are only written after finite steps, so the
/// last good one survives.
/// </remarks>
/// <example><code>var train = SyntheticTasks.LoadShipped("data/tasks", "train", ["math"]);
/// var test = SyntheticTasks.LoadShipped("data/tasks", "test", ["math"]);
/// var result = Sft.Train(policy, train, test, new SftOptions { Steps = 300 }, new Progress&lt;SftStep&gt;(s => Console.WriteLine(s)));</code></example>
public static class Sft
{
    /// <summary>Fine-tunes <paramref name="policy"/> on the gold responses of <paramref name="train"/>; evaluates on <paramref name="eval"/> when given.</summary>
    /// <exception cref="ArgumentException">A prompt has no gold response (the message names its id), or a set is empty.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN/Inf (the message names the step and the last good checkpoint).</exception>
    public static SftResult Train(Policy policy, PromptSet train, PromptSet? eval = null, SftOptions? options = null, IProgress<SftStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Train(policy, Pairs(train, "train"), eval is null ? null : Pairs(eval, "eval"), options, progress);
    }

    /// <summary>Fine-tunes <paramref name="policy"/> on samples' (prompt, response) pairs; evaluates on <paramref name="eval"/> when given.</summary>
    public static SftResult Train(Policy policy, IReadOnlyList<Sample> train, IReadOnlyList<Sample>? eval = null, SftOptions? options = null, IProgress<SftStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Train(policy, train.Select(s => (s.Prompt, s.Response)).ToList(), eval?.Select(s => (s.Prompt, s.Response)).ToList(), options, progress);
    }

    /// <summary>Mean response-token cross-entropy (nats) of gold responses under <paramref name="policy"/>.</summary>
    public static double Loss(Policy policy, PromptSet set, int batchSize = 32, int maxExamples = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var examples = Encode(policy, Pairs(set, "set"));
        return EvalLoss(policy, examples.Take(maxExamples).ToList(), batchSize);
    }

    static SftResult Train(Policy policy, List<(string Prompt, string Response)> train, List<(string Prompt, string Response)>? eval, SftOptions? options, IProgress<SftStep>? progress)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var o = (options ?? new SftOptions()).Validate();
        if (policy.IsFrozen) throw new InvalidOperationException("Sft.Train: the policy is frozen (a reference model); train a Clone() instead.");
        if (train.Count == 0) throw new ArgumentException("Sft.Train: the training set is empty.");
        if (o.Lora is { } lora && LoraAdapter.Of(policy) is null) LoraAdapter.Attach(policy, lora);
        // A LoRA run checkpoints its adapter, tied to the frozen base by its fingerprint (LoraCheckpoint).
        string? loraBase = LoraAdapter.Of(policy) is not null && (o.CheckpointDir is not null || o.ResumeFrom is not null) ? LoraCheckpoint.BaseFingerprint(policy) : null;
        var examples = Encode(policy, train);
        var evalExamples = eval is null || eval.Count == 0 ? null : Encode(policy, eval).Take(o.EvalExamples).ToList();
        BlendRuntime.Seed(o.Seed);
        var rng = BlendRuntime.Random(o.Seed, "sft/order");
        var model = policy.Model;
        var named = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var decay = named.Where(p => p.parameter.dim() >= 2).Select(p => p.parameter).ToList();
        var noDecay = named.Where(p => p.parameter.dim() < 2).Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(decay, o.LearningRate, o.Beta1, o.Beta2, 1e-8, o.WeightDecay, false, false),
                new AdamW.ParamGroup(noDecay, o.LearningRate, o.Beta1, o.Beta2, 1e-8, 0.0, false, false),
            ], o.LearningRate, o.Beta1, o.Beta2, 1e-8, o.WeightDecay);
        var parameters = named.Select(p => p.parameter).ToList();

        var steps = new List<SftStep>();
        var clock = Stopwatch.StartNew();
        double? initialEval = evalExamples is null ? null : EvalLoss(policy, evalExamples, o.BatchSize);
        int lastGood = 0;
        var order = new List<int>();
        int cursor = 0;
        bool timedOut = false;
        int start = o.ResumeFrom is null ? 0 : SftCheckpoint.Restore(o.ResumeFrom, policy, optimizer, o, examples.Count, loraBase);
        // Replay the data order of the restored steps: the shuffles are the only random draws between updates.
        for (int i = 0; i < start * o.GradientAccumulation * o.BatchSize; i++)
        {
            if (cursor >= order.Count) { order = Shuffle(examples.Count, rng); cursor = 0; }
            cursor++;
        }
        if (o.ResumeFrom is not null && o.CheckpointDir is not null && Path.GetFullPath(o.ResumeFrom) == Path.GetFullPath(o.CheckpointDir)) lastGood = start;
        model.train();
        for (int step = start + 1; step <= o.Steps; step++)
        {
            double lr = Schedule(step, o);
            foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
            optimizer.zero_grad();
            double lossSum = 0;
            int tokens = 0;
            var micro = new List<List<Example>>();
            for (int m = 0; m < o.GradientAccumulation; m++)
            {
                var batch = new List<Example>(o.BatchSize);
                while (batch.Count < o.BatchSize)
                {
                    if (cursor >= order.Count) { order = Shuffle(examples.Count, rng); cursor = 0; }
                    batch.Add(examples[order[cursor++]]);
                }
                micro.Add(batch);
            }
            int totalTokens = micro.Sum(b => b.Sum(e => e.Ids.Length - e.ResponseStart));
            foreach (var batch in micro)
            {
                using var scope = NewDisposeScope();
                var (loss, n) = BatchLoss(policy, batch, sum: true);
                // Token-weighted mean over the whole accumulated batch.
                (loss / Math.Max(1, totalTokens)).backward();
                lossSum += loss.item<float>();
                tokens += n;
            }
            double meanLoss = lossSum / Math.Max(1, tokens);
            double gradNorm = o.GradClip > 0
                ? nn.utils.clip_grad_norm_(parameters, o.GradClip)
                : nn.utils.clip_grad_norm_(parameters, 1e30);
            if (!double.IsFinite(meanLoss) || !double.IsFinite(gradNorm))
            {
                optimizer.zero_grad();
                var where = o.CheckpointDir is null
                    ? "no checkpoint directory was given"
                    : lastGood > 0 ? $"the last good checkpoint (step {lastGood}) is in '{o.CheckpointDir}'" : "no checkpoint was saved yet";
                throw new InvalidOperationException(
                    $"Sft.Train: step {step}: the {(double.IsFinite(meanLoss) ? "gradient norm" : "loss")} is {(double.IsFinite(meanLoss) ? gradNorm : meanLoss)}; training stopped before applying the update ({where}). Lower LearningRate or check the data.");
            }
            optimizer.step();
            double? evalLoss = null;
            bool last = step == o.Steps || (o.MaxSeconds > 0 && clock.Elapsed.TotalSeconds >= o.MaxSeconds) || o.Cancellation.IsCancellationRequested;
            if (evalExamples is not null && (last || (o.EvalEvery > 0 && step % o.EvalEvery == 0)))
            {
                evalLoss = EvalLoss(policy, evalExamples, o.BatchSize);
                model.train();
            }
            if (o.CheckpointDir is not null && (last || (o.CheckpointEvery > 0 && step % o.CheckpointEvery == 0)))
            {
                SftCheckpoint.Save(o.CheckpointDir, policy, optimizer, o, step, examples.Count, loraBase);
                lastGood = step;
            }
            var record = new SftStep(step, meanLoss, evalLoss, lr, gradNorm, tokens, clock.Elapsed.TotalSeconds);
            steps.Add(record);
            progress?.Report(record);
            if (last && step < o.Steps) { timedOut = true; break; }
        }
        model.eval();
        double? finalEval = evalExamples is null ? null : steps[^1].EvalLoss ?? EvalLoss(policy, evalExamples, o.BatchSize);
        return new SftResult(steps, initialEval, finalEval, clock.Elapsed.TotalSeconds, timedOut);
    }

    /// <summary>Learning rate at a 1-based step: linear warmup to the peak, then cosine decay to the minimum.</summary>
    internal static double Schedule(int step, SftOptions o) =>
        LearningRateSchedule.Cosine(o.WarmupSteps, o.MinLearningRate).At(o.LearningRate, step, o.Steps);

    sealed record Example(long[] Ids, int ResponseStart);

    static List<(string, string)> Pairs(PromptSet set, string what)
    {
        ArgumentNullException.ThrowIfNull(set);
        var pairs = new List<(string, string)>(set.Count);
        for (int i = 0; i < set.Count; i++)
            pairs.Add((set[i].Text, set.Responses[i] ?? throw new ArgumentException($"Sft: {what} prompt '{set[i].Id}' has no gold response.")));
        return pairs;
    }

    static List<Example> Encode(Policy policy, List<(string Prompt, string Response)> pairs)
    {
        int ctx = policy.Config.ContextLength;
        var result = new List<Example>(pairs.Count);
        foreach (var (prompt, response) in pairs)
        {
            var chat = policy.Codec.EncodeChat(prompt, response);
            var promptIds = chat.PromptIds;
            var responseIds = chat.ResponseIds;
            if (chat.Ids.Count > ctx)
            {
                // Keep the response: truncate the prompt from the left (PromptTruncation); if the response alone is too long, cut its end.
                promptIds = PromptTruncation.KeepEnd(promptIds, Math.Max(PromptTruncation.MinTokens, ctx - responseIds.Count));
                responseIds = responseIds.Take(ctx - promptIds.Count).ToArray();
            }
            long[] ids = [.. promptIds.Select(i => (long)i), .. responseIds.Select(i => (long)i)];
            if (responseIds.Count >= 1) result.Add(new Example(ids, promptIds.Count));
        }
        if (result.Count == 0) throw new ArgumentException("Sft: no example has a response token within the context length.");
        return result;
    }

    /// <summary>Cross-entropy of a right-padded batch's response tokens: (sum or mean, token count).</summary>
    static (Tensor Loss, int Tokens) BatchLoss(Policy policy, List<Example> batch, bool sum)
    {
        int b = batch.Count, t = batch.Max(e => e.Ids.Length) - 1;
        var input = new long[b * t];
        var target = new long[b * t];
        Array.Fill(input, policy.Codec.Pad);
        Array.Fill(target, -100L);
        int tokens = 0;
        for (int i = 0; i < b; i++)
        {
            var e = batch[i];
            for (int j = 0; j < e.Ids.Length - 1; j++)
            {
                input[i * t + j] = e.Ids[j];
                if (j + 1 >= e.ResponseStart) { target[i * t + j] = e.Ids[j + 1]; tokens++; }
            }
        }
        var dev = policy.Device;
        var logits = policy.Model.forward(tensor(input, [b, t], device: dev));
        var loss = F.cross_entropy(logits.view(b * t, -1).to(ScalarType.Float32), tensor(target, [b * t], device: dev),
            ignore_index: -100, reduction: sum ? nn.Reduction.Sum : nn.Reduction.Mean);
        return (loss, tokens);
    }

    static double EvalLoss(Policy policy, List<Example> examples, int batchSize)
    {
        bool wasTraining = policy.Model.training;
        policy.Model.eval();
        try
        {
            using var noGrad = no_grad();
            double total = 0;
            long tokens = 0;
            for (int i = 0; i < examples.Count; i += batchSize)
            {
                using var scope = NewDisposeScope();
                var (loss, n) = BatchLoss(policy, examples.Skip(i).Take(batchSize).ToList(), sum: true);
                total += loss.item<float>();
                tokens += n;
            }
            return total / Math.Max(1, tokens);
        }
        finally { if (wasTraining) policy.Model.train(); }
    }

    static List<int> Shuffle(int n, Random rng)
    {
        var order = Enumerable.Range(0, n).ToList();
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
