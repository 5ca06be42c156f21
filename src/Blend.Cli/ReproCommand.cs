using System.CommandLine;

namespace Blend.Cli;

/// <summary>
/// <c>blend repro cgpo|soups|late-hacking|math-hacking</c>: reproduce the papers' central claims at toy scale and write tables, plots and a markdown
/// summary into <c>--out</c> (default the scratch folder <c>out/repro/&lt;experiment&gt;</c>); the committed tables in
/// <c>notebooks/results/&lt;experiment&gt;</c> change only with <c>--update-results</c>.
/// </summary>
internal static class ReproCommand
{
    public static Command Create()
    {
        var cmd = new Command("repro", "Reproduce the papers' central claims at toy scale (tables, plots, markdown summary).");
        cmd.Subcommands.Add(Experiment("cgpo", "Reward hacking: PPO vs CGPO (CRPG, CRRAFT, CODPO) on a proxy reward with planted flaws.", Repro.CgpoRepro.Run));
        cmd.Subcommands.Add(Experiment("soups", "Rewarded soups: the soup front vs MORL on two conflicting rewards, and the different-init control.", Repro.SoupsRepro.Run));
        cmd.Subcommands.Add(Experiment("late-hacking", "Late hacking: CRPG without judges run long (600 steps) on the cgpo setup; when does the true score fall?", Repro.LateHackingRepro.Run));
        var padded = new Option<double?>("--sft-padded-fraction")
        {
            Description = "Fraction of the SFT answers padded with 1–3 answer sentences of other problems, so that the policy can reach the length flaw (default 0; the padded run writes notebooks/results/math-hacking-padded).",
        };
        cmd.Subcommands.Add(Experiment("math-hacking", "Reward hacking on math: PPO vs CRPG, CRRAFT, CODPO on a learned length-biased reward model, judged by the exact answer.", Repro.MathHackingRepro.Run, padded, math: true));
        return cmd;
    }

    static Command Experiment(string name, string description, Func<Repro.ReproSettings, int> run, Option<double?>? paddedFraction = null, bool math = false)
    {
        var steps = new Option<int?>("--steps") { Description = "RL steps per arm (default 60; a longer run writes <name>-<steps>-steps)." };
        var sftSteps = new Option<int?>("--sft-steps") { Description = "SFT steps of the policy (default 2400; another count writes <name>-sft-<steps>)." };
        var arms = new Option<string?>("--arms") { Description = $"Comma-separated arms (default all: {string.Join(",", Repro.MathHackingExperiment.KnownArms)})." };
        var outOption = new Option<string?>("--out") { Description = $"Output folder (default out/repro/{name}, a scratch folder)." };
        var update = new Option<bool>("--update-results") { Description = $"Also write the results into notebooks/results/{name} (the committed tables)." };
        var smoke = new Option<bool>("--smoke") { Description = "One seed and small budgets (what CI runs)." };
        var seeds = new Option<int?>("--seeds") { Description = "Number of seeds (default 3)." };
        var data = new Option<string?>("--data") { Description = "The data folder (default: the repo's data/)." };
        var cmd = new Command(name, description) { outOption, smoke, seeds, data, update };
        if (paddedFraction is not null) cmd.Options.Add(paddedFraction);
        if (math) { cmd.Options.Add(sftSteps); cmd.Options.Add(steps); cmd.Options.Add(arms); }
        cmd.SetAction(r =>
        {
            var fraction = paddedFraction is null ? null : r.GetValue(paddedFraction);
            if (fraction is { } f && (f is < 0 or > 1 || double.IsNaN(f)))
                throw new UsageException($"--sft-padded-fraction: {f.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a fraction in [0, 1].");
            int? stepCount = math ? r.GetValue(steps) : null;
            if (stepCount is < 1) throw new UsageException($"--steps: {stepCount} is not a positive number of steps.");
            int? sftStepCount = math ? r.GetValue(sftSteps) : null;
            if (sftStepCount is < 1) throw new UsageException($"--sft-steps: {sftStepCount} is not a positive number of steps.");
            var armList = math ? ParseArms(r.GetValue(arms)) : null;
            var folder = (fraction > 0 ? name + "-padded" : name) + (sftStepCount is { } m ? $"-sft-{m}" : "") + (stepCount is { } n ? $"-{n}-steps" : "");
            var dataDir = DataFolder.Locate(r.GetValue(data));
            var outDir = r.GetValue(outOption) ?? Path.Combine("out", "repro", folder);
            var results = r.GetValue(update) ? ResultsFolder(dataDir, folder) : null;
            return run(new Repro.ReproSettings(dataDir, outDir, r.GetValue(smoke), r.GetValue(seeds)) { ResultsDir = results, SftPaddedFraction = fraction, SftSteps = sftStepCount, Steps = stepCount, Arms = armList });
        });
        return cmd;
    }

    /// <summary>The arms of <c>--arms</c> (null when not given); an unknown or repeated arm is a usage error naming it.</summary>
    static IReadOnlyList<string>? ParseArms(string? value)
    {
        if (value is null) return null;
        var list = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (list.Length == 0) throw new UsageException("--arms: no arm given.");
        foreach (var arm in list)
            if (!Repro.MathHackingExperiment.KnownArms.Contains(arm))
                throw new UsageException($"--arms: {Repro.MathHackingExperiment.UnknownArm(arm)}.");
        if (list.Distinct().Count() != list.Length) throw new UsageException($"--arms: '{value}' names an arm twice.");
        return list;
    }

    /// <summary>The committed results folder of an experiment: <c>notebooks/results/&lt;name&gt;</c> beside the data folder.</summary>
    internal static string ResultsFolder(string dataDir, string name) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDir))!, "notebooks", "results", name);
}
