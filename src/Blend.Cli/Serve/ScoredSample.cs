namespace Blend.Cli.Serve;

/// <summary>What the server (and <c>blend judge</c>) computes for one sample.</summary>
/// <param name="Sample">The sample as scored (task, prompt, response, reference, metadata).</param>
/// <param name="Verdicts">Each judge's verdict, in the task's judge order.</param>
/// <param name="Passed">True when every judge passed (CGPO's all-must-pass).</param>
/// <param name="Components">Each reward component's weighted value (the total is their sum).</param>
/// <param name="Total">The reward mixture's total, or null when scoring failed.</param>
/// <param name="Reward">The reward returned to the engine: the total (mixture mode) or the calibrated reward / penalty (constrained mode).</param>
/// <param name="Error">Why the sample could not be scored (its reward is then the task's penalty), or null.</param>
internal sealed record ScoredSample(Sample Sample, IReadOnlyList<Verdict> Verdicts, bool Passed, IReadOnlyDictionary<string, double> Components,
    double? Total, double Reward, string? Error);
