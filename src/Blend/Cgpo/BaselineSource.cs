namespace Blend;

/// <summary>Where each prompt's baseline response ā for the calibrated reward comes from (CGPO §4.1; docs/cgpo.md#calibrated-reward).</summary>
public enum BaselineSource
{
    /// <summary>The reference policy's greedy response, computed once per prompt before it is first used (S1 Option 2).</summary>
    Reference,

    /// <summary>The dataset's gold response: the prompt set's <c>response</c> column, else the item's <c>Reference</c> (S1 Option 1).</summary>
    Gold,
}
