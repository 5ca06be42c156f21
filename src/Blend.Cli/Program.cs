using Blend.Cli;

// One line per command; each command's file builds its Command (options, description, action).
var root = BlendCli.Root(
    DoctorCommand.Create(),
    DemoCommand.Create(),
    NotebookCommand.Create(),
    ReproCommand.Create(),
    RecipeCommand.Create(),
    ServeCommand.Create(),
    TrainCommand.Create(),
    JudgeCommand.Create(),
    GenerateCommand.Create(),
    ScoreCommand.Create(),
    RewardModelCommand.Create(),
    SweepCommand.Create(),
    MergeCommand.Create(),
    AdapterCommand.Create()
);
return BlendCli.Invoke(root, args);
