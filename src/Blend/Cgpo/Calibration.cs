namespace Blend;

/// <summary>CGPO's calibration R_calib(s,a) = σ(r(s,a) − r(s,ā)) against a per-prompt baseline ā (CGPO §4.1, eq. 8; docs/cgpo.md#calibrated-reward).</summary>
internal static class Calibration
{
    /// <summary>σ(r − r̄), computed without overflow for large |r − r̄|.</summary>
    public static double Of(double reward, double baselineReward)
    {
        double x = reward - baselineReward;
        return x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));
    }
}
