using Deedle;

namespace Blend;

/// <summary>Builds the Deedle frame of step metrics (one row per step and task).</summary>
internal static class MetricsFrame
{
    public static Frame<int, string> Of(IReadOnlyList<StepMetrics> rows)
    {
        var builder = new FrameBuilder.Columns<int, string>();
        Add(builder, "step", rows.Select(r => (object)r.Step));
        Add(builder, "task", rows.Select(r => (object)r.Task));
        Add(builder, "optimizer", rows.Select(r => (object)r.Optimizer));
        Add(builder, "reward", rows.Select(r => r.Reward));
        Add(builder, "calibrated_reward", rows.Select(r => r.CalibratedReward));
        Add(builder, "pass_rate", rows.Select(r => r.PassRate));
        foreach (var judge in rows.SelectMany(r => r.Judges.Select(j => j.Judge)).Distinct())
            Add(builder, "pass/" + judge, rows.Select(r => r.Judges.FirstOrDefault(j => j.Judge == judge)?.PassRate ?? double.NaN));
        Add(builder, "judge_errors", rows.Select(r => (double)r.JudgeErrors));
        Add(builder, "kl", rows.Select(r => r.Kl));
        Add(builder, "length", rows.Select(r => r.Length));
        Add(builder, "entropy", rows.Select(r => r.Entropy));
        Add(builder, "loss", rows.Select(r => r.Loss));
        Add(builder, "updates", rows.Select(r => (double)r.Updates));
        Add(builder, "clip_fraction", rows.Select(r => r.ClipFraction));
        Add(builder, "approx_kl", rows.Select(r => r.ApproxKl));
        Add(builder, "stopped_early", rows.Select(r => r.StoppedEarly ? 1.0 : 0.0));
        Add(builder, "learning_rate", rows.Select(r => r.LearningRate));
        Add(builder, "skipped", rows.Select(r => (double)r.Skipped));
        Add(builder, "fallbacks", rows.Select(r => (double)r.Fallbacks));
        Add(builder, "grad_norm", rows.Select(r => r.GradNorm));
        Add(builder, "generate_s", rows.Select(r => r.GenerateSeconds));
        Add(builder, "judge_s", rows.Select(r => r.JudgeSeconds));
        Add(builder, "score_s", rows.Select(r => r.ScoreSeconds));
        Add(builder, "update_s", rows.Select(r => r.UpdateSeconds));
        return builder.Frame;
    }

    static void Add(FrameBuilder.Columns<int, string> builder, string name, IEnumerable<double> values)
    {
        var series = new SeriesBuilder<int, double>();
        int i = 0;
        foreach (var v in values) series.Add(i++, v);
        builder.Add(name, series.Series);
    }

    static void Add(FrameBuilder.Columns<int, string> builder, string name, IEnumerable<object> values)
    {
        var series = new SeriesBuilder<int, object>();
        int i = 0;
        foreach (var v in values) series.Add(i++, v);
        builder.Add(name, series.Series);
    }
}
