using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall;

namespace WebKnock.Knocking;

/// <summary>
/// Plays the kernel's part for the in-memory backend: runs each service's detector over the packets
/// it is given, opens the firewall on a completed sequence (as the kernel rule adds the address to the
/// allowed set), then publishes the event (as the kernel logs it to NFLOG).
/// </summary>
internal sealed class InMemoryKnockSensor
{
    private readonly (KnockDetector Detector, ServiceOptions Service)[] _detectors;
    private readonly IFirewall _firewall;
    private readonly IKnockEventSink _sink;
    private readonly Lock _gate = new();
    private readonly Totp.TotpKnocks? _totp;

    public InMemoryKnockSensor(IOptions<WebKnockOptions> options, IOptions<WebKnock.Firewall.Nftables.NftablesOptions> nftables, IFirewall firewall, IKnockEventSink sink, TimeProvider time, Totp.TotpKnocks? totp = null)
    {
        var o = options.Value;
        _totp = totp;
        var services = new List<(KnockDetector, ServiceOptions)>();
        if (o.Webmail.Knock.Plain)
        {
            services.Add((new KnockDetector(ServiceNames.Webmail, o.Webmail.Knock, time, nftables.Value.FloodBanTime), o.Webmail));
        }

        // As the kernel: a service whose plain sequence is off has no detector (WebKnock:<Service>:Knock:Plain).
        if (o.Ssh is { Knock.Plain: true })
        {
            services.Add((new KnockDetector(ServiceNames.Ssh, o.Ssh.Knock, time, nftables.Value.FloodBanTime), o.Ssh));
        }

        _detectors = [.. services];
        _firewall = firewall;
        _sink = sink;
    }

    /// <summary>All knock ports of all services, for a listener that needs to know where to listen.</summary>
    public IEnumerable<int> KnockPorts => _detectors.SelectMany(d => d.Service.Knock.Ports);

    /// <summary>The TOTP ranges' ports of all services (empty when no service takes TOTP knocks).</summary>
    public IEnumerable<int> TotpPorts => _totp?.Matchers.Values.SelectMany(m => m.Pool) ?? [];

    public async Task ObserveAsync(KnockPacket packet, CancellationToken cancellationToken = default)
    {
        // The kernel's TOTP chain runs before the plain knock's (and before the blocked set): so here.
        if (_totp?.ServiceOfPort(packet.DestinationPort) is { } totpService)
        {
            await _totp.ObserveAsync(totpService, packet, cancellationToken);
            return;
        }

        foreach (var (detector, service) in _detectors)
        {
            if (!detector.IsKnockPort(packet.DestinationPort))
            {
                continue;
            }

            KnockEvent? e;
            lock (_gate)
            {
                e = detector.Observe(packet);
            }

            if (e is null)
            {
                continue;
            }

            if (e.Kind == KnockEventKind.SequenceCompleted)
            {
                await _firewall.OpenAsync(e.Service, e.Source, service.Window, cancellationToken);
            }

            _sink.Publish(e);
        }
    }
}
