using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend.Tests.Foundation;

public class DevcontainerTests
{
    static readonly string[] RequiredExtensions = ["ms-toolsai.jupyter", "ms-dotnettools.csharp", "ionide.ionide-fsharp"];

    static JsonObject Parse(string relative)
    {
        var path = Path.Combine(RepoRoot.Path, relative);
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        return JsonNode.Parse(File.ReadAllText(path), documentOptions: options)!.AsObject();
    }

    static List<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    static string PostCreate() => File.ReadAllText(RepoRoot.File(".devcontainer/post-create.sh"));

    [Fact]
    public void Gpu_devcontainer_builds_a_cuda_12_ubuntu_24_04_image_and_leaves_the_gpu_optional()
    {
        var dc = Parse(".devcontainer/devcontainer.json");
        var build = dc["build"]!.AsObject();
        Assert.Equal("Dockerfile", build["dockerfile"]!.GetValue<string>());
        Assert.Matches(@"^nvidia/cuda:12\.\d+(\.\d+)?-.*ubuntu24\.04$", build["args"]!["BASE_IMAGE"]!.GetValue<string>());
        // hostRequirements.gpu = optional: the tooling passes a GPU through when there is one; forcing --gpus all would
        // make the container fail to start on a host without one.
        Assert.Equal("optional", dc["hostRequirements"]!["gpu"]!.GetValue<string>());
        Assert.DoesNotContain("--gpus", Strings(dc["runArgs"]));
        var env = dc["containerEnv"]!.AsObject();
        Assert.Equal("cuda", env["TorchBackend"]!.GetValue<string>());
        Assert.False(env.ContainsKey("BLEND_DEVICE"), "BLEND_DEVICE must stay unset: CUDA when available, else the CPU");
        Assert.All(RequiredExtensions, e => Assert.Contains(e, Strings(dc["customizations"]!["vscode"]!["extensions"])));
        Assert.Equal("bash .devcontainer/post-create.sh", dc["postCreateCommand"]!.GetValue<string>());
    }

    [Fact]
    public void Cpu_devcontainer_uses_the_same_dockerfile_and_post_create_without_gpus()
    {
        var dc = Parse(".devcontainer/cpu/devcontainer.json");
        Assert.Equal("../Dockerfile", dc["build"]!["dockerfile"]!.GetValue<string>());
        Assert.Contains("ubuntu-24.04", dc["build"]!["args"]!["BASE_IMAGE"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("--gpus", Strings(dc["runArgs"]));
        Assert.Equal("cpu", dc["containerEnv"]!["TorchBackend"]!.GetValue<string>());
        Assert.All(RequiredExtensions, e => Assert.Contains(e, Strings(dc["customizations"]!["vscode"]!["extensions"])));
        Assert.Equal("bash .devcontainer/post-create.sh", dc["postCreateCommand"]!.GetValue<string>());
    }

    [Fact]
    public void Each_config_puts_its_users_dotnet_tools_on_the_path_the_kernel_is_started_with()
    {
        foreach (var file in new[] { ".devcontainer/devcontainer.json", ".devcontainer/cpu/devcontainer.json" })
        {
            var dc = Parse(file);
            var user = dc["remoteUser"]!.GetValue<string>();
            var home = user == "root" ? "/root" : "/home/" + user;
            Assert.EndsWith(":" + home + "/.dotnet/tools", dc["remoteEnv"]!["PATH"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Post_create_installs_the_kernel_and_its_kernelspecs_and_fails_loudly()
    {
        var script = PostCreate();
        Assert.StartsWith("#!/usr/bin/env bash", script, StringComparison.Ordinal);
        Assert.Contains("set -euo pipefail", script, StringComparison.Ordinal);
        Assert.DoesNotContain("|| true", script, StringComparison.Ordinal);
        Assert.Contains("interactive_version=1.0.712001", script, StringComparison.Ordinal);
        Assert.Contains("dotnet tool update --global Microsoft.dotnet-interactive --version \"$interactive_version\"", script, StringComparison.Ordinal);
        Assert.Contains("dotnet interactive jupyter install", script, StringComparison.Ordinal);
        Assert.Contains(@"\.net-csharp", script, StringComparison.Ordinal);
        Assert.Contains(@"\.net-fsharp", script, StringComparison.Ordinal);
        // The backend comes from the environment, as it does for the notebooks and lessons.
        Assert.Contains("backend=${TorchBackend:-cpu}", script, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=\"$backend\"", script, StringComparison.Ordinal);
        Assert.Contains("bash build/pack.sh", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_takes_the_base_image_as_an_argument_and_installs_dotnet_10_and_jupyter()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, ".devcontainer/Dockerfile"));
        Assert.Contains("ARG BASE_IMAGE=nvidia/cuda:12.", text, StringComparison.Ordinal);
        Assert.Contains("FROM ${BASE_IMAGE}", text, StringComparison.Ordinal);
        Assert.Contains("DOTNET_CHANNEL=10.0", text, StringComparison.Ordinal);
        Assert.All(new[] { "jupyter-core", "jupyter-client", "jupyter-nbconvert", "python3-nbclient" }, p => Assert.Contains(p, text, StringComparison.Ordinal));
        Assert.DoesNotContain("|| true", text, StringComparison.Ordinal);
    }
}
