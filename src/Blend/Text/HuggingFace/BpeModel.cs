using System.Collections.Concurrent;
using System.Text;

namespace Blend.HuggingFace;

/// <summary>
/// The BPE model of a Hugging Face <c>tokenizer.json</c>: a word (one pre-token) starts as its characters and the adjacent pair
/// with the lowest merge rank is merged, leftmost first, until no listed merge applies (the algorithm of the Rust
/// <c>tokenizers</c> crate, with a heap so a long word costs O(n log n)). Characters outside the vocabulary become their
/// UTF-8 bytes as <c>&lt;0xXX&gt;</c> tokens when <c>byte_fallback</c> is on, else the unknown token.
/// </summary>
internal sealed class BpeModel
{
    const int CacheLimit = 50_000;
    const int CacheWordLength = 64;

    readonly Dictionary<string, int> _vocab;
    readonly Dictionary<long, (int Rank, int Id)> _merges;
    readonly int? _unk;
    readonly bool _fuseUnk;
    readonly bool _byteFallback;
    readonly bool _ignoreMerges;
    readonly int[]? _byteTokens;
    readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken,
        bool fuseUnk, bool byteFallback, bool ignoreMerges, string source)
    {
        _vocab = vocab;
        _fuseUnk = fuseUnk;
        _byteFallback = byteFallback;
        _ignoreMerges = ignoreMerges;
        if (unkToken is not null)
            _unk = vocab.TryGetValue(unkToken, out var u) ? u : throw new FormatException($"{source}: model.unk_token '{unkToken}' is not in model.vocab.");
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (l, r) = merges[rank];
            if (!vocab.TryGetValue(l, out var a) || !vocab.TryGetValue(r, out var b))
                throw new FormatException($"{source}: model.merges[{rank}] '{l} {r}' uses a token that is not in model.vocab.");
            if (!vocab.TryGetValue(l + r, out var id))
                throw new FormatException($"{source}: model.merges[{rank}] '{l} {r}' makes '{l + r}', which is not in model.vocab.");
            _merges.TryAdd(Key(a, b), (rank, id));
        }
        if (byteFallback)
        {
            _byteTokens = new int[256];
            for (int i = 0; i < 256; i++)
                _byteTokens[i] = vocab.TryGetValue($"<0x{i:X2}>", out var id) ? id : -1;
        }
    }

    /// <summary>The token ids of one pre-token, appended to <paramref name="output"/>.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole)) { output.Add(whole); return; }
        if (word.Length <= CacheWordLength && _cache.TryGetValue(word, out var cached)) { output.AddRange(cached); return; }
        var ids = Merge(word);
        if (word.Length <= CacheWordLength && _cache.Count < CacheLimit) _cache.TryAdd(word, ids);
        output.AddRange(ids);
    }

    int[] Merge(string word)
    {
        // Initial symbols: one per code point (a surrogate pair is one symbol).
        var ids = new List<int>(word.Length);
        bool lastWasUnk = false;
        var sb = new StringBuilder(2);
        for (int i = 0; i < word.Length;)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var symbol = word.Substring(i, len);
            i += len;
            if (_vocab.TryGetValue(symbol, out var id)) { ids.Add(id); lastWasUnk = false; continue; }
            if (_byteTokens is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(symbol);
                if (bytes.All(b => _byteTokens[b] >= 0))
                {
                    foreach (var b in bytes) ids.Add(_byteTokens[b]);
                    lastWasUnk = false;
                    continue;
                }
            }
            if (_unk is not int unk)
                throw new InvalidOperationException($"HuggingFaceTokenizer: '{symbol}' (U+{char.ConvertToUtf32(symbol, 0):X4}) is not in the vocabulary and the model has no unk_token or byte fallback.");
            if (!(_fuseUnk && lastWasUnk)) ids.Add(unk);
            lastWasUnk = true;
        }
        if (ids.Count < 2) return ids.ToArray();

        // Doubly linked symbols and a min-heap of candidate merges (rank, then position).
        int n = ids.Count;
        var sym = ids.ToArray();
        var prev = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; alive[i] = true; }
        var heap = new PriorityQueue<(int Pos, int Right, int Id), (int Rank, int Pos)>();
        for (int i = 0; i + 1 < n; i++) Push(i, i + 1);
        while (heap.TryDequeue(out var m, out _))
        {
            // Stale entries: either side was merged away or changed since the entry was pushed.
            if (!alive[m.Pos] || !alive[m.Right] || next[m.Pos] != m.Right) continue;
            if (!_merges.TryGetValue(Key(sym[m.Pos], sym[m.Right]), out var merge) || merge.Id != m.Id) continue;
            sym[m.Pos] = m.Id;
            alive[m.Right] = false;
            next[m.Pos] = next[m.Right];
            if (next[m.Pos] >= 0) prev[next[m.Pos]] = m.Pos;
            if (prev[m.Pos] >= 0) Push(prev[m.Pos], m.Pos);
            if (next[m.Pos] >= 0) Push(m.Pos, next[m.Pos]);
        }
        var result = new List<int>(n);
        for (int i = 0; i >= 0; i = next[i]) result.Add(sym[i]);
        return result.ToArray();

        void Push(int left, int right)
        {
            if (_merges.TryGetValue(Key(sym[left], sym[right]), out var merge))
                heap.Enqueue((left, right, merge.Id), (merge.Rank, left));
        }
    }

    static long Key(int a, int b) => ((long)a << 32) | (uint)b;
}
