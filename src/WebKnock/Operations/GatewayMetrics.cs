using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Operations;

/// <summary>
/// The counters the gateway's code moves where things happen: knocks by outcome, logins, blocks, proxied requests,
/// gate refusals. Every label combination the configuration allows starts at 0, so a rate is defined from the first
/// scrape. What is counted elsewhere already (NFLOG, the event queue) or is a state (open windows) is read at the
/// scrape instead (<see cref="MetricsScrape"/>).
/// </summary>
internal sealed class GatewayMetrics
{
    private static readonly string[] ClassNames = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly MetricsRegistry.CounterFamily _knocks;
    private readonly MetricsRegistry.CounterFamily _dropped;
    private readonly MetricsRegistry.CounterFamily _logins;
    private readonly MetricsRegistry.CounterFamily _blocks;
    private readonly MetricsRegistry.LabeledCounter[] _proxied;
    private readonly MetricsRegistry.LabeledCounter _gateRefusals;
    private readonly MetricsRegistry.LabeledCounter _connectionsRefused;
    private readonly MetricsRegistry.LabeledCounter _strangersRefused;

    public GatewayMetrics(MetricsRegistry registry, IOptions<WebKnockOptions> options)
    {
        Registry = registry;
        _knocks = registry.Counter("webknock_knocks_total", "Knock sequences by outcome: completed, failed (wrong order or too slow), flood (the source was banned at the knock ports).", "service", "outcome");
        _dropped = registry.Counter("webknock_dropped_attempts_total", "Connection attempts to a protected port without an open window (as logged, rate-limited).", "service");
        _logins = registry.Counter("webknock_logins_total", "Logins by outcome: webmail as the gateway saw them, SSH from the sshd log.", "service", "outcome");
        _blocks = registry.Counter("webknock_blocks_total", "Blocks and bans: scan (closed ports scanned), knock_flood (knock ports flooded), failed_logins (too many failed webmail logins), administrator.", "kind");
        var proxied = registry.Counter("webknock_proxied_requests_total", "Requests forwarded to the webmail, by the class of the status answered.", "class");
        _proxied = [.. ClassNames.Select(c => proxied.WithLabels(c))];
        _gateRefusals = registry.Counter("webknock_gate_refusals_total", "Requests the gate refused: no open window, not always allowed, no exemption for the path.").WithLabels();
        _connectionsRefused = registry.Counter("webknock_connections_refused_total", "Connections closed before TLS because their address already had WebKnock:Network:MaxConnectionsPerAddress open.").WithLabels();
        _strangersRefused = registry.Counter("webknock_strangers_refused_total", "Connections closed before TLS because their address had no open window (and was not always allowed, a trusted proxy, or in an operations or admin network).").WithLabels();

        var services = options.Value.GuardedServices();
        foreach (var service in services)
        {
            foreach (var outcome in new[] { "completed", "failed", "flood" })
            {
                _knocks.WithLabels(service, outcome);
            }

            _dropped.WithLabels(service);
            _logins.WithLabels(service, "succeeded");
            _logins.WithLabels(service, "failed");
        }

        foreach (var kind in new[] { "scan", "knock_flood", "failed_logins", "administrator" })
        {
            _blocks.WithLabels(kind);
        }
    }

    public MetricsRegistry Registry { get; }

    /// <summary>A knock event: completions, failures and floods count as knocks; scans and floods as blocks; drops as drops.</summary>
    public void Knock(KnockEvent e)
    {
        switch (e.Kind)
        {
            case KnockEventKind.SequenceCompleted:
                _knocks.WithLabels(e.Service, "completed").Increment();
                break;
            case KnockEventKind.WrongOrder or KnockEventKind.StepTimedOut:
                _knocks.WithLabels(e.Service, "failed").Increment();
                break;
            case KnockEventKind.Flood:
                // The kernel logs a flood once, as it bans the source; so does the in-memory detector.
                _knocks.WithLabels(e.Service, "flood").Increment();
                _blocks.WithLabels("knock_flood").Increment();
                break;
            case KnockEventKind.ScanBlocked:
                _blocks.WithLabels("scan").Increment();
                break;
            case KnockEventKind.DroppedAttempt:
                _dropped.WithLabels(e.Service).Increment();
                break;
        }
    }

    public void Login(string service, bool succeeded) => _logins.WithLabels(service, succeeded ? "succeeded" : "failed").Increment();

    /// <summary>An address blocked by an administrator (the caller counts it: the firewall does not know who blocks).</summary>
    public void AdministratorBlock() => _blocks.WithLabels("administrator").Increment();

    /// <summary>An address blocked for too many failed webmail logins.</summary>
    public void FailedLoginBlock() => _blocks.WithLabels("failed_logins").Increment();

    public void Proxied(int statusCode)
    {
        if (statusCode is >= 100 and < 600)
        {
            _proxied[(statusCode / 100) - 1].Increment();
        }
    }

    public void GateRefused() => _gateRefusals.Increment();

    public void ConnectionRefused() => _connectionsRefused.Increment();

    public void StrangerRefused() => _strangersRefused.Increment();
}

/// <summary>Counts every knock event (registered beside the window manager and the event store).</summary>
internal sealed class KnockMetrics(GatewayMetrics metrics) : IKnockEventHandler
{
    public void Handle(KnockEvent knockEvent) => metrics.Knock(knockEvent);
}
