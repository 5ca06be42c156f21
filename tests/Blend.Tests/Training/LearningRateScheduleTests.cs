namespace Blend.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_warms_up_linearly_then_holds_the_peak()
    {
        var s = LearningRateSchedule.Constant(warmupSteps: 2);
        Assert.Equal([5e-4, 1e-3, 1e-3, 1e-3], new[] { 1, 2, 3, 10 }.Select(t => s.At(1e-3, t, 10)));
        Assert.Equal(1e-3, LearningRateSchedule.Constant().At(1e-3, 1, 10));
    }

    [Fact]
    public void Cosine_decays_from_the_peak_to_the_minimum_at_the_last_step()
    {
        var s = LearningRateSchedule.Cosine(warmupSteps: 2, minLearningRate: 1e-4);
        // W = 2, T = 10: step 6 is half way through the decay, 1e-4 + ½·9e-4·(1 + cos(π/2)) = 5.5e-4
        Assert.Equal(5e-4, s.At(1e-3, 1, 10), 15);
        Assert.Equal(1e-3, s.At(1e-3, 2, 10), 15);
        Assert.Equal(5.5e-4, s.At(1e-3, 6, 10), 15);
        Assert.Equal(1e-4 + 0.5 * 9e-4 * (1 + Math.Cos(Math.PI * 0.25)), s.At(1e-3, 4, 10), 15);
        Assert.Equal(1e-4, s.At(1e-3, 10, 10), 15);
        Assert.Equal(1e-4, s.At(1e-3, 12, 10), 15);
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_field_named()
    {
        Assert.Contains("warmupSteps", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Cosine(warmupSteps: -1)).Message, StringComparison.Ordinal);
        Assert.Contains("minLearningRate", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Cosine(minLearningRate: double.NaN)).Message, StringComparison.Ordinal);
    }
}
