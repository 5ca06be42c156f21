using System.Diagnostics;
using System.Runtime.CompilerServices;
using Blend.Interactive;

namespace Blend.Lessons;

/// <summary>
/// What a lesson in lessons/ writes: every stage rendered by Blend's formatters (the same HTML a notebook shows) into
/// one offline <see cref="HtmlReport"/>, and each stage's plain text to the terminal as it is reached.
/// </summary>
/// <remarks>Arguments: <c>--full</c> runs the notebook's full budgets (quick is the default), <c>--out DIR</c> chooses the folder.</remarks>
public sealed class LessonPage
{
    readonly HtmlReport _report;
    readonly string _outDir;
    readonly Stopwatch _clock = Stopwatch.StartNew();

    LessonPage(string title, string outDir, string lessonsDir, bool quick)
    {
        _report = new HtmlReport(title);
        _outDir = outDir;
        LessonsDir = lessonsDir;
        Quick = quick;
        _ = PlotlyEmbed.ScriptOnce(); // the page carries plotly.js once, in its head: no fragment embeds it again
        Console.WriteLine($"{title} ({(quick ? "quick" : "full")})");
    }

    /// <summary>Starts the page of the lesson in <paramref name="lessonFile"/> (filled in by the compiler).</summary>
    public static LessonPage Start(string title, IReadOnlyList<string> args, [CallerFilePath] string lessonFile = "")
    {
        ArgumentNullException.ThrowIfNull(args);
        // The compiler's path of the lesson file; under a deterministic CI build it is mapped (/_/lessons/…) and does not
        // exist, so the lessons folder is then found from the working directory.
        var dir = lessonFile.Length > 0 ? Path.GetDirectoryName(Path.GetFullPath(lessonFile)) : null;
        if (dir is null || !Directory.Exists(dir)) dir = FindLessons(Directory.GetCurrentDirectory());
        int at = args.ToList().IndexOf("--out");
        if (at >= 0 && at + 1 >= args.Count) throw new ArgumentException("--out needs a folder");
        var outDir = at >= 0 ? Path.GetFullPath(args[at + 1]) : Path.Combine(dir, "out");
        return new LessonPage(title, outDir, dir, quick: !args.Contains("--full"));
    }

    static string FindLessons(string from)
    {
        for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, "LessonPage")) && d.Name == "lessons") return d.FullName;
            var inside = Path.Combine(d.FullName, "lessons");
            if (Directory.Exists(Path.Combine(inside, "LessonPage"))) return inside;
        }
        throw new DirectoryNotFoundException($"LessonPage: cannot find the lessons folder from '{from}'; run the lesson from the repository.");
    }

    /// <summary>True unless <c>--full</c> was given: the smallest budgets, seconds to a minute on a CPU.</summary>
    public bool Quick { get; }

    /// <summary>The lessons folder (the repository's data/ is beside it).</summary>
    public string LessonsDir { get; }

    /// <summary>Seeds every generator (<see cref="BlendRuntime.Seed"/>) and uses up to four torch threads; returns the seed.</summary>
    public int UseTorch(int seed)
    {
        BlendRuntime.Seed(seed);
        BlendRuntime.SetThreads(Math.Min(4, Environment.ProcessorCount));
        Console.WriteLine($"torch: {BlendRuntime.Device}, {BlendRuntime.Threads} threads, seed {seed}");
        return seed;
    }

    /// <summary>A path under the repository's data/ folder.</summary>
    public string Data(string relative) => Path.GetFullPath(Path.Combine(LessonsDir, "..", "data", relative));

    /// <summary>Adds a stage: the value's HTML (Blend's formatter, or the default one) to the page and its text to the terminal.</summary>
    public T Show<T>(string title, T value) where T : notnull
    {
        _report.Add(title, BlendFormatters.ToHtml(value));
        // A Deedle frame's plain text is a long reflection dump: the page has its table, the terminal a pointer to it.
        var text = (value.GetType().Namespace == "Deedle" ? "Deedle " + value.GetType().Name.Split('`')[0] + ": the table is in the page" : BlendFormatters.ToText(value)).Split('\n');
        Console.WriteLine($"== {title} ({_clock.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine(string.Join('\n', text.Take(12)) + (text.Length > 12 ? $"\n… ({text.Length - 12} more lines in the page)" : ""));
        return value;
    }

    /// <summary>Writes the page as <c>NAME.html</c> in the output folder (atomically) and returns its path.</summary>
    public string Save(string name)
    {
        Directory.CreateDirectory(_outDir);
        var path = Path.Combine(_outDir, name + ".html");
        _report.Save(path);
        Console.WriteLine($"wrote {path} ({_report.Sections.Count} stages, {_clock.Elapsed.TotalSeconds:0.0} s)");
        return path;
    }
}
