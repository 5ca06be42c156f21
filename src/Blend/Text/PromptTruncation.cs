namespace Blend;

/// <summary>
/// The one rule for a prompt longer than the room the context leaves it: <b>truncate from the left</b>. The prompt keeps its
/// first token (BOS, or a chat template's opening token) and as many of its last tokens as fit; the tokens after the first are
/// dropped. This is what RLHF trainers do for prompts (TRL's <c>truncation_side = "left"</c>): the end of a prompt holds the
/// question and the layout's separator, which the response must follow.
/// </summary>
/// <remarks>
/// Applied up front, before any forward pass, wherever a prompt enters a model: <see cref="Policy.Generate(IReadOnlyList{string}, GenerationOptions?)"/>
/// and <see cref="Policy.GenerateFrom"/> (room: the context minus the new tokens), <see cref="Policy.Score(IReadOnlyList{IReadOnlyList{int}}, IReadOnlyList{IReadOnlyList{int}})"/>,
/// <see cref="Policy.ScoreRewardHead(IReadOnlyList{IReadOnlyList{int}}, IReadOnlyList{IReadOnlyList{int}})"/> and
/// <see cref="RewardModel"/> (room: the context minus the response), and SFT. A response is never shortened by this rule;
/// where a response alone does not leave room for the prompt's first and last tokens, Policy scoring refuses it
/// (<see cref="ArgumentException"/>) and a reward model keeps the response's end. Encoding is linear in the text (see
/// <see cref="TextChunks"/>), and no forward pass ever sees more than the context. <see cref="TextCodec.EncodeChatPrompt"/>
/// applies the rule while encoding, so generation from text encodes only the end of an over-long prompt that it keeps.
/// </remarks>
public static class PromptTruncation
{
    /// <summary>The fewest tokens a truncated prompt keeps: its first and its last (in the chat layout, BOS and SEP).</summary>
    public const int MinTokens = 2;

    /// <summary>
    /// <paramref name="promptIds"/> when it has at most <paramref name="maxTokens"/> ids, else its first id followed by its last
    /// <c>maxTokens − 1</c> ids.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is below <see cref="MinTokens"/>.</exception>
    public static IReadOnlyList<int> KeepEnd(IReadOnlyList<int> promptIds, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        if (maxTokens < MinTokens)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"PromptTruncation.KeepEnd: room for {maxTokens} prompt tokens; a prompt keeps at least its first and last token ({MinTokens}).");
        if (promptIds.Count <= maxTokens) return promptIds;
        var kept = new int[maxTokens];
        kept[0] = promptIds[0];
        for (int i = 1; i < maxTokens; i++) kept[i] = promptIds[promptIds.Count - maxTokens + i];
        return kept;
    }
}
