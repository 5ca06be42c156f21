namespace Blend.HuggingFace;

/// <summary>
/// GPT-2's byte-level alphabet: each of the 256 byte values is shown as one printable character (bytes that are printable
/// Latin-1 stand for themselves, the others are moved to U+0100 and up), so byte-level BPE vocabularies are plain strings.
/// </summary>
internal static class ByteLevelAlphabet
{
    static readonly char[] ByteToChar = Build();
    static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    /// <summary>The character that stands for <paramref name="b"/>.</summary>
    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The characters that stand for the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string EncodeUtf8(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, (span, b) => { for (int i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]]; });
    }

    /// <summary>The byte a character stands for, or null when it is not in the alphabet.</summary>
    public static byte? Decode(char c) => CharToByte.TryGetValue(c, out var b) ? b : null;

    static char[] Build()
    {
        var map = new char[256];
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) map[b] = printable[b] ? (char)b : (char)(256 + next++);
        return map;
    }
}
