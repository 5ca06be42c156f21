using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Cli.Recipes;

namespace Blend.Cli;

/// <summary><c>blend recipe validate FILE</c> (every problem with file, line and JSON path; exit 2; writes nothing) and <c>blend recipe schema</c>.</summary>
internal static class RecipeCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The recipe (JSON)." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (ok, errors with file, line, path, message)." };
        var validate = new Command("validate", "Check a recipe: syntax, unknown fields, types, ranges, files, judges, rewards and optimizer options. Exit code 2 when anything is wrong; writes nothing.") { file, json };
        validate.SetAction(r => Validate(r.GetValue(file)!, r.GetValue(json), r.InvocationConfiguration.Output, r.InvocationConfiguration.Error));
        var schema = new Command("schema", "Print the recipe format as JSON Schema (recipes/recipe.schema.json is this output).");
        schema.SetAction(r => { r.InvocationConfiguration.Output.Write(RecipeSchema.Text()); return ExitCodes.Ok; });
        return new Command("recipe", "Recipes: one JSON file describing a run (model, tasks, judges, rewards, optimizers, budgets).") { validate, schema };
    }

    internal static int Validate(string file, bool json, TextWriter output, TextWriter error)
    {
        var (recipe, errors) = RecipeReader.Check(file);
        if (json)
        {
            var result = new JsonObject
            {
                ["file"] = file,
                ["ok"] = errors.Count == 0,
                ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["file"] = e.File, ["line"] = e.Line, ["path"] = e.Path, ["message"] = e.Message })]),
            };
            output.WriteLine(result.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        }
        if (errors.Count > 0)
        {
            foreach (var e in errors) error.WriteLine(e.ToString());
            error.WriteLine($"{file}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}");
            return ExitCodes.BadInput;
        }
        output.WriteLine($"{file}: ok — recipe '{recipe!.Name}', {recipe.Tasks.Count} task{(recipe.Tasks.Count == 1 ? "" : "s")} ({string.Join(", ", recipe.Tasks.Select(t => t.String("name")))})");
        return ExitCodes.Ok;
    }
}
