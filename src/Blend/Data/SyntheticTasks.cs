namespace Blend;

/// <summary>
/// The kit's shipped synthetic tasks (<c>data/tasks/{task}.{split}.jsonl</c>: prompts with gold responses): their names and
/// their loader. <c>math</c> (two-digit addition and subtraction; reference answer), <c>instructions</c> (IFEval constraints
/// with <c>instruction_id_list</c>/<c>kwargs</c> metadata), <c>chat</c> (short open prompts) and <c>safety</c> (harmful
/// requests to refuse and benign look-alikes to answer, <c>should_refuse</c>).
/// </summary>
/// <remarks>The files are made by the generator in <c>tools/Blend.DataGen</c> (not part of the library); a test checks that
/// <c>data/tasks</c> is exactly its output.</remarks>
/// <example><code>var test = SyntheticTasks.LoadShipped("data/tasks", "test");
/// var math = SyntheticTasks.LoadShipped("data/tasks", "train", ["math"]);</code></example>
public static class SyntheticTasks
{
    /// <summary>The task names, in the kit's order.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["math", "instructions", "chat", "safety"];

    /// <summary>Loads the shipped files of one split (<c>train</c> or <c>test</c>) of the given tasks (default all) from <paramref name="tasksDir"/> (e.g. <c>data/tasks</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="split"/> is neither <c>train</c> nor <c>test</c>.</exception>
    public static PromptSet LoadShipped(string tasksDir, string split, IEnumerable<string>? tasks = null)
    {
        if (split is not ("train" or "test")) throw new ArgumentException($"SyntheticTasks.LoadShipped: split must be 'train' or 'test', not '{split}'.");
        PromptSet? all = null;
        foreach (var task in tasks ?? Tasks)
        {
            var set = PromptSet.Load(Path.Combine(tasksDir, $"{task}.{split}.jsonl"));
            all = all is null ? set : all.Concat(set);
        }
        return all ?? new PromptSet([]);
    }
}
