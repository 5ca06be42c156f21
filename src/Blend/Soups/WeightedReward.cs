namespace Blend;

/// <summary>The linear scalarization R_μ = Σₖ μₖ Rₖ of a soup's objectives (MORL's training reward).</summary>
internal sealed class WeightedReward(IReadOnlyList<SoupObjective> objectives, IReadOnlyList<double> weights) : IRewardModel
{
    public string Name { get; } = "morl(" + string.Join(",", objectives.Select((o, k) => $"{weights[k].ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}·{o.Name}")) + ")";

    public IReadOnlyList<double> Score(IReadOnlyList<Sample> samples)
    {
        var total = new double[samples.Count];
        var values = SoupEvaluation.Scores(objectives, samples, Deadline.DefaultPerBatch);
        for (int k = 0; k < objectives.Count; k++)
        {
            if (weights[k] == 0) continue;
            for (int i = 0; i < total.Length; i++) total[i] += weights[k] * (values[k][i] ?? 0);
        }
        return total;
    }
}
