namespace Blend;

/// <summary>A mergekit merge config that Blend cannot run as written: the message names the file, the line and the key.</summary>
public sealed class MergeConfigException : FormatException
{
    /// <summary>Creates the error; the message reads <c>FILE:LINE: KEY: problem</c>.</summary>
    /// <param name="file">The YAML file.</param>
    /// <param name="line">1-based line of the key or value (0 when unknown).</param>
    /// <param name="key">The key's path, e.g. <c>models[1].parameters.density</c>.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public MergeConfigException(string file, int line, string key, string problem, Exception? inner = null)
        : base($"{file}:{line}: {key}: {problem}", inner)
    {
        File = file;
        Line = line;
        Key = key;
    }

    /// <summary>The YAML file.</summary>
    public string File { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>The key's path in the config.</summary>
    public string Key { get; }
}
