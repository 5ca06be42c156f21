namespace Blend.Tests.Soups;

public class InterpolationPathTests
{
    [Fact]
    public void Gaps_are_measured_against_the_straight_line_between_the_endpoints()
    {
        // R at λ = 0, 0.5, 1: 1.0, 0.4, 0.0 → line at 0.5 is 0.5, gap −0.1. NLL 2, 3, 4 → line 3, gap 0; NLL 2, 3.5, 4 → barrier 0.5.
        var points = new List<SoupPoint>
        {
            new(0, [1.0, 0.0], [1.0, 0.0]) { Nll = 2 },
            new(1, [0.5, 0.5], [0.4, 0.7]) { Nll = 3.5 },
            new(2, [0.0, 1.0], [0.0, 1.0]) { Nll = 4 },
        };
        var sweep = new SoupSweep
        {
            Experts = ["a", "b"], Objectives = ["r1", "r2"], Method = "linear", Points = points,
            Front = ParetoFront.Of(points.Select(p => p.Rewards).ToList()), HypervolumeReference = [0, 0], Hypervolume = 0,
            Prompts = 1, SamplesPerPrompt = 1, Seed = 0, Seconds = 0,
        };
        var path = InterpolationPath.From(sweep);
        Assert.Equal(-0.1, path.RewardGaps[0][1], 12);
        Assert.Equal(0.2, path.RewardGaps[1][1], 12);
        Assert.Equal(0, path.RewardGaps[0][0], 12);
        Assert.Equal(0.5, path.LossBarrier!.Value, 12);
        Assert.Equal(-0.1, path.MinRewardGap[0], 12);
        var frame = path.Frame;
        Assert.Contains("gap_r1", frame.ColumnKeys);
        Assert.Contains("gap_nll", frame.ColumnKeys);
        Assert.Equal(3, frame.RowCount);
    }
}
