namespace Blend.Cli.Recipes;

/// <summary>
/// The recipe format, version 1: every object, field, type, default and limit. <see cref="RecipeReader"/> checks files
/// against it, <see cref="RecipeSchema"/> writes it as JSON Schema (recipes/recipe.schema.json) and the README's table
/// comes from the same fields.
/// </summary>
internal static class RecipeFormat
{
    /// <summary>The version written in recipes' <c>version</c> field.</summary>
    public const int Version = 1;

    static Field Int(string name, string description, int fallback, double min = 0) => new(name, FieldType.Integer, description) { Default = fallback, Min = min };
    static Field Num(string name, string description, double fallback, double min = 0, bool exclusive = false) =>
        new(name, FieldType.Number, description) { Default = fallback, Min = min, MinExclusive = exclusive };

    static readonly Shape Tiny = new("tiny policy",
    [
        new Field("corpus", FieldType.FileList, "JSONL prompt files whose prompts and responses the compacted cl100k tokenizer must cover (default: every task's prompt files)."),
        Int("context_length", "Context length in tokens.", 96, 8),
        Int("layers", "Transformer layers.", 2, 1),
        Int("heads", "Attention heads.", 2, 1),
        Int("width", "Model width (a multiple of heads).", 64, 1),
    ]);

    static readonly Shape Model = new("model",
    [
        new Field("checkpoint", FieldType.Folder, "A Blend policy checkpoint folder (Policy.Save: config.json, model.safetensors, tokenizer)."),
        new Field("hf", FieldType.Folder, "A Hugging Face model folder (GPT-2, Llama, Mistral, Qwen2, Qwen3: config.json, model.safetensors or its shards, tokenizer.json or vocab.json + merges.txt); its own tokenizer and chat template are used."),
        new Field("tiny", FieldType.Object, "A freshly initialised tiny GPT (seeded by the recipe's seed), usually followed by 'sft'.") { Shape = Tiny },
    ])
    { OneOf = ["checkpoint", "hf", "tiny"], ExactlyOne = true };

    static readonly Shape Lora = new("LoRA adapter",
    [
        .. OptionsBinder.Fields(typeof(LoraOptions), except: [nameof(LoraOptions.Seed)]),
        new Field("target_modules", FieldType.StringList, "Projections to adapt, by module name as PEFT spells them (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj; c_attn, c_proj, c_fc for GPT-2 and Blend's GPT); default: PEFT's for the architecture (q_proj, v_proj; c_attn)."),
    ]);

    static readonly Shape Sft = new("supervised fine-tuning",
    [
        new Field("prompts", FieldType.FileList, "JSONL files of prompts with gold 'response' fields to imitate.") { Required = true },
        new Field("eval_prompts", FieldType.FileList, "Held-out JSONL files for the evaluation loss."),
        .. OptionsBinder.Fields(typeof(SftOptions), except: [nameof(SftOptions.Seed), nameof(SftOptions.CheckpointEvery), nameof(SftOptions.MaxSeconds)]),
        new Field("lora", FieldType.Object, "Train a LoRA adapter instead of every weight; it is saved in PEFT's layout to output/sft-adapter and merged into the policy CGPO starts from.") { Shape = Lora },
    ]);

    static readonly Shape Budget = new("budget",
    [
        Int("steps", "CGPO training steps (one combined update each).", 60),
        Int("eval_prompts", "Held-out prompts per task in the final evaluation (0: none).", 24),
        Int("eval_samples_per_prompt", "Responses per held-out prompt in evaluation.", 2, 1),
        Int("max_new_tokens", "Maximum new tokens per generated response.", 32, 1),
    ]);

    static readonly Shape Training = new("training",
    [
        Num("learning_rate", "AdamW learning rate α (the peak, after warmup).", 1e-4, 0, exclusive: true),
        new Field("lr_schedule", FieldType.String, "Learning-rate schedule over the steps: constant, or cosine decay to min_learning_rate at the last step; both after warmup_steps of linear warmup.") { Default = "constant", Choices = ["constant", "cosine"] },
        Int("warmup_steps", "Steps of linear warmup from 0 to learning_rate.", 0),
        Num("min_learning_rate", "Learning rate at the end of the cosine decay.", 0),
        Num("max_grad_norm", "Gradient-norm clip of the combined update.", 1.0, 0, exclusive: true),
        Num("weight_decay", "AdamW decoupled weight decay.", 0),
        Num("temperature", "Sampling temperature of training rollouts.", 1.0, 0, exclusive: true),
        Int("checkpoint_every", "Save a checkpoint (policy, optimizer, RNG, metrics) every N steps into output/checkpoint; 0: only at the end and on Ctrl-C.", 0),
        new Field("lora", FieldType.Object, "Train a LoRA adapter with CGPO instead of every weight (checkpoints then hold the adapter, and --resume continues it); the adapter is saved in PEFT's layout to output/adapter and the merged model to output/policy.") { Shape = Lora },
    ]);

    static readonly Shape RewardMixture = new("reward mixture",
    [
        new Field("aggregation", FieldType.String, "How several rewards aggregate within a group of K responses to one prompt: sum-then-normalize (weighted sum; the optimizer normalizes it within the group) or normalize-then-sum (GDPO: each reward normalized within its group, then the weighted sum; GRPO then standardizes over the batch).") { Default = "sum-then-normalize", Choices = ["sum-then-normalize", "normalize-then-sum"] },
        new Field("normalize", FieldType.String, "Running normalization of each reward, z = (r − μ)/(σ + ε), before clipping and weighting: none, welford (every score so far) or ema (moving average).") { Default = "none", Choices = ["none", "welford", "ema"] },
        Num("epsilon", "ε of the running normalization.", 1e-8, 0, exclusive: true),
        new Field("ema_decay", FieldType.Number, "d of normalize: ema, the weight of the past per score, in (0, 1).") { Default = 0.99, Min = 0, MinExclusive = true, Max = 0.999999 },
        new Field("clip_min", FieldType.Number, "Lower clip of each (normalized) reward before weighting (with clip_max)."),
        new Field("clip_max", FieldType.Number, "Upper clip of each (normalized) reward before weighting (with clip_min)."),
    ]);

    static readonly Shape Task = new("task",
    [
        new Field("name", FieldType.String, "The task name; samples are routed to judges and rewards by it (math, instructions, chat, safety, …).") { Required = true },
        new Field("prompts", FieldType.File, "JSONL training prompts (fields id, task, prompt, reference, response, metadata). Required unless the optimizer is dpo."),
        new Field("eval_prompts", FieldType.File, "JSONL held-out prompts for the final evaluation."),
        new Field("pairs", FieldType.File, "JSONL preference pairs (prompt, chosen, rejected) for the dpo optimizer."),
        new Field("judges", FieldType.UnionList, "The task's mixture of judges: a response is positive only when every judge passes.") { Union = JudgeCatalog.Union },
        new Field("rewards", FieldType.UnionList, "The task's reward mixture: the total is Σ weight × component.") { Union = RewardCatalog.Union },
        new Field("reward_mixture", FieldType.Object, "How the task's rewards are normalized, clipped and aggregated in training.") { Shape = RewardMixture },
        new Field("optimizer", FieldType.Union, "The task's optimizer and its options.") { Required = true, Union = OptimizerCatalog.Union },
        Int("prompts_per_step", "Prompts sampled per step (B_l).", 4, 1),
        Int("samples_per_prompt", "Responses generated per prompt (K).", 4, 1),
        Num("weight", "ρ_l, the task's weight in the combined update.", 1.0),
        new Field("penalty", FieldType.Number, "Reward of a response that violates a judge in constrained mode (blend serve).") { Default = 0.0 },
        new Field("baseline", FieldType.String, "Baseline ā of the calibrated reward: the reference policy's response, or the prompt's gold response.") { Default = "reference", Choices = ["reference", "gold"] },
    ]);

    static readonly Shape Serve = new("serve",
    [
        new Field("mode", FieldType.String, "mixture: the reward mixture's total; constrained: CGPO's calibrated reward σ(r − r_gold), or the task's penalty when a judge fails.") { Default = "mixture", Choices = ["mixture", "constrained"] },
        Int("max_batch", "Concurrent one-sample requests coalesced into one batch, at most.", 64, 1),
        Num("max_wait_ms", "How long the first request of a batch waits for others to join.", 2.0),
        Int("max_body_bytes", "Largest request body accepted (bigger: 413).", 4 * 1024 * 1024, 1024),
        Num("judge_timeout_seconds", "Deadline of one batch's judging and scoring; past it the batch's samples get error verdicts.", 30.0, 0, exclusive: true),
    ]);

    static readonly Shape Sweep = new("sweep",
    [
        new Field("experts", FieldType.FolderList, "Expert policy checkpoints fine-tuned from the recipe's model (Blend or Hugging Face folders, one architecture), in λ order.") { Required = true, Min = 2 },
        new Field("names", FieldType.StringList, "Labels of the experts (default: their folder names)."),
        new Field("adapters", FieldType.Boolean, "The experts are PEFT LoRA adapter folders of one base ('base', default the recipe's model): the soups interpolate their deltas θ₀ + Σ λᵢ ΔWᵢ.") { Default = false },
        Int("lambdas", "Points of the λ grid from (1, 0) to (0, 1) for two experts; steps per edge of the simplex for more; with a method other than linear, the number of parameter values.", 11, 2),
        new Field("method", FieldType.String, "The merge whose parameter is the axis: linear (the λ grid), slerp (t, from expert 1 at t = 0 to expert 2 at t = 1) or a task-vector method at equal weights (density).") { Default = "linear", Choices = [.. SweepCommand.Methods] },
        new Field("base", FieldType.Folder, "θ₀ of the task-vector methods (default: the recipe's model, the experts' shared start)."),
        new Field("from", FieldType.Number, "First value of the method's parameter (default 0 for t, 0.1 for density)."),
        new Field("to", FieldType.Number, "Last value of the method's parameter (default 1)."),
        Int("samples_per_prompt", "Responses sampled per evaluation prompt and soup.", 2, 1),
        Int("eval_prompts", "Evaluation prompts per task (each task's eval_prompts, else its prompts).", 24, 1),
        new Field("include_start", FieldType.Boolean, "Also evaluate the recipe's model (the shared start) and draw it on the front.") { Default = true },
    ]);

    /// <summary>The root object of a recipe.</summary>
    public static Shape Root { get; } = new("Blend recipe",
    [
        new Field("$schema", FieldType.String, "Path or URL of the JSON Schema (editors use it; Blend ignores it)."),
        new Field("version", FieldType.Integer, "The recipe format version.") { Default = Version, Min = Version, Max = Version },
        new Field("name", FieldType.String, "The run's name (reports, metrics).") { Required = true },
        new Field("description", FieldType.String, "Free text."),
        new Field("seed", FieldType.Integer, "Seeds initialisation, prompt sampling and generation.") { Default = 0 },
        new Field("device", FieldType.String, "Where tensors live: auto (CUDA when available), cpu or cuda.") { Default = "auto", Choices = ["auto", "cpu", "cuda"] },
        new Field("output", FieldType.OutputFolder, "Output folder (relative to the recipe file): policy/, checkpoint/, metrics.json, judgments.jsonl.") { Default = "out" },
        new Field("model", FieldType.Object, "The policy to start from.") { Required = true, Shape = Model },
        new Field("reference", FieldType.Folder, "A policy checkpoint for π_ref (default: the model after 'sft')."),
        new Field("sft", FieldType.Object, "Supervised fine-tuning before CGPO (skipped when absent).") { Shape = Sft },
        new Field("budget", FieldType.Object, "Step and evaluation budgets.") { Shape = Budget },
        new Field("training", FieldType.Object, "Optimizer-independent training settings.") { Shape = Training },
        new Field("tasks", FieldType.ObjectList, "The tasks, each with prompts, judges, rewards and an optimizer.") { Required = true, Min = 1, Shape = Task },
        new Field("serve", FieldType.Object, "Settings of blend serve.") { Shape = Serve },
        new Field("sweep", FieldType.Object, "Settings of blend sweep: the experts to interpolate; the objectives are the tasks' reward components.") { Shape = Sweep },
    ]);
}
