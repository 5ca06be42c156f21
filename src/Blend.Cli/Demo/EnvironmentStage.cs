using System.Net;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Blend.Cli.Demo;

/// <summary>Versions, device and a torch smoke check.</summary>
internal sealed class EnvironmentStage : IDemoStage
{
    public string Key => "environment";
    public string Title => "Environment";

    public DemoResult Run(DemoContext context)
    {
        var info = TorchInfo.Current();
        BlendRuntime.Seed(context.Seed);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(8, 16, device: BlendRuntime.Device);
        var w = torch.randn(16, 4, device: BlendRuntime.Device);
        double norm = x.matmul(w).norm().item<float>();
        var rows = new (string, string)[]
        {
            (".NET", info.DotNet), ("TorchSharp", info.TorchSharp), ("backend", info.Backend),
            ("device", $"{info.Device} ({info.DeviceSource})"), ("threads", info.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("native fix", info.NativeFix), ("data", context.DataDir), ("seed", context.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("CPU", Machine.CpuModel()), ("cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("load average at start (1, 5, 15 min)", Machine.LoadAverage() ?? "unknown"),
        };
        var html = "<div class=\"blend\"><table>" + string.Concat(rows.Select(r =>
            $"<tr><th>{WebUtility.HtmlEncode(r.Item1)}</th><td>{WebUtility.HtmlEncode(r.Item2)}</td></tr>")) + "</table></div>";
        var metrics = new JsonObject
        {
            ["dotnet"] = info.DotNet, ["torchsharp"] = info.TorchSharp, ["backend"] = info.Backend,
            ["device"] = info.Device, ["threads"] = info.Threads, ["smoke_norm"] = norm,
            ["cpu"] = Machine.CpuModel(), ["cores"] = Environment.ProcessorCount, ["load_average_start"] = Machine.LoadAverage(),
        };
        var headline = $"Ran on {info.Device} with {info.Threads} torch threads ({Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Machine.LoadAverage() ?? "unknown"} at the start): timings below are for this machine under this load.";
        return new DemoResult(headline, html, metrics, $"TorchSharp {info.TorchSharp} on {info.Device}, {info.Threads} threads, load {Machine.LoadAverage() ?? "?"}");
    }
}
