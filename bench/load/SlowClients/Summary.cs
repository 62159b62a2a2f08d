using System.Globalization;

namespace WebKnock.Bench.SlowClients;

/// <summary>The normal requests of one phase, summed up.</summary>
public sealed record ProbeSummary(int Count, int Succeeded, double P50Ms, double P99Ms, double MaxMs, IReadOnlyDictionary<string, int> Failures)
{
    public double SuccessRate => Count == 0 ? 0 : (double)Succeeded / Count;

    /// <summary>Latency percentiles are over every request, a failed one counting with the time it took to fail.</summary>
    public static ProbeSummary Of(IReadOnlyList<ProbeRequest> requests)
    {
        var ms = requests.Select(r => r.Elapsed.TotalMilliseconds).Order().ToArray();
        return new ProbeSummary(
            requests.Count,
            requests.Count(r => r.Succeeded),
            Percentile(ms, 0.50),
            Percentile(ms, 0.99),
            ms.Length == 0 ? 0 : ms[^1],
            requests.Where(r => !r.Succeeded).GroupBy(r => r.Error ?? $"HTTP {r.Status}").ToDictionary(g => g.Key, g => g.Count()));
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Succeeded}/{Count} answered 2xx/3xx ({100 * SuccessRate:F1}%), p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms, max {MaxMs:F1} ms")
            + (Failures.Count == 0 ? "" : "; failures: " + string.Join(", ", Failures.Select(f => $"{f.Value} x {f.Key}")));

    /// <summary>The nearest-rank percentile of sorted values (0 when there are none).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
        => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>The slow connections of one attack, summed up.</summary>
public sealed record SlowSummary(
    int Opened,
    int Established,
    int ClosedByServer,
    double CloseMinSeconds,
    double CloseMedianSeconds,
    double CloseMaxSeconds,
    int StillOpen,
    IReadOnlyDictionary<string, int> Answers,
    IReadOnlyDictionary<string, int> Errors)
{
    public static SlowSummary Of(IReadOnlyList<SlowConnection> connections)
    {
        var closed = connections.Where(c => c.ClosedByServerAfter is not null).Select(c => c.ClosedByServerAfter!.Value.TotalSeconds).Order().ToArray();
        return new SlowSummary(
            connections.Count,
            connections.Count(c => c.Established),
            closed.Length,
            closed.Length == 0 ? 0 : closed[0],
            ProbeSummary.Percentile(closed, 0.5),
            closed.Length == 0 ? 0 : closed[^1],
            connections.Count(c => c.Established && c.ClosedByServerAfter is null),
            connections.Where(c => c.ClosedByServerAfter is not null).GroupBy(c => c.Answer ?? "(closed without an answer)").ToDictionary(g => g.Key, g => g.Count()),
            connections.Where(c => !c.Established).GroupBy(c => c.Error ?? "?").ToDictionary(g => g.Key, g => g.Count()));
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"{Opened} opened ({Established} established), {ClosedByServer} closed by the server after {CloseMinSeconds:F1} / {CloseMedianSeconds:F1} / {CloseMaxSeconds:F1} s (min / median / max) of dribbled headers, {StillOpen} still open when the attack ended")
            + (Answers.Count == 0 ? "" : "; answers: " + string.Join(", ", Answers.Select(a => $"{a.Value} x \"{a.Key}\"")))
            + (Errors.Count == 0 ? "" : "; not established: " + string.Join(", ", Errors.Select(e => $"{e.Value} x {e.Key}")));
}
