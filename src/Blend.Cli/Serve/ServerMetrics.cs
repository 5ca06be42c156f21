using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Blend.Cli.Serve;

/// <summary>The server's counters in Prometheus text format (version 0.0.4): requests, samples, latency histogram, pass rate per judge, errors.</summary>
internal sealed class ServerMetrics
{
    static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    readonly ConcurrentDictionary<(string Endpoint, int Status), long> _requests = new();
    readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, long[]> _judges = new(StringComparer.Ordinal); // pass, fail, error
    readonly long[] _latency = new long[Buckets.Length + 1];
    long _latencySumMicros, _latencyCount, _samples;

    /// <summary>Counts one answered request.</summary>
    public void Request(string endpoint, int status, TimeSpan elapsed)
    {
        _requests.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);
        double seconds = elapsed.TotalSeconds;
        int bucket = Array.FindIndex(Buckets, b => seconds <= b);
        Interlocked.Increment(ref _latency[bucket < 0 ? Buckets.Length : bucket]);
        Interlocked.Add(ref _latencySumMicros, (long)(seconds * 1e6));
        Interlocked.Increment(ref _latencyCount);
    }

    /// <summary>Counts an error by kind (bad_request, judge_error, reward_error, timeout, …).</summary>
    public void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Counts scored samples and their verdicts.</summary>
    public void Scored(IReadOnlyList<ScoredSample> results)
    {
        Interlocked.Add(ref _samples, results.Count);
        foreach (var r in results)
        {
            if (r.Error is not null) Error(r.Error.Contains("deadline", StringComparison.Ordinal) ? "timeout" : "sample_error");
            foreach (var v in r.Verdicts)
            {
                var counts = _judges.GetOrAdd(v.Judge, _ => new long[3]);
                Interlocked.Increment(ref counts[(int)v.Outcome]);
                if (v.Outcome == VerdictOutcome.Error) Error("judge_error");
            }
        }
    }

    /// <summary>Samples scored so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>The exposition text.</summary>
    public string Text(long batches)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("# HELP blend_requests_total HTTP requests answered, by endpoint and status.\n# TYPE blend_requests_total counter\n");
        foreach (var ((endpoint, status), n) in _requests.OrderBy(x => x.Key.Endpoint, StringComparer.Ordinal).ThenBy(x => x.Key.Status))
            sb.Append(ic, $"blend_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}\n");
        sb.Append("# HELP blend_samples_total Samples judged and scored.\n# TYPE blend_samples_total counter\n");
        sb.Append(ic, $"blend_samples_total {Samples}\n");
        sb.Append("# HELP blend_batches_total Batches scored (concurrent requests are coalesced).\n# TYPE blend_batches_total counter\n");
        sb.Append(ic, $"blend_batches_total {batches}\n");
        sb.Append("# HELP blend_request_duration_seconds Request latency.\n# TYPE blend_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _latency[i]);
            sb.Append(ic, $"blend_request_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _latency[Buckets.Length]);
        sb.Append(ic, $"blend_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        sb.Append(ic, $"blend_request_duration_seconds_sum {Interlocked.Read(ref _latencySumMicros) / 1e6}\n");
        sb.Append(ic, $"blend_request_duration_seconds_count {Interlocked.Read(ref _latencyCount)}\n");
        sb.Append("# HELP blend_judge_verdicts_total Verdicts by judge and outcome.\n# TYPE blend_judge_verdicts_total counter\n");
        foreach (var (judge, c) in _judges.OrderBy(x => x.Key, StringComparer.Ordinal))
            for (int o = 0; o < 3; o++)
                sb.Append(ic, $"blend_judge_verdicts_total{{judge=\"{Escape(judge)}\",outcome=\"{((VerdictOutcome)o).ToString().ToLowerInvariant()}\"}} {Interlocked.Read(ref c[o])}\n");
        sb.Append("# HELP blend_judge_pass_rate Passes / verdicts, by judge.\n# TYPE blend_judge_pass_rate gauge\n");
        foreach (var (judge, c) in _judges.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            long all = c[0] + c[1] + c[2];
            sb.Append(ic, $"blend_judge_pass_rate{{judge=\"{Escape(judge)}\"}} {(all == 0 ? 0 : c[0] / (double)all)}\n");
        }
        sb.Append("# HELP blend_errors_total Errors by kind.\n# TYPE blend_errors_total counter\n");
        foreach (var (kind, n) in _errors.OrderBy(x => x.Key, StringComparer.Ordinal))
            sb.Append(ic, $"blend_errors_total{{kind=\"{kind}\"}} {n}\n");
        return sb.ToString();
    }

    static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
