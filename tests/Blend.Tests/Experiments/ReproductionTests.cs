using Xunit.Abstractions;

using Blend.Cli.Repro;

namespace Blend.Tests.Experiments;

/// <summary>
/// The reduced (one seed, small budget) versions of the two reproductions; each asserts the direction of the paper's claims
/// at a fixed seed. The full runs are `blend repro cgpo|soups` (tables in notebooks/results/).
/// </summary>
[Collection("Torch")]
public class ReproductionTests(ITestOutputHelper output)
{
    [Fact]
    public void Ppo_hacks_the_proxy_reward_while_crpg_with_judges_keeps_the_true_score()
    {
        var result = RewardHackingExperiment.Run(RepoRoot.Data("tasks"), RewardHackingOptions.Smoke);
        output.WriteLine(result.ToMarkdown());
        var claims = result.Claims();
        Assert.True(claims.PpoProxyRose, "PPO did not raise the proxy reward");
        Assert.True(claims.PpoTrueFell, "PPO's true score did not fall on any task (no hacking)");
        Assert.True(claims.CgpoTrueHeld, "CRPG's true score fell by more than 0.05 on some task");
        Assert.True(claims.CgpoBeatsPpo, "CRPG did not end with a higher true score than PPO");
        // Hacking is the length flaw: PPO's responses grow, CRPG's stay within the judges' bounds.
        int last = result.Steps[^1];
        Assert.True(result.Stat("ppo", "chat", last, p => p.Length).Mean > result.Stat("crpg", "chat", last, p => p.Length).Mean);
    }

    [Fact]
    public void Soup_front_matches_morl_without_a_barrier_and_the_different_init_control_has_a_loss_barrier()
    {
        var result = SoupsExperiment.Run(RepoRoot.Data("tasks"), SoupsExperimentOptions.Smoke);
        output.WriteLine(result.ToMarkdown());
        Assert.True(result.FrontCloseToMorl, "soup hypervolume below 0.9 × MORL's");
        Assert.True(result.NoBarrier, "the soup path dips below the straight line between the experts");
        // The different-init control's barrier shows in the NLL of gold texts, far above the soup's (≈ 0.9 vs 0). Its averaged
        // reward gap does not reliably fall below the soup's at this scale (ControlHasBarrier asks for both; the committed full
        // run in notebooks/results/soups reports "no" for that half on all three seeds), so only the loss barrier is asserted.
        Assert.True(result.ControlLossBarriers.Average() > result.SoupLossBarriers.Average() + 0.1, "the different-init control shows no NLL barrier");
        Assert.True(result.Seeds[0].Path.Sweep.Front.Count >= 3, "the soup front has fewer than 3 non-dominated points");
    }
}
