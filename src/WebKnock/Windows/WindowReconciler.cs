using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Knocking;

namespace WebKnock.Windows;

/// <summary>
/// Keeps the gateway's windows and the firewall's allowed addresses in agreement where the knock reports cannot: a
/// completed knock whose NFLOG report was lost (the kernel let the address in, the gate would refuse it) is taken in
/// with the kernel's time left; a window whose element was deleted from the set by hand is closed in the gateway too.
/// Only what differs in two rounds in a row is settled, so a window being opened or closed at that moment (the
/// gateway writes its memory and the kernel one after the other) is never mistaken for a difference. An element
/// still in the kernel although the gateway closed its window (a delete that failed) is deleted again, never taken
/// in: fail closed. Every <c>WebKnock:Firewall:ReconcileInterval</c>.
/// </summary>
internal sealed partial class WindowReconciler(
    IFirewall firewall,
    AccessWindowManager windows,
    IOptions<WebKnockOptions> options,
    TimeProvider time,
    ILogger<WindowReconciler> logger) : BackgroundService
{
    /// <summary>Closer than this to its end, a window or an element is left to its own timer.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _interval = options.Value.Firewall.ReconcileInterval;
    private readonly string[] _services = options.Value.GuardedServices();
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, IPAddress), DateTimeOffset> _closed = [];
    private HashSet<(string, IPAddress)> _onlyInFirewall = [];
    private HashSet<(string, IPAddress)> _onlyInGateway = [];

    /// <summary>Starts hearing of closes at once (both live as long as the host), not only once the rounds begin.</summary>
    public WindowReconciler Listen()
    {
        windows.Closed += OnClosed;
        return this;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReconcileOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The table gone (the watchdog's business) or nft failing: try again next round.
                RoundFailed(logger, e);
            }
        }
    }

    /// <summary>One round: what differs now and differed the round before is settled. Returns what was done.</summary>
    public async Task<ReconcileResult> ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        // The gateway's view first, then the kernel's: a window opened in between is in the kernel only, for one round.
        var now = time.GetUtcNow();
        var known = windows.List().Where(w => w.ExpiresAt - now > Margin).ToDictionary(w => (w.Service, w.Address));
        var inFirewall = new Dictionary<(string, IPAddress), TimeSpan>();
        var listed = new HashSet<(string, IPAddress)>();
        foreach (var service in _services)
        {
            foreach (var element in await firewall.ListAsync(service, cancellationToken))
            {
                var key = (service, NetworkList.Normalize(element.Address));
                listed.Add(key);
                if (element.Remaining is { } left && left > Margin)
                {
                    inFirewall[key] = left;
                }
            }
        }

        var onlyInFirewall = inFirewall.Keys.Where(k => windows.Get(k.Item1, k.Item2) is null).ToHashSet();
        var onlyInGateway = known.Keys.Where(k => !listed.Contains(k)).ToHashSet();
        HashSet<(string, IPAddress)> settleFirewall, settleGateway;
        lock (_lock)
        {
            settleFirewall = [.. onlyInFirewall.Where(_onlyInFirewall.Contains)];
            settleGateway = [.. onlyInGateway.Where(_onlyInGateway.Contains)];
            _onlyInFirewall = [.. onlyInFirewall.Except(settleFirewall)];
            _onlyInGateway = [.. onlyInGateway.Except(settleGateway)];
            foreach (var (key, at) in _closed.ToList())
            {
                if (now - at > 4 * _interval)
                {
                    _closed.Remove(key);
                }
            }
        }

        var result = new ReconcileResult();
        foreach (var (service, address) in settleFirewall)
        {
            if (windows.Get(service, address) is not null)
            {
                continue; // opened meanwhile by the gateway itself
            }

            if (ClosedRecently(service, address))
            {
                // The gateway closed this window and the kernel still lets the address in: a delete that did not happen.
                StaleElement(logger, service, address);
                await firewall.CloseAsync(service, address, cancellationToken);
                result.Deleted++;
            }
            else
            {
                Adopted(logger, service, address, inFirewall[(service, address)]);
                windows.Restore(service, address, inFirewall[(service, address)], WindowReason.Reconciled);
                result.Adopted++;
            }
        }

        foreach (var (service, address) in settleGateway)
        {
            if (windows.Get(service, address) is { } window && window.ExpiresAt - time.GetUtcNow() > Margin)
            {
                Missing(logger, service, address);
                await windows.CloseAsync(service, address, WindowReason.Reconciled, cancellationToken);
                result.Closed++;
            }
        }

        return result;
    }

    private bool ClosedRecently(string service, IPAddress address)
    {
        lock (_lock)
        {
            return _closed.ContainsKey((service, address));
        }
    }

    private void OnClosed(WindowClosed closed)
    {
        lock (_lock)
        {
            _closed[(closed.Window.Service, closed.Window.Address)] = time.GetUtcNow();
        }
    }

    [LoggerMessage(2110, LogLevel.Warning, "Window of {Service} for {Address} is in the firewall but the gateway never heard of it "
        + "(a lost knock report?): taken in with {Remaining} left")]
    private static partial void Adopted(ILogger logger, string service, IPAddress address, TimeSpan remaining);

    [LoggerMessage(2111, LogLevel.Warning, "Window of {Service} for {Address} is gone from the firewall (deleted by hand?): closed in the gateway too")]
    private static partial void Missing(ILogger logger, string service, IPAddress address);

    [LoggerMessage(2112, LogLevel.Error, "Window of {Service} for {Address} was closed but the firewall still lets the address in: deleting the element again")]
    private static partial void StaleElement(ILogger logger, string service, IPAddress address);

    [LoggerMessage(2113, LogLevel.Debug, "Reconciling windows with the firewall failed; trying again next round")]
    private static partial void RoundFailed(ILogger logger, Exception exception);
}

/// <summary>What one reconciliation round did.</summary>
internal sealed class ReconcileResult
{
    /// <summary>Windows taken in from the firewall.</summary>
    public int Adopted { get; set; }

    /// <summary>Windows closed because the firewall no longer had them.</summary>
    public int Closed { get; set; }

    /// <summary>Elements deleted again because their window had been closed.</summary>
    public int Deleted { get; set; }
}
