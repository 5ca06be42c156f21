using System.CommandLine;
using TorchSharp;

namespace Blend.Cli;

/// <summary><c>blend doctor</c>: versions, backend, device, threads and the native fix, then a torch smoke check.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var cmd = new Command("doctor", "Print .NET and TorchSharp versions, backend, device, threads and whether the native fix was applied.");
        var model = new Option<string?>("--model") { Description = "Check a model folder instead: architecture, parameters, dtype, tokenizer, chat template." };
        cmd.Options.Add(model);
        cmd.SetAction(r => r.GetValue(model) is { } dir ? ModelDoctor.Run(dir) : Run());
        return cmd;
    }

    static int Run()
    {
        TorchInfo info;
        try { info = TorchInfo.Current(); }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            Console.Error.WriteLine("torch failed to load: " + (e.InnerException ?? e).Message);
            Console.Error.WriteLine("native fix: " + NativeFix.Describe());
            return 1;
        }
        Console.WriteLine($".NET        {info.DotNet}");
        Console.WriteLine($"TorchSharp  {info.TorchSharp}");
        Console.WriteLine($"backend     {info.Backend}");
        Console.WriteLine($"device      {info.Device} ({info.DeviceSource})");
        Console.WriteLine($"threads     {info.Threads}");
        Console.WriteLine($"native fix  {info.NativeFix}");
        Console.WriteLine($"os          {info.Os}");
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(64, 64, device: BlendRuntime.Device);
        double sum = a.matmul(a).sum().item<float>();
        Console.WriteLine($"smoke       ones(64,64) @ ones(64,64) sums to {sum} ({(sum == 64.0 * 64 * 64 ? "ok" : "WRONG")})");
        return sum == 64.0 * 64 * 64 ? 0 : 1;
    }
}
