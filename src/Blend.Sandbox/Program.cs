// Blend's C# code-judge runner. Blend.CodeJudge compiles a snippet and its tests with Roslyn on the host (two script
// submissions: the snippet, then the tests with their own Assert helpers) and starts this program once per sample
// inside bubblewrap (see src/Blend/Judges/Sandbox.cs). It reads, from stdin, a secret token line and then one JSON line
// {"snippet": base64 dll, "tests": base64 dll, "limits": {...}}, closes stdin, applies its resource limits to itself,
// runs the snippet and every test, and writes one result line "<token> {json}" to the stdout file descriptor it opened
// before any snippet code ran. The snippet never sees the token, so it cannot write a valid result line.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;

using var results = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
results.Write("+"u8); // started: written before any snippet code
results.Flush();
var stdin = Console.OpenStandardInput();
var input = new MemoryStream();
stdin.CopyTo(input);
stdin.Dispose();
Native.Close(0);
var bytes = input.ToArray();
int newline = Array.IndexOf(bytes, (byte)'\n');
if (newline <= 0) { Console.Error.WriteLine("runner: no token line on stdin"); return 2; }
byte[] token = bytes[..newline];
var request = JsonNode.Parse(bytes.AsSpan(newline + 1)) as JsonObject ?? throw new InvalidDataException("request must be a JSON object");

var limits = request["limits"] as JsonObject ?? [];
string? limitError = Native.ApplyLimits(limits);
if (limitError is not null) { Console.Error.WriteLine("runner: " + limitError); return 3; }

var result = new JsonObject();
var context = new SubmissionContext();
object[] submissions = new object[3];
Assembly snippet, tests;
try
{
    snippet = context.LoadFromStream(new MemoryStream(Convert.FromBase64String(request["snippet"]!.GetValue<string>())));
    tests = context.LoadFromStream(new MemoryStream(Convert.FromBase64String(request["tests"]!.GetValue<string>())));
}
catch (BadImageFormatException e) { Console.Error.WriteLine("runner: " + e.Message); return 4; }

try
{
    await Factory(snippet)(submissions);
}
catch (Exception e)
{
    result["error"] = "snippet threw " + Describe(e);
    Report(results, token, result);
    return 0;
}

Func<bool>[] checks;
try
{
    checks = (Func<bool>[])(await Factory(tests)(submissions))!;
}
catch (Exception e)
{
    result["error"] = "tests could not start: " + Describe(e);
    Report(results, token, result);
    return 0;
}
int passed = 0;
var failures = new JsonArray();
for (int i = 0; i < checks.Length; i++)
{
    try
    {
        if (checks[i]()) passed++;
        else failures.Add(new JsonArray(i, "is false"));
    }
    catch (Exception e)
    {
        failures.Add(new JsonArray(i, "threw " + Describe(e)));
    }
}
result["passed"] = passed;
result["failures"] = failures;
Report(results, token, result);
return 0;

static Func<object[], Task<object?>> Factory(Assembly assembly)
{
    var method = assembly.GetTypes().Where(t => !t.IsNested)
        .Select(t => t.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        .SingleOrDefault(m => m is not null) ?? throw new InvalidDataException("compiled submission has no factory");
    return array => (Task<object?>)method.Invoke(null, [array])!;
}

static string Describe(Exception e)
{
    while (e is TargetInvocationException or AggregateException && e.InnerException is not null) e = e.InnerException!;
    var message = e.Message.Length > 300 ? e.Message[..300] : e.Message;
    return e.GetType().Name + ": " + message;
}

static void Report(FileStream results, byte[] token, JsonObject result)
{
    var line = new List<byte>(token.Length + 256) { (byte)'\n' };
    line.AddRange(token);
    line.Add((byte)' ');
    line.AddRange(Encoding.UTF8.GetBytes(result.ToJsonString()));
    line.Add((byte)'\n');
    results.Write([.. line]);
    results.Flush();
    // Skip finalizers, snippet threads and ProcessExit handlers the snippet may have registered.
    Native.Exit(0);
}

/// <summary>Resolves the test submission's reference to the snippet submission.</summary>
sealed class SubmissionContext() : AssemblyLoadContext("submissions")
{
    protected override Assembly? Load(AssemblyName name) =>
        Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));
}

static partial class Native
{
    const int RlimitCpu = 0, RlimitFsize = 1, RlimitCore = 4, RlimitNproc = 6, RlimitNofile = 7, RlimitAs = 9;

    [StructLayout(LayoutKind.Sequential)]
    struct RLimit { public ulong Current; public ulong Max; }

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "_exit")]
    internal static partial void Exit(int status);

    /// <summary>Applies the host's limits to this process; counts already-used address space and threads first.</summary>
    public static string? ApplyLimits(JsonObject limits)
    {
        ulong Get(string name) => limits[name]?.GetValue<ulong>() ?? throw new InvalidDataException($"limit {name} missing");
        ulong vm = 0;
        foreach (var l in File.ReadLines("/proc/self/status"))
            if (l.StartsWith("VmSize:", StringComparison.Ordinal)) vm = ulong.Parse(l[7..].Trim().Split(' ')[0]) * 1024;
        int threads = Directory.GetDirectories("/proc/self/task").Length;
        // In the sandbox's fresh user namespace RLIMIT_NPROC counts only this sandbox's processes and threads.
        var list = new (int Resource, ulong Value, string Name)[]
        {
            (RlimitAs, vm + Get("memory_bytes"), "RLIMIT_AS"),
            (RlimitNproc, (ulong)threads + 2 + Get("processes"), "RLIMIT_NPROC"),
            (RlimitFsize, Get("file_bytes"), "RLIMIT_FSIZE"),
            (RlimitCpu, Get("cpu_seconds"), "RLIMIT_CPU"),
            (RlimitNofile, 256, "RLIMIT_NOFILE"),
            (RlimitCore, 0, "RLIMIT_CORE"),
        };
        foreach (var (resource, value, name) in list)
            if (SetRLimit(resource, new RLimit { Current = value, Max = value }) != 0)
                return $"setrlimit({name}) failed: errno {Marshal.GetLastPInvokeError()}";
        return null;
    }
}
