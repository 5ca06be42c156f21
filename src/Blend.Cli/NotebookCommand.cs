using System.CommandLine;
using System.Diagnostics;

namespace Blend.Cli;

/// <summary>
/// <c>blend notebook run IN.ipynb --out OUT.ipynb [--param k=v]</c>: executes a notebook headless in the real kernel its
/// metadata names (the .NET Interactive kernel, through Jupyter's nbclient, as <c>jupyter nbconvert --execute</c>
/// does). This command only drives it: parameters go in a cell after the one tagged <c>parameters</c>, a failing cell is
/// named in the error, and the last line of output is a JSON summary (kernel, version, per-cell time and display
/// updates). Needs Python with nbclient (Debian: <c>jupyter-nbconvert python3-nbclient</c>) and the kernelspecs from
/// <c>dotnet interactive jupyter install</c>.
/// </summary>
internal static class NotebookCommand
{
    const string Driver = "NotebookDriver.py";

    public static Command Create()
    {
        var input = new Argument<string>("notebook") { Description = "The .ipynb to run." };
        var output = new Option<string?>("--out") { Description = "Where to write the executed notebook (default: IN.out.ipynb)." };
        var parameters = new Option<string[]>("--param") { Description = "name=value injected after the parameters cell (repeatable)." };
        var kernel = new Option<string?>("--kernel") { Description = "Jupyter kernel name (default: the notebook's kernelspec, e.g. .net-csharp)." };
        var run = new Command("run", "Execute a notebook in its Jupyter kernel and write the outputs into an output notebook.") { input, output, parameters, kernel };
        run.SetAction(r => Run(r.GetValue(input)!, r.GetValue(output), r.GetValue(parameters) ?? [], r.GetValue(kernel)));
        return new Command("notebook", "Notebook tools (the real .NET Interactive kernel, through Jupyter).") { run };
    }

    internal static int Run(string input, string? output, IReadOnlyList<string> parameters, string? kernel = null)
    {
        if (!File.Exists(input))
        {
            Console.Error.WriteLine($"{input}: no such notebook");
            return 2;
        }
        output ??= Path.ChangeExtension(input, ".out.ipynb");
        string python = Python();
        string script = Path.Combine(Path.GetTempPath(), "blend-notebook-driver-" + Environment.ProcessId + ".py");
        using (var resource = typeof(NotebookCommand).Assembly.GetManifestResourceStream(Driver)
                              ?? throw new InvalidOperationException(Driver + " is not embedded in Blend.Cli."))
        using (var file = File.Create(script)) resource.CopyTo(file);
        try
        {
            var psi = new ProcessStartInfo(python) { UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(input);
            psi.ArgumentList.Add(output);
            foreach (var p in parameters) { psi.ArgumentList.Add("--param"); psi.ArgumentList.Add(p); }
            if (kernel is not null) { psi.ArgumentList.Add("--kernel"); psi.ArgumentList.Add(kernel); }
            // The kernelspec starts `dotnet interactive`: the global tool folder must be on PATH.
            string tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");
            psi.Environment["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            Process process;
            try { process = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception e)
            {
                Console.Error.WriteLine($"cannot start {python}: {e.Message} (set BLEND_PYTHON to a Python with nbclient)");
                return 2;
            }
            using (process)
            {
                process.WaitForExit();
                if (process.ExitCode == 3)
                    Console.Error.WriteLine($"{python} lacks nbclient: on Debian `apt-get install jupyter-nbconvert python3-nbclient`, or set BLEND_PYTHON.");
                return process.ExitCode switch { 0 => 0, 1 => 1, _ => 2 };
            }
        }
        finally { File.Delete(script); }
    }

    /// <summary>$BLEND_PYTHON, else Debian's /usr/bin/python3 (a pyenv python3 first on PATH often lacks nbclient), else python3.</summary>
    static string Python() =>
        Environment.GetEnvironmentVariable("BLEND_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
