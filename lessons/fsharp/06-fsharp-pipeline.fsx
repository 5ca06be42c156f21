// Lesson 06 · The same pipeline in F# — notebooks/06-fsharp-pipeline.ipynb as an F# script: a judge mixture, a few
// CGPO steps on two tasks and a rewarded soup of two experts, rendered into one offline HTML page.
//
//   bash build/pack.sh                                      once: fills artifacts/packages (NuGet.config here points at it)
//   dotnet fsi lessons/fsharp/06-fsharp-pipeline.fsx        quick (the default): writes lessons/out/06-fsharp-pipeline.html
//   dotnet fsi lessons/fsharp/06-fsharp-pipeline.fsx --full --out DIR
//
// F# Interactive takes `#r` lines literally, so the backend is named here: TorchSharp-cpu, or TorchSharp-cuda-linux on a GPU.
#r "nuget: Blend.Interactive, 0.1.0"
#r "nuget: TorchSharp-cpu, 0.107.0"
open System.IO
open Blend
open Blend.Interactive

let args = fsi.CommandLineArgs |> Array.toList |> List.tail
let quick = not (List.contains "--full" args)
let outDir =
    match List.tryFindIndex ((=) "--out") args with
    | Some i when i + 1 < args.Length -> Path.GetFullPath args[i + 1]
    | Some _ -> failwith "--out needs a folder"
    | None -> Path.Combine(__SOURCE_DIRECTORY__, "..", "out")
let data (relative: string) = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", relative)
let seed = 7
printfn "06 · The same pipeline in F# (%s)" (if quick then "quick" else "full")

let page = HtmlReport "06 · The same pipeline in F#"
PlotlyEmbed.ScriptOnce() |> ignore      // the page carries plotly.js once, in its head
let show title (value: obj) =
    page.Add(title, BlendFormatters.ToHtml value) |> ignore
    printfn "== %s\n%s" title (BlendFormatters.ToText value |> fun t -> t.Split('\n') |> Array.truncate 12 |> String.concat "\n")

BlendRuntime.Seed seed
let cgpoSteps = if quick then 2 else 30
let expertSteps = if quick then 2 else 15

// A judge mixture, F# style.
let mixture =
    JudgeMixture.Create()
        .Task("math", fun t -> t.Add(Judge.MathAnswer()))
        .Task("chat", fun t -> t.Add(Judge.From("no-url", fun (s: Sample) -> not (s.Response.Contains "http"))).Add(Judge.Length(maxWords = 20)))
        .AllMustPass()
let samples =
    ResizeArray [ Sample("math", "What is 2 + 2?", "The answer is 4.", Reference = "4")
                  Sample("math", "What is 3 + 5?", "The answer is 9.", Reference = "8")
                  Sample("chat", "Say hi.", "Hi! See http://spam.example")
                  Sample("chat", "Name a colour.", "Blue.") ]
show "Judge report" (mixture.Evaluate samples)

// A few CGPO steps on two tasks.
let load path n = PromptSet.Load(data path).Take(n)
let math = load "tasks/math.train.jsonl" (if quick then 8 else 200)
let chat = load "tasks/chat.train.jsonl" (if quick then 8 else 100)
let texts = Seq.append (math |> Seq.map (fun p -> p.Text)) (chat |> Seq.map (fun p -> p.Text)) |> Seq.append [ "0123456789 aeiou The answer is" ]
let codec = TextCodec.Cl100k().Compact(texts)
let policy = Policy.Create(codec, GptConfig(codec.VocabSize, Layers = 2, Heads = 4, Width = 64, ContextLength = 64), seed)
let share (name: string) (chars: string) =
    Reward.From(name, fun (s: Sample) -> if s.Response.Length = 0 then 0.0 else float (s.Response |> Seq.filter chars.Contains |> Seq.length) / float s.Response.Length)
let digits = share "digits" "0123456789"
let vowels = share "vowels" "aeiouAEIOU"
let result =
    Cgpo.Create(policy, seed = seed)
        .Task("math", fun t -> t.Prompts(math).Judges(Judge.Length(maxWords = 8)).Reward(digits).Optimizer(CrpgOptions(SamplesPerPrompt = 2, KlMax = 8.0)).PromptsPerStep(if quick then 1 else 4))
        .Task("chat", fun t -> t.Prompts(chat).Judges(Judge.From("no-question", fun (s: Sample) -> not (s.Response.Contains "?"))).Reward(vowels).Optimizer(CodpoOptions(SamplesPerPrompt = 2)).PromptsPerStep(if quick then 1 else 4))
        .Sampling(maxNewTokens = 6)
        .Steps(cgpoSteps)
        .Train()
show "CGPO result" result

// A rewarded soup of two experts.
let options = ExpertTrainingOptions(Steps = expertSteps, PromptsPerStep = 2, SamplesPerPrompt = 2, MaxNewTokens = 6, Seed = 1)
let digitExpert = ExpertTraining.FineTune(policy, digits, chat, options)
let vowelExpert = ExpertTraining.FineTune(policy, vowels, chat, options)
let sweep =
    Soup.Of(digitExpert.Policy, vowelExpert.Policy).Named("digits", "vowels")
        .Lambdas(Lambda.Grid(steps = (if quick then 3 else 11)))
        .Objective(digits)
        .Objective(vowels)
        .Generation(GenerationOptions(MaxNewTokens = 6))
        .SamplesPerPrompt(2)
        .Sweep(chat)
show "Soup sweep" sweep
show "Interpolation path (λ)" (ParetoCharts.Lambda sweep)

Directory.CreateDirectory outDir |> ignore
let path = Path.Combine(outDir, "06-fsharp-pipeline.html")
page.Save path
printfn "wrote %s (%d stages)" (Path.GetFullPath path) page.Sections.Count
