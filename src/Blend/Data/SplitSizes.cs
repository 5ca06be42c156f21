namespace Blend;

/// <summary>How many prompts a task's train and test splits hold.</summary>
/// <param name="Train">Prompts in the training split.</param>
/// <param name="Test">Prompts in the held-out split.</param>
public sealed record SplitSizes(int Train, int Test);
