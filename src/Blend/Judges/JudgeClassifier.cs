using TorchSharp;
using static TorchSharp.torch;

namespace Blend;

/// <summary>Settings of <see cref="JudgeClassifier.FineTune"/> (init-only; defaults documented per property).</summary>
public sealed record JudgeClassifierOptions
{
    /// <summary>How the model is asked (template and the violation/pass tokens); default <see cref="ModelJudgeOptions"/>'s.</summary>
    public ModelJudgeOptions Judge { get; init; } = new();

    /// <summary>Optimizer steps over the whole labeled set (full batch); default 60.</summary>
    public int Steps { get; init; } = 60;

    /// <summary>AdamW learning rate; default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;
}

/// <summary>The loss before and after fine-tuning, and the training-set accuracy of the resulting judge.</summary>
/// <param name="Losses">The cross-entropy over the two verdict tokens at every step.</param>
/// <param name="Accuracy">The fraction of labeled samples the fine-tuned judge gets right.</param>
public sealed record JudgeClassifierResult(IReadOnlyList<double> Losses, double Accuracy);

/// <summary>
/// The teaching example of CGPO's fine-tuned LLM judges (CGPO §3; docs/cgpo.md#judges, the false-refusal classifier): fine-tunes a
/// small Blend <see cref="Policy"/> so that, after the judge template, its next token is the violation token for labeled
/// violations and the pass token otherwise (cross-entropy restricted to the two tokens); then
/// <c>Judge.Model(name, policy, options.Judge)</c> is the judge.
/// </summary>
public static class JudgeClassifier
{
    /// <summary>Fine-tunes <paramref name="policy"/> in place on <paramref name="labeled"/> and returns the loss curve and accuracy.</summary>
    /// <exception cref="ArgumentException">The set is empty or the policy is frozen.</exception>
    public static JudgeClassifierResult FineTune(Policy policy, IReadOnlyList<LabeledSample> labeled, JudgeClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(labeled);
        if (labeled.Count == 0) throw new ArgumentException("JudgeClassifier.FineTune: the labeled set is empty.", nameof(labeled));
        if (policy.IsFrozen) throw new ArgumentException("JudgeClassifier.FineTune: the policy is frozen; fine-tune a Clone().", nameof(policy));
        options ??= new JudgeClassifierOptions();
        var judge = new ModelJudge("classifier", new PolicyScorer(policy), options.Judge);
        var codec = policy.Codec;
        var neg = codec.Encode(options.Judge.ViolationToken);
        var pos = codec.Encode(options.Judge.PassToken);
        var prompts = labeled.Select(l => (IReadOnlyList<int>)codec.EncodeChat(judge.Question(l.Sample)).PromptIds).ToList();
        // Each sample is scored twice: with the violation token and with the pass token.
        var allPrompts = prompts.Concat(prompts).ToList();
        var allResponses = labeled.Select(_ => neg).Concat(labeled.Select(_ => pos)).ToList();
        var target = tensor(labeled.Select(l => l.ExpectedPass ? 1L : 0L).ToArray(), device: policy.Device);
        using var optimizer = optim.AdamW(policy.Model.parameters(), lr: options.LearningRate);
        var losses = new List<double>();
        policy.Model.train();
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            using var scores = policy.Score(allPrompts, allResponses);
            var seq = scores.SequenceLogProbs;
            int n = labeled.Count;
            var logits = stack([seq[..n], seq[n..]], 1);           // [n, 2]: (violation, pass)
            var loss = nn.functional.cross_entropy(logits, target);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        policy.Model.eval();
        var verdicts = judge.Judge([.. labeled.Select(l => l.Sample)]);
        double accuracy = labeled.Zip(verdicts).Count(p => p.First.ExpectedPass == p.Second.Passed) / (double)labeled.Count;
        return new JudgeClassifierResult(losses, accuracy);
    }
}
