namespace Blend;

/// <summary>
/// CGPO's calibration R_calib(s,a) = σ(r(s,a) − r(s,ā)) against a per-prompt baseline ā (Xu et al. 2024): the Bradley–Terry
/// probability that a beats ā. The one place it is computed; <see cref="CalibratedReward"/> and the CGPO trainer call it.
/// </summary>
internal static class Calibration
{
    /// <summary>σ(r − r̄), computed without overflow for large |r − r̄|.</summary>
    public static double Of(double reward, double baselineReward) => BradleyTerry.Probability(reward, baselineReward);
}
