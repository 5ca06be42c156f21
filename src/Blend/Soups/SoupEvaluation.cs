using static TorchSharp.torch;

namespace Blend;

/// <summary>Scores a policy the way a soup sweep does: sample responses with a fixed seed, average each objective; NLL of gold texts.</summary>
internal static class SoupEvaluation
{
    /// <summary>Mean reward per objective over <paramref name="samplesPerPrompt"/> responses per prompt (one rollout, prompt-major).</summary>
    public static double[] Rewards(Policy policy, PromptSet prompts, IReadOnlyList<SoupObjective> objectives, GenerationOptions generation, int samplesPerPrompt, TimeSpan deadline)
    {
        var samples = Rollout.Of(policy).Scoring(PolicyScoring.None).Named("Soup evaluation").Generate(prompts, samplesPerPrompt, generation).Samples;
        var values = Scores(objectives, samples, deadline);
        var means = new double[objectives.Count];
        for (int o = 0; o < objectives.Count; o++)
        {
            var covered = values[o].Where(v => v is not null).Select(v => v!.Value).ToList();
            if (covered.Count == 0) throw new InvalidOperationException($"Objective '{objectives[o].Name}': no evaluation sample has a score (the mixture component covers none of the prompts' tasks).");
            means[o] = covered.Average();
            if (!double.IsFinite(means[o])) throw new InvalidOperationException($"Objective '{objectives[o].Name}': mean reward is {means[o]} (a score is not finite).");
        }
        return means;
    }

    /// <summary>Per objective, per sample: the reward's score, or a mixture component's raw score (null where the component does not cover the sample's task).</summary>
    /// <remarks>Each reward call has <paramref name="deadline"/> per batch (see <see cref="Deadline"/>); a late one throws <see cref="DeadlineExceededException"/> naming the objective.</remarks>
    public static double?[][] Scores(IReadOnlyList<SoupObjective> objectives, IReadOnlyList<Sample> samples, TimeSpan deadline)
    {
        var result = new double?[objectives.Count][];
        var breakdowns = new Dictionary<RewardMixture, RewardBreakdown>(ReferenceEqualityComparer.Instance);
        for (int o = 0; o < objectives.Count; o++)
        {
            if (objectives[o].Component is string component && objectives[o].Reward is RewardMixture mixture)
            {
                if (!breakdowns.TryGetValue(mixture, out var breakdown))
                    breakdowns[mixture] = breakdown = Call(objectives[o], () => mixture.Evaluate(samples), deadline);
                result[o] = breakdown.Component(component).Raw.ToArray();
                continue;
            }
            var reward = objectives[o].Reward;
            var scores = Call(objectives[o], () => reward.Score(samples), deadline);
            if (scores.Count != samples.Count) throw new InvalidOperationException($"Objective '{objectives[o].Name}': reward returned {scores.Count} scores for {samples.Count} samples.");
            result[o] = scores.Select(x => (double?)x).ToArray();
        }
        return result;
    }

    static T Call<T>(SoupObjective objective, Func<T> call, TimeSpan deadline) => Rewarding.Call($"Objective '{objective.Name}'", objective.Reward, call, deadline);

    /// <summary>Mean per-token negative log-likelihood of <c>response [EOS]</c> given the prompt, over the texts' gold responses.</summary>
    public static double Nll(Policy policy, PromptSet texts, int batch = 64)
    {
        double total = 0, tokens = 0;
        using var noGrad = no_grad();
        for (int start = 0; start < texts.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batch, texts.Count - start);
            var prompts = Enumerable.Range(start, n).Select(i => texts[i].Text).ToList();
            var responses = Enumerable.Range(start, n).Select(i => texts.Responses[i] ?? texts[i].Reference
                ?? throw new ArgumentException($"Loss texts: item '{texts[i].Id}' has neither a response nor a reference.")).ToList();
            using var scores = policy.Score(prompts, responses);
            total -= scores.TokenLogProbs.sum().item<float>();
            tokens += scores.Mask.sum().item<float>();
        }
        return tokens == 0 ? 0 : total / tokens;
    }
}
