// F# smoke test: a few CGPO steps on two tasks and a two-expert rewarded soup, printed with Blend's formatters.
// Run by tests/Blend.Tests/Interactive/FSharpScriptTests.cs with `dotnet fsi`, against the built assemblies.
open Blend
open Blend.Interactive

BlendFormatters.Register()            // Blend itself prepares the torch native library for F# Interactive (TorchNative)
BlendRuntime.Seed 7
BlendRuntime.SetThreads 2

let prompts task (texts: string list) =
    PromptSet(texts |> List.mapi (fun i t -> PromptItem(sprintf "%s%d" task i, task, t, Reference = string (i % 10))))
let math = prompts "math" [ for i in 0 .. 7 -> sprintf "What is %d + %d?" (i % 5) (i % 3) ]
let chat = prompts "chat" [ "Say hello."; "Name a fruit."; "Say something kind."; "Greet me." ]
let corpus = Seq.append (math |> Seq.map (fun p -> p.Text)) (chat |> Seq.map (fun p -> p.Text)) |> Seq.append [ "0123456789 aeiou hello" ]
let codec = TextCodec.Cl100k().Compact(corpus)
let policy = Policy.Create(codec, GptConfig(codec.VocabSize, Layers = 2, Heads = 4, Width = 64, ContextLength = 48), 7)

let digits = Reward.From("digits", fun (s: Sample) -> if s.Response.Length = 0 then 0.0 else float (s.Response |> Seq.filter System.Char.IsAsciiDigit |> Seq.length) / float s.Response.Length)
let vowels = Reward.From("vowels", fun (s: Sample) -> if s.Response.Length = 0 then 0.0 else float (s.Response |> Seq.filter (fun c -> "aeiou".Contains c) |> Seq.length) / float s.Response.Length)

let result =
    Cgpo.Create(policy, seed = 7)
        .Task("math", fun t -> t.Prompts(math).Judges(Judge.Length(maxWords = 8)).Reward(digits).Optimizer(CrpgOptions(SamplesPerPrompt = 2)).PromptsPerStep(2))
        .Task("chat", fun t -> t.Prompts(chat).Judges(Judge.From("no-question", fun (s: Sample) -> not (s.Response.Contains "?"))).Reward(vowels).Optimizer(CodpoOptions(SamplesPerPrompt = 2)).PromptsPerStep(2))
        .Sampling(maxNewTokens = 6)
        .Steps(2)
        .Train()
printfn "%s" (BlendFormatters.ToText result)
if result.Metrics.Count <> 4 then failwithf "expected 2 steps x 2 tasks of metrics, got %d" result.Metrics.Count
if not ((BlendFormatters.ToHtml result).Contains "blend-plotly-chart") then failwith "the CGPO result has no chart"

let options = ExpertTrainingOptions(Steps = 2, PromptsPerStep = 2, SamplesPerPrompt = 2, MaxNewTokens = 6, Seed = 1)
let a = ExpertTraining.FineTune(policy, digits, chat, options)
let b = ExpertTraining.FineTune(policy, vowels, chat, options)
let sweep =
    Soup.Of(a.Policy, b.Policy).Named("digits", "vowels")
        .Lambdas(Lambda.Grid(steps = 3))
        .Objective(digits)
        .Objective(vowels)
        .Generation(GenerationOptions(MaxNewTokens = 6))
        .SamplesPerPrompt(2)
        .Sweep(chat)
printfn "%s" (BlendFormatters.ToText sweep)
if sweep.Points.Count <> 3 then failwithf "expected 3 soups, got %d" sweep.Points.Count
let front = ParetoCharts.Front sweep      // a GenericChart: `front |> Chart.show` opens it in a browser
if not ((ChartHtml.Fragment front).Contains "rewarded-soup front") then failwith "the front chart is missing its line"
printfn "fsharp training: ok"
a.Dispose(); b.Dispose()
