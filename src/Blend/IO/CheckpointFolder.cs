using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blend;

/// <summary>
/// The one write and recovery rule of every checkpoint folder (CGPO, SFT, policy, reward model).
/// </summary>
/// <remarks>
/// <para>Write: the files go into a temporary sibling <c>DIR.tmp-*</c>; <c>manifest.json</c> (kind, step, write time, and every
/// file's size and SHA-256) is written <b>last</b>; then the folder is swapped in by renames (the previous one is kept as
/// <c>DIR.old-*</c> until the new one is in place). After a successful swap, every other <c>DIR.tmp-*</c> and <c>DIR.old-*</c>
/// left by an interrupted save is removed.</para>
/// <para>Recovery: the candidates are <c>DIR</c>, <c>DIR.old-*</c> and <c>DIR.tmp-*</c>; a candidate is complete when its manifest
/// exists and every listed file has its size and hash (and the manifest's kind is the one asked for). The newest complete one
/// wins: the highest step, then the latest write. A folder without a manifest (written by an older Blend) is used only when it
/// is <c>DIR</c> itself and no candidate has a manifest. When nothing is complete, the error names every candidate and what is
/// wrong with it.</para>
/// </remarks>
internal static class CheckpointFolder
{
    public const string ManifestFile = "manifest.json";
    const string Format = "blend-manifest/1";

    /// <summary>Fills <paramref name="dir"/> atomically through <paramref name="fill"/> and writes its manifest last.</summary>
    public static void Write(string dir, string kind, Action<string> fill, int? step = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        ArgumentNullException.ThrowIfNull(fill);
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        AtomicFile.WriteDirectory(full, tmp =>
        {
            fill(tmp);
            WriteManifest(tmp, kind, step);
        });
        RemoveLeftovers(full);
    }

    /// <summary>Removes <c>DIR.tmp-*</c> and <c>DIR.old-*</c> siblings (call only once <c>DIR</c> is complete).</summary>
    static void RemoveLeftovers(string full)
    {
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        foreach (var pattern in new[] { name + ".tmp-*", name + ".old-*" })
            foreach (var stale in Directory.GetDirectories(parent, pattern))
            {
                try { Directory.Delete(stale, recursive: true); }
                catch (IOException) { }            // another process may hold it; the next save tries again
                catch (UnauthorizedAccessException) { }
            }
    }

    static void WriteManifest(string dir, string kind, int? step)
    {
        var files = new JsonArray();
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(dir, file).Replace('\\', '/');
            if (rel == ManifestFile) continue;
            files.Add(new JsonObject { ["path"] = rel, ["bytes"] = new FileInfo(file).Length, ["sha256"] = Hash(file) });
        }
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["kind"] = kind,
            ["step"] = step,
            ["written_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["sequence"] = DateTime.UtcNow.Ticks,
            ["files"] = files,
        };
        AtomicFile.WriteAllText(Path.Combine(dir, ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>What is wrong with <paramref name="dir"/> as a checkpoint of <paramref name="kinds"/>, or null when it is complete.</summary>
    public static string? Problem(string dir, params string[] kinds) => Read(dir, kinds).Problem;

    /// <summary>True when <paramref name="dir"/> has a manifest (whether or not it verifies).</summary>
    public static bool HasManifest(string dir) => File.Exists(Path.Combine(dir, ManifestFile));

    /// <summary>The recorded kind of a checkpoint folder, or null without a manifest.</summary>
    public static string? Kind(string dir)
    {
        try { return (string?)(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ManifestFile))) as JsonObject)?["kind"]; }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>
    /// The newest complete checkpoint of <paramref name="kinds"/> among <paramref name="dir"/>, <c>DIR.old-*</c> and <c>DIR.tmp-*</c>
    /// (see the class remarks); <paramref name="legacyMarker"/> is the file that makes a manifest-less <c>DIR</c> a checkpoint.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="FormatException">Something is there but nothing is complete; the message names each candidate's problem.</exception>
    public static string Locate(string dir, string what, string legacyMarker, params string[] kinds)
    {
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        var candidates = new List<string>();
        if (Directory.Exists(full)) candidates.Add(full);
        if (Directory.Exists(parent))
        {
            candidates.AddRange(Directory.GetDirectories(parent, name + ".old-*").Order(StringComparer.Ordinal));
            candidates.AddRange(Directory.GetDirectories(parent, name + ".tmp-*").Order(StringComparer.Ordinal));
        }
        var read = candidates.Select(c => (Dir: c, Info: Read(c, kinds))).ToList();
        var complete = read.Where(r => r.Info.Problem is null).OrderByDescending(r => r.Info.Step ?? -1).ThenByDescending(r => r.Info.Sequence).ToList();
        if (complete.Count > 0) return complete[0].Dir;
        if (Directory.Exists(full) && !read.Any(r => r.Info.HasManifest) && File.Exists(Path.Combine(full, legacyMarker))) return full;
        if (candidates.Count == 0 || (!read.Any(r => r.Info.HasManifest) && !File.Exists(Path.Combine(full, legacyMarker))))
            throw new FileNotFoundException($"{what}: '{full}' holds no checkpoint ({legacyMarker} is missing).", Path.Combine(full, legacyMarker));
        throw new FormatException($"{what}: '{full}' holds no complete checkpoint: "
            + string.Join("; ", read.Select(r => $"{Path.GetFileName(r.Dir)}: {r.Info.Problem}")) + ".");
    }

    sealed record Info(string? Problem, bool HasManifest, int? Step, long Sequence);

    static Info Read(string dir, string[] kinds)
    {
        var path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path)) return new Info($"{ManifestFile} is missing (the save was interrupted)", false, null, 0);
        JsonObject m;
        try { m = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object"); }
        catch (Exception e) when (e is JsonException or FormatException or IOException) { return new Info($"{ManifestFile} is unreadable ({e.Message})", true, null, 0); }
        try
        {
            if ((string?)m["format"] != Format) return new Info($"{ManifestFile} has format '{m["format"]}', expected '{Format}'", true, null, 0);
            var kind = (string?)m["kind"];
            if (kinds.Length > 0 && !kinds.Contains(kind))
                return new Info($"it is a {kind ?? "(no kind)"} checkpoint, expected {string.Join(" or ", kinds)}", true, null, 0);
            int? step = (int?)m["step"];
            long sequence = (long?)m["sequence"] ?? 0;
            foreach (var f in m["files"]?.AsArray() ?? throw new FormatException("field 'files' is missing"))
            {
                var rel = (string?)f?["path"] ?? throw new FormatException("a file entry has no 'path'");
                if (rel.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) return new Info($"{ManifestFile} lists an unsafe path '{rel}'", true, step, sequence);
                var file = Path.Combine(dir, rel);
                long bytes = (long?)f!["bytes"] ?? throw new FormatException($"entry '{rel}' has no 'bytes'");
                if (!File.Exists(file)) return new Info($"{rel} is missing", true, step, sequence);
                long actual = new FileInfo(file).Length;
                if (actual != bytes) return new Info($"{rel} has {actual} bytes, the manifest lists {bytes}", true, step, sequence);
                if (Hash(file) != (string?)f["sha256"]) return new Info($"{rel} does not match its SHA-256 in the manifest (changed after it was written)", true, step, sequence);
            }
            return new Info(null, true, step, sequence);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or IOException)
        {
            return new Info($"{ManifestFile} is malformed ({e.Message})", true, null, 0);
        }
    }

    static string Hash(string file)
    {
        using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
