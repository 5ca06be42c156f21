using System.Diagnostics;

namespace Blend.Tests.Interactive;

/// <summary>Takes screenshots with Debian's chromium, headless, with the network cut off (proxy to a closed port, no DNS).</summary>
internal static class HeadlessChromium
{
    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>Opens <paramref name="htmlPath"/> and writes a PNG screenshot; returns chromium's output.</summary>
    public static string Screenshot(string htmlPath, string pngPath, int width = 1000, int height = 700) =>
        Run(htmlPath, [$"--window-size={width},{height}", "--hide-scrollbars", "--screenshot=" + pngPath]).Output;

    /// <summary>Opens <paramref name="htmlPath"/>, lets its scripts run, and returns the DOM as chromium serialises it (<c>--dump-dom</c>).</summary>
    public static string DumpDom(string htmlPath)
    {
        var (stdout, output) = Run(htmlPath, ["--dump-dom"]);
        return stdout.Length > 0 ? stdout : throw new InvalidOperationException("chromium printed no DOM: " + output);
    }

    static (string Stdout, string Output) Run(string htmlPath, IEnumerable<string> extra)
    {
        var exe = Executable ?? throw new InvalidOperationException("chromium is not installed (Debian package 'chromium', listed in .ci/apt-packages.txt)");
        var profile = Directory.CreateTempSubdirectory("blend-chromium-");
        try
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            };
            foreach (var a in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.FullName,
                         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", // no network: every request fails
                         "--virtual-time-budget=5000",
                     }.Concat(extra).Append(new Uri(htmlPath).AbsoluteUri))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(90_000)) { p.Kill(true); throw new TimeoutException("chromium did not finish in 90 s"); }
            return (output, output + err.Result);
        }
        finally
        {
            try { profile.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
