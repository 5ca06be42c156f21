using System.Text.RegularExpressions;

namespace Blend.Tests.Packaging;

/// <summary>
/// The packed packages in the hosts a user has, from a clean folder outside the repository: a console app built with
/// warnings as errors (the native fix must come with the package: no repository targets are imported there) and an F#
/// script run by <c>dotnet fsi</c> (torch loads from the NuGet cache). Each must run, load torch once, and print no warning.
/// </summary>
[Collection("Packages")]
public sealed class OutsideRepoPackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    static readonly TimeSpan Build = TimeSpan.FromMinutes(6), Script = TimeSpan.FromMinutes(6);

    const string Program = """
        using Blend;
        using Blend.Interactive;

        Console.WriteLine("native: " + TorchNative.Prepare());
        BlendRuntime.Seed(3);
        var codec = TextCodec.Cl100k().Compact(["What is 2 + 2?", "The answer is 4."]);
        using var policy = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize) with { ContextLength = 24 }, 3);
        var report = JudgeMixture.Create()
            .Task("math", t => t.Add(Judge.MathAnswer()))
            .AllMustPass()
            .Evaluate([new Sample("math", "What is 2 + 2?", "The answer is 4.") { Reference = "4" },
                       new Sample("math", "What is 2 + 3?", "The answer is 6.") { Reference = "5" }]);
        var page = new HtmlReport("outside the repo").Add("Policy", BlendFormatters.ToHtml(policy)).Add("Judges", BlendFormatters.ToHtml(report));
        page.Save(args[0]);
        Console.WriteLine($"parameters: {policy.Model.ParameterCount}; pass rate: {report.OverallPassRate:0.00}; device: {BlendRuntime.Device}");
        """;

    [Fact]
    public void A_console_app_that_references_the_packages_builds_without_warnings_and_loads_torch()
    {
        var dir = Directory.CreateDirectory(Path.Combine(feed.Root, "console")).FullName;
        File.WriteAllText(Path.Combine(dir, "console.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Blend.Interactive" Version="{feed.Version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), Program);
        try
        {
            var build = ProcessRun.Run("dotnet", ["build", "-c", "Release", "-nologo", "-v", "n", "-nodeReuse:false"], dir, Build, feed.ConsumerEnvironment);
            Assert.True(build.ExitCode == 0, build.All);
            Assert.Matches(@"\b0 Warning\(s\)", build.Stdout);
            Assert.Contains("Blend native fix: ", build.Stdout, StringComparison.Ordinal);   // the package's own targets ran

            var html = Path.Combine(dir, "page.html");
            var run = ProcessRun.Run("dotnet", [Path.Combine(dir, "bin", "Release", "net10.0", "console.dll"), html], dir, Script, feed.ConsumerEnvironment);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal("", run.Stderr);
            // Where Debian's libstdc++ lacks GLIBCXX_3.4.32 the build marked the need weak; elsewhere nothing was needed.
            Assert.Matches(@"native: (applied \(.*bin/Release/net10\.0/runtimes/linux-x64/native/libLibTorchSharp\.so is marked weak\)|not needed)", run.Stdout);
            Assert.Contains("pass rate: 0.50; device: cpu", run.Stdout, StringComparison.Ordinal);
            var page = File.ReadAllText(html);
            Assert.Contains("Judge report", page, StringComparison.Ordinal);
            Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var d in new[] { "bin", "obj" })
                if (Directory.Exists(Path.Combine(dir, d))) Directory.Delete(Path.Combine(dir, d), recursive: true); // libtorch: ~0.5 GB
        }
    }

    [Fact]
    public void A_file_based_app_with_package_directives_runs_with_one_command()
    {
        var app = Path.Combine(feed.Root, "hello.cs");
        File.WriteAllText(app, $$"""
            #:package Blend@{{feed.Version}}
            #:package TorchSharp-cpu@0.107.0
            using Blend;
            Console.WriteLine("native: " + TorchNative.Prepare());
            var verdicts = Judge.Length(maxWords: 2).Judge([new Sample("chat", "Say hi.", "Hi.")]);
            Console.WriteLine($"pass: {verdicts[0].Outcome}; device: {BlendRuntime.Device}");
            """);
        var run = ProcessRun.Run("dotnet", ["run", app], feed.Root, Build, feed.ConsumerEnvironment);
        var output = Regex.Match(run.Stdout, @"native: applied \((?<lib>/\S+)/bin/\S+/libLibTorchSharp\.so is marked weak\)");
        try
        {
            Assert.True(run.ExitCode == 0, run.All);
            Assert.DoesNotMatch(new Regex("warning", RegexOptions.IgnoreCase), run.All);
            Assert.Matches(@"native: (applied \(.*/libLibTorchSharp\.so is marked weak\)|not needed)", run.Stdout);
            Assert.Contains("pass: Pass; device: cpu", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            // The app's build folder (dotnet's runfile cache, ~0.5 GB of libtorch) is this test's to remove.
            var folder = output.Groups["lib"].Value;
            if (output.Success && folder.Contains("/runfile/hello-", StringComparison.Ordinal) && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_fsharp_script_that_references_the_core_package_runs_in_dotnet_fsi_without_warnings()
    {
        var run = RunScript("core.fsx", $$"""
            #r "nuget: Blend, {{feed.Version}}"
            #r "nuget: TorchSharp-cpu, 0.107.0"
            open Blend

            BlendRuntime.Seed 3
            let codec = TextCodec.Cl100k().Compact([ "Say hi."; "Hi there." ])
            let policy = Policy.Create(codec, GptConfig.Tiny(codec.VocabSize), 3)
            let report =
                JudgeMixture.Create()
                    .Task("chat", fun t -> t.Add(Judge.Length(maxWords = 3)))
                    .AllMustPass()
                    .Evaluate(ResizeArray [ Sample("chat", "Say hi.", "Hi there."); Sample("chat", "Say hi.", "Hello to you, my dear friend.") ])
            printfn "native: %s" (TorchNative.Prepare())
            printfn "parameters: %d; pass rate: %.2f; device: %O" policy.Model.ParameterCount report.OverallPassRate BlendRuntime.Device
            """);
        Assert.DoesNotMatch(new Regex("warning|error", RegexOptions.IgnoreCase), run.All);
        Assert.Matches(@"native: (applied \(patched copy loaded from .*, libtorch from .*libtorch-cpu-linux-x64.*\)|not needed)", run.Stdout);
        Assert.Contains("pass rate: 0.50; device: cpu", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_fsharp_script_that_references_Blend_Interactive_adds_no_warning_of_its_own()
    {
        // Plotly.NET 6.0.0 (the only one served) asks for FSharp.Core 10.1.403 and SDK 10.0.401's fsi pins its own
        // 10.1.401, so NuGet reports that downgrade (NU1605) for any script that references Plotly.NET. Blend must add
        // nothing to it: every warning line is that report or one of its two chains, the one through Plotly.NET.
        var run = RunScript("interactive.fsx", $$"""
            #r "nuget: Blend.Interactive, {{feed.Version}}"
            #r "nuget: TorchSharp-cpu, 0.107.0"
            open Blend
            open Blend.Interactive

            let verdicts = Judge.Length(maxWords = 2).Judge(ResizeArray [ Sample("chat", "Say hi.", "Hi.") ])
            printfn "%s" (BlendFormatters.ToText verdicts)
            printfn "html: %b; device: %O" ((BlendFormatters.ToHtml verdicts).Contains "class=\"blend\"") BlendRuntime.Device
            """);
        Assert.Contains("html: true; device: cpu", run.Stdout, StringComparison.Ordinal);
        var warnings = run.All.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(warnings, l => Assert.Matches(
            @"warning NU1605: ( Project -> Blend\.Interactive \S+ -> Plotly\.NET 6\.0\.0 -> FSharp\.Core \(>= 10\.1\.403\) *$| Project -> FSharp\.Core \(>= 10\.1\.401\) *$|Detected package downgrade: FSharp\.Core from 10\.1\.403 to 10\.1\.401\.)", l));
    }

    /// <summary>Writes the script into the feed's folder and runs it with <c>dotnet fsi</c>; it must exit 0.</summary>
    ProcessResult RunScript(string name, string text)
    {
        var script = Path.Combine(feed.Root, name);
        File.WriteAllText(script, text);
        var run = ProcessRun.Run("dotnet", ["fsi", "--quiet", script], feed.Root, Script, feed.ConsumerEnvironment);
        Assert.True(run.ExitCode == 0, run.All);
        return run;
    }
}
