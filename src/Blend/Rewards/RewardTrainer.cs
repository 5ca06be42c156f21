using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>
/// The reward-model training loop, top to bottom: split pairs by prompt → encode once → for each step sample a batch, score
/// chosen and rejected in one forward pass, Bradley–Terry loss (+ margin, + centering), AdamW step with warmup + cosine
/// learning rate and gradient clipping → evaluate held-out accuracy every <see cref="RewardTrainingOptions.EvalEvery"/> steps.
/// </summary>
public static class RewardTrainer
{
    /// <summary>Trains <paramref name="model"/> in place on <paramref name="pairs"/> (a held-out part is split off by prompt).</summary>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite (names the step).</exception>
    public static RewardTrainingResult Train(RewardModel model, IReadOnlyList<PreferencePair> pairs, RewardTrainingOptions options, IProgress<RewardTrainingMetrics>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var split = PreferencePairs.Split(pairs, options.HeldOutFraction, options.Seed);
        if (split.Train.Count == 0) throw new ArgumentException("RewardTrainer: no training pairs left after the held-out split.", nameof(pairs));

        var train = split.Train.Select(p => (Chosen: model.Encode(p.Prompt, p.Chosen), Rejected: model.Encode(p.Prompt, p.Rejected), Margin: p.Margin ?? options.Margin)).ToArray();
        var rng = BlendRuntime.Random(options.Seed, "reward-trainer/batches");
        var order = Enumerable.Range(0, train.Length).ToArray();
        int cursor = order.Length;

        if (options.Lora is { } lora && LoraAdapter.Of(model.Backbone) is null) LoraAdapter.Attach(model.Backbone, lora);
        var parameters = model.Backbone.Model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        model.Backbone.Model.train();

        var history = new List<RewardTrainingMetrics>();
        var clock = Stopwatch.StartNew();
        double lossSum = 0, correct = 0;
        int seen = 0, stepsSinceLog = 0, step = 0;
        for (step = 1; step <= options.Steps; step++)
        {
            double lr = LearningRate(options, step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            var batch = new List<int>(options.BatchSize);
            for (int i = 0; i < Math.Min(options.BatchSize, train.Length); i++)
            {
                if (cursor >= order.Length) { rng.Shuffle(order); cursor = 0; }
                batch.Add(order[cursor++]);
            }

            using (var scope = NewDisposeScope())
            {
                var prompts = batch.Select(i => train[i].Chosen.Prompt).Concat(batch.Select(i => train[i].Rejected.Prompt)).ToList();
                var responses = batch.Select(i => train[i].Chosen.Response).Concat(batch.Select(i => train[i].Rejected.Response)).ToList();
                var rewards = model.Forward(prompts, responses);
                var chosen = rewards[..batch.Count];
                var rejected = rewards[batch.Count..];
                var margin = tensor(batch.Select(i => (float)train[i].Margin).ToArray(), device: rewards.device);
                var loss = BradleyTerry.Loss(chosen, rejected, margin, options.CenterRewardsCoefficient);
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                    throw new InvalidOperationException($"RewardTrainer: the loss is {value} at step {step} (learning rate {lr:G3}); lower RewardTrainingOptions.LearningRate or check the pairs.");
                optimizer.zero_grad();
                loss.backward();
                if (options.MaxGradNorm > 0) nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
                optimizer.step();
                lossSum += value * batch.Count;
                correct += (chosen > rejected).sum().item<long>();
                seen += batch.Count;
                stepsSinceLog++;
            }

            bool last = step == options.Steps || (options.MaxSeconds is double max && clock.Elapsed.TotalSeconds >= max);
            if (step % options.EvalEvery == 0 || last)
            {
                RewardEvaluation? held = split.HeldOut.Count > 0 ? model.Evaluate(split.HeldOut) : null;
                var metrics = new RewardTrainingMetrics(step, lossSum / seen, correct / seen, held?.Accuracy, held?.MeanMargin, lr, clock.Elapsed.TotalSeconds);
                history.Add(metrics);
                progress?.Report(metrics);
                lossSum = 0; correct = 0; seen = 0; stepsSinceLog = 0;
            }
            if (last) break;
        }
        model.Backbone.Model.eval();
        var heldOut = model.Evaluate(split.HeldOut);
        var trainEval = model.Evaluate(split.Train);
        clock.Stop();
        return new RewardTrainingResult(model, heldOut, trainEval, history, options) { Steps = Math.Min(step, options.Steps), Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>Linear warmup to the peak, then cosine decay to 10 % of the peak at the last step.</summary>
    internal static double LearningRate(RewardTrainingOptions o, int step) =>
        LearningRateSchedule.Cosine(o.WarmupSteps, 0.1 * o.LearningRate).At(o.LearningRate, step, o.Steps);
}
