namespace Blend;

/// <summary>One turn of a conversation, as chat templates take it.</summary>
/// <param name="Role">Who speaks: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">What was said.</param>
public sealed record ChatMessage(string Role, string Content);
