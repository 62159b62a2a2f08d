using System.Net;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall;
using WebKnock.Knocking.Users;
using WebKnock.Windows;

namespace WebKnock.Knocking.Spa;

/// <summary>
/// The SPA policy: a packet the decoder accepts opens the requested service's window for its user when its timestamp
/// is within <see cref="SpaOptions.MaxPacketAge"/>, its digest was never accepted before, the address it asks for is
/// its source (or "0.0.0.0"; another only for a user who may ask for one), and every port it asks for is a configured
/// service's protected port. The window is never longer than the service's MaxWindow; a block of the address is lifted
/// (a credential outranks a block a scan or flood put there). Every refusal is counted, logged and recorded.
/// </summary>
internal sealed partial class SpaKnockHandler : BackgroundService, ISpaPacketSink
{
    private const int QueueLength = 1024;
    private static readonly IPAddress AnyV4 = IPAddress.Any;

    // Taken by a thread of its own (see ExecuteAsync); full, a packet is dropped and counted, never waited for.
    private readonly BlockingCollection<SpaDatagram> _queue = new(QueueLength);

    private readonly IKnockUsers _users;
    private readonly SpaReplayCache _replays;
    private readonly AccessWindowManager _windows;
    private readonly IFirewall _firewall;
    private readonly IEventRecorder _events;
    private readonly SpaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly WebKnockOptions _options;
    private readonly ILogger<SpaKnockHandler> _logger;

    public SpaKnockHandler(IKnockUsers users, SpaReplayCache replays, AccessWindowManager windows, IFirewall firewall, IEventRecorder events,
        SpaMetrics metrics, TimeProvider time, IOptions<WebKnockOptions> options, ILogger<SpaKnockHandler> logger)
    {
        _users = users;
        _replays = replays;
        _windows = windows;
        _firewall = firewall;
        _events = events;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Raised after each packet, with its outcome (for tests and the benchmark's log).</summary>
    public event Action<SpaDatagram, SpaOutcome>? Handled;

    public bool Submit(SpaDatagram datagram)
    {
        if (!_queue.IsAddingCompleted && _queue.TryAdd(datagram))
        {
            return true;
        }

        _metrics.Dropped();
        return false;
    }

    /// <summary>
    /// The packets are judged in turn on a thread of its own, woken directly by the NFLOG reader that queues them: a
    /// packet's window is queued to the nftables writer (a thread of its own too) without waiting for the thread pool.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                foreach (var datagram in _queue.GetConsumingEnumerable(stoppingToken))
                {
                    try
                    {
                        HandleAsync(datagram, stoppingToken).GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogFailed(_logger, e, datagram.Source);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            finally
            {
                done.TrySetResult();
            }
        })
        { IsBackground = true, Name = "SPA handler" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Decides on one datagram and acts on it; returns the outcome.</summary>
    public async Task<SpaOutcome> HandleAsync(SpaDatagram datagram, CancellationToken cancellationToken)
    {
        var source = datagram.Source.IsIPv4MappedToIPv6 ? datagram.Source.MapToIPv4() : datagram.Source;
        var decoded = SpaDecoder.Decode(datagram.Payload, _users.List());
        var (outcome, target, services) = decoded.Outcome == SpaOutcome.Accepted
            ? Check(decoded.User!, decoded.Message!, source)
            : (decoded.Outcome, null, []);

        if (outcome == SpaOutcome.Accepted)
        {
            outcome = await OpenAsync(decoded.User!, decoded.Message!, source, target!, services, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Refuse(outcome, source, decoded);
        }

        _metrics.Count(outcome);
        Handled?.Invoke(datagram, outcome);
        return outcome;
    }

    private (SpaOutcome, IPAddress?, IReadOnlyList<(string Name, ServiceOptions Options, int Port)>) Check(KnockUser user, SpaMessage message, IPAddress source)
    {
        var now = _time.GetUtcNow();
        if ((now - message.Timestamp).Duration() > _options.Spa.MaxPacketAge)
        {
            return (SpaOutcome.Stale, null, []);
        }

        // As fwknopd: the digest is kept before the request is judged, so no copy of this packet is ever judged again.
        if (!_replays.TryAdd(message.Digest, now))
        {
            return (SpaOutcome.Replay, null, []);
        }

        if (!IPAddress.TryParse(message.Address, out var requested))
        {
            return (SpaOutcome.BadMessage, null, []);
        }

        requested = requested.IsIPv4MappedToIPv6 ? requested.MapToIPv4() : requested;
        var target = requested.Equals(AnyV4) ? source : requested;
        if (!target.Equals(source) && !user.MayRequestOtherAddress)
        {
            return (SpaOutcome.OtherAddress, null, []);
        }

        var services = new List<(string, ServiceOptions, int)>();
        foreach (var request in message.Ports)
        {
            if (Service(request) is not { } service)
            {
                return (SpaOutcome.ForbiddenPort, null, []);
            }

            if (!services.Any(s => s.Item1 == service.Name))
            {
                services.Add((service.Name, service.Options, request.Port));
            }
        }

        return (SpaOutcome.Accepted, target, services);
    }

    private (string Name, ServiceOptions Options)? Service(SpaPortRequest request)
    {
        // The protected ports are guarded for TCP and UDP alike; anything else (the knock ports, other ports) is refused.
        if (_options.Webmail.ProtectedPorts.Contains(request.Port))
        {
            return (ServiceNames.Webmail, _options.Webmail);
        }

        return _options.Ssh is { } ssh && ssh.ProtectedPorts.Contains(request.Port) ? (ServiceNames.Ssh, ssh) : null;
    }

    private async Task<SpaOutcome> OpenAsync(KnockUser user, SpaMessage message, IPAddress source, IPAddress target,
        IReadOnlyList<(string Name, ServiceOptions Options, int Port)> services, CancellationToken cancellationToken)
    {
        try
        {
            // The windows are queued first and the block's lift right after, without waiting in between: the writer
            // runs them in one transaction when they meet in its queue, and the open is never behind the lift (an
            // address that no block holds, the usual case, waits for its window alone).
            var opening = services.Select(s =>
            {
                var length = message.ClientTimeout > 0 ? TimeSpan.FromSeconds(message.ClientTimeout) : s.Options.Window;
                length = length > s.Options.MaxWindow ? s.Options.MaxWindow : length;
                return _windows.OpenForUserAsync(s.Name, target, user.Name, WindowReason.SpaKnock, length, cancellationToken);
            }).ToArray();
            var unblock = _firewall.LiftBlocksAsync(target, cancellationToken);
            await unblock.ConfigureAwait(false);
            var windows = await Task.WhenAll(opening).ConfigureAwait(false);
            for (var i = 0; i < services.Count; i++)
            {
                var (name, _, port) = services[i];
                LogAccepted(_logger, user.Name, name, target, source, windows[i].ExpiresAt);
                _events.Record(new GatewayEvent(_time.GetUtcNow(), GatewayEventType.SpaAccepted, name, target, port, user.Name,
                    target.Equals(source) ? null : $"sent from {source}"));
            }

            return SpaOutcome.Accepted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(_logger, e, source);
            Refuse(SpaOutcome.Failed, source, new SpaDecodeResult(SpaOutcome.Failed, user, message));
            return SpaOutcome.Failed;
        }
    }

    private void Refuse(SpaOutcome outcome, IPAddress source, SpaDecodeResult decoded)
    {
        // Only an authenticated packet's user is named: anyone can write any name into a packet they cannot authenticate.
        var user = decoded.User?.Name;
        var label = SpaMetrics.Label(outcome);
        LogRefused(_logger, label, source, user);
        _events.Record(new GatewayEvent(_time.GetUtcNow(), GatewayEventType.SpaRefused, null, source, _options.Spa.Port, user, label));
    }

    [LoggerMessage(9300, LogLevel.Information, "SPA packet of {User} opened {Service} for {Address} (sent from {Source}) until {ExpiresAt}")]
    private static partial void LogAccepted(ILogger logger, string user, string service, IPAddress address, IPAddress source, DateTimeOffset expiresAt);

    [LoggerMessage(9301, LogLevel.Information, "SPA packet from {Source} refused: {Reason} (user {User})")]
    private static partial void LogRefused(ILogger logger, string reason, IPAddress source, string? user);

    [LoggerMessage(9302, LogLevel.Error, "SPA packet from {Source} could not be handled")]
    private static partial void LogFailed(ILogger logger, Exception exception, IPAddress source);
}
