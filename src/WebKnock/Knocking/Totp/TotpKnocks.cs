using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking.Users;
using WebKnock.Operations;
using WebKnock.Windows;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// The gateway's side of the TOTP sequence knock: the SYNs to a service's range (from NFLOG, or from the in-memory
/// sensor) go through that service's <see cref="TotpKnockMatcher"/>; a first completion opens a window for the user
/// (<see cref="AccessWindowManager.OpenForUserAsync"/>, or the knocker's prefix as a network window), lifts a block of
/// the address (a credential outranks a scan block: the kernel lets the range's SYNs through blocks for this), and is
/// recorded; a replay is recorded, counted and remembered for the Now page, and opens nothing.
/// </summary>
internal sealed partial class TotpKnocks
{
    private const int RecentReplays = 20;

    private readonly Dictionary<string, TotpKnockMatcher> _matchers = [];
    private readonly WebKnockOptions _options;
    private readonly AccessWindowManager _windows;
    private readonly IFirewall _firewall;
    private readonly IEventRecorder _recorder;
    private readonly ILogger<TotpKnocks> _logger;
    private readonly MetricsRegistry.CounterFamily _counter;
    private readonly Lock _replaysLock = new();
    private readonly LinkedList<TotpMatch> _replays = new();

    public TotpKnocks(
        IOptions<WebKnockOptions> options,
        IOptions<NftablesOptions> nftables,
        IKnockUsers users,
        AccessWindowManager windows,
        IFirewall firewall,
        IEventRecorder recorder,
        MetricsRegistry metrics,
        TimeProvider time,
        ILogger<TotpKnocks> logger)
    {
        _options = options.Value;
        _windows = windows;
        _firewall = firewall;
        _recorder = recorder;
        _logger = logger;
        _counter = metrics.Counter("webknock_totp_knocks_total", "TOTP sequence knocks by outcome: opened, replay (a used step's sequence from another address, nothing opened), ambiguous (two users at once, nothing opened), flood.", "service", "outcome");
        foreach (var service in _options.GuardedServices())
        {
            if (TotpPools.For(_options, nftables.Value, service) is { } pool)
            {
                var knock = service == ServiceNames.Ssh ? _options.Ssh!.Knock : _options.Webmail.Knock;
                _matchers[service] = new TotpKnockMatcher(service, knock, pool, users.List, time, nftables.Value.FloodBanTime);
                foreach (var outcome in new[] { "opened", "replay", "ambiguous", "flood" })
                {
                    _counter.WithLabels(service, outcome);
                }
            }
        }
    }

    /// <summary>The matcher of each service that takes TOTP knocks.</summary>
    public IReadOnlyDictionary<string, TotpKnockMatcher> Matchers => _matchers;

    /// <summary>The latest replays, newest first (the Now page shows them).</summary>
    public IReadOnlyList<TotpMatch> Replays
    {
        get
        {
            lock (_replaysLock)
            {
                return [.. _replays];
            }
        }
    }

    /// <summary>The service whose TOTP range holds the port, or null.</summary>
    public string? ServiceOfPort(int port) => _matchers.Values.FirstOrDefault(m => m.InRange(port))?.Service;

    /// <summary>Feeds one SYN to a service's range; opens on a first completion. Returns what it did.</summary>
    public async Task<TotpMatch?> ObserveAsync(string service, KnockPacket packet, CancellationToken cancellationToken = default)
    {
        if (!_matchers.TryGetValue(service, out var matcher))
        {
            return null;
        }

        var match = matcher.Observe(packet);
        switch (match.Outcome)
        {
            case TotpOutcome.Opened:
                Count(match);
                await OpenAsync(match, cancellationToken);
                break;
            case TotpOutcome.Replay:
                Count(match);
                ReplayLog(_logger, match.Service, match.User!, match.Source, match.FirstSource!, match.Counter);
                Remember(match);
                _recorder.Record(new GatewayEvent(match.Time, GatewayEventType.KnockReplay, match.Service, match.Source, packet.DestinationPort, match.User,
                    $"totp step {match.Counter} first from {match.FirstSource}"));
                break;
            case TotpOutcome.Ambiguous:
                Count(match);
                AmbiguousLog(_logger, match.Service, match.Source, match.Counter);
                _recorder.Record(new GatewayEvent(match.Time, GatewayEventType.KnockFailed, match.Service, match.Source, packet.DestinationPort, Detail: "totp ambiguous"));
                break;
            case TotpOutcome.Flood:
                Count(match);
                _recorder.Record(new GatewayEvent(match.Time, GatewayEventType.KnockFlood, match.Service, match.Source, packet.DestinationPort, Detail: "totp"));
                break;
        }

        return match;
    }

    private async Task OpenAsync(TotpMatch match, CancellationToken cancellationToken)
    {
        var service = match.Service == ServiceNames.Ssh ? (ServiceOptions)_options.Ssh! : _options.Webmail;
        OpenedLog(_logger, match.Service, match.User!, match.Source, match.Counter);
        _recorder.Record(new GatewayEvent(match.Time, GatewayEventType.KnockCompleted, match.Service, match.Source, User: match.User, Detail: $"totp step {match.Counter}"));

        await OpenWindowAsync(match, service, cancellationToken);

        // A credential passes a block: the kernel let the SYNs through the blocked set; lift it so the window works.
        // After the open, which is what the knocker waits for (absent is not an error).
        await _firewall.LiftBlocksAsync(match.Source, cancellationToken);
    }

    private async Task OpenWindowAsync(TotpMatch match, ServiceOptions service, CancellationToken cancellationToken)
    {
        if (service.Knock.CredentialOpens == CredentialOpens.Prefix)
        {
            var prefix = match.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? service.Knock.CredentialPrefixV4 : service.Knock.CredentialPrefixV6;
            var network = new IPNetwork(Mask(match.Source, prefix), prefix);
            if (_windows.CheckNetwork(match.Service, network) is null)
            {
                await _windows.OpenNetworkAsync(match.Service, network, service.Window, WindowReason.TotpKnock, match.User, cancellationToken);
                return;
            }

            PrefixRefusedLog(_logger, match.Service, network);
        }

        await _windows.OpenForUserAsync(match.Service, match.Source, match.User!, WindowReason.TotpKnock, service.Window, cancellationToken);
    }

    private void Count(TotpMatch match) => _counter.WithLabels(match.Service, match.Outcome.ToString().ToLowerInvariant()).Increment();

    private void Remember(TotpMatch match)
    {
        lock (_replaysLock)
        {
            _replays.AddFirst(match);
            while (_replays.Count > RecentReplays)
            {
                _replays.RemoveLast();
            }
        }
    }

    internal static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    [LoggerMessage(9400, LogLevel.Information, "TOTP knock of {Service} by user {User} from {Address} (step {Counter})")]
    private static partial void OpenedLog(ILogger logger, string service, string user, IPAddress address, long counter);

    [LoggerMessage(9401, LogLevel.Warning, "TOTP knock replay for {Service}: user {User}'s sequence of step {Counter} from {Address}, first used from {FirstAddress}; nothing opened")]
    private static partial void ReplayLog(ILogger logger, string service, string user, IPAddress address, IPAddress firstAddress, long counter);

    [LoggerMessage(9402, LogLevel.Warning, "TOTP knock for {Service} from {Address} completed two users' sequences of step {Counter} at once; nothing opened")]
    private static partial void AmbiguousLog(ILogger logger, string service, IPAddress address, long counter);

    [LoggerMessage(9403, LogLevel.Warning, "TOTP knock for {Service}: the prefix {Network} overlaps another network window; the address alone is opened")]
    private static partial void PrefixRefusedLog(ILogger logger, string service, IPNetwork network);
}
