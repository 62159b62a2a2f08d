using System.Text.RegularExpressions;
using WebKnock.Operations;

namespace WebKnock.Knocking.Spa;

/// <summary>SPA packets by outcome (<c>webknock_spa_packets_total{outcome}</c>), every outcome from 0, and the ones the queue dropped.</summary>
internal sealed partial class SpaMetrics
{
    private readonly Dictionary<SpaOutcome, MetricsRegistry.LabeledCounter> _outcomes;
    private readonly MetricsRegistry.LabeledCounter _dropped;

    public SpaMetrics(MetricsRegistry registry)
    {
        var family = registry.Counter("webknock_spa_packets_total", "Single-packet authorization packets by outcome: accepted, or why refused (bad_hmac, stale, replay, other_address, forbidden_port...).", "outcome");
        _outcomes = Enum.GetValues<SpaOutcome>().ToDictionary(o => o, o => family.WithLabels(Label(o)));
        _dropped = registry.Counter("webknock_spa_queue_dropped_total", "SPA packets dropped because the gateway's queue was full.").WithLabels();
    }

    public void Count(SpaOutcome outcome) => _outcomes[outcome].Increment();

    public long Get(SpaOutcome outcome) => _outcomes[outcome].Value;

    public void Dropped() => _dropped.Increment();

    /// <summary>The outcome as a label and an event detail: <c>BadHmac</c> is <c>bad_hmac</c>.</summary>
    public static string Label(SpaOutcome outcome) => UpperCase().Replace(outcome.ToString(), m => (m.Index == 0 ? "" : "_") + char.ToLowerInvariant(m.Value[0]));

    [GeneratedRegex("[A-Z]")]
    private static partial Regex UpperCase();
}
