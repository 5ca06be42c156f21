using System.CommandLine;
using Blend.Cli;

var root = new RootCommand("blend — CGPO (mixture of judges) and rewarded soups on TorchSharp.");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(NotebookCommand.Create());
root.Subcommands.Add(ReproCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(ScoreCommand.Create());
return root.Parse(args).Invoke();
