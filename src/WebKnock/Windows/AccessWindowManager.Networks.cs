using System.Net;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Windows;

/// <summary>
/// Network windows: an administrator opens a service for a whole network for a chosen time (capped by the service's
/// MaxWindow from the opening, like an address window). They sit beside the address windows: an address passes when
/// its own window or a network window holding it is open; a sign-out or an idle session never closes a network
/// window, only its deadline or an administrator does. Networks of one service never overlap (the kernel's interval
/// sets refuse it), and none is wider than <c>WebKnock:Network:NetworkWindowMinPrefixV4/V6</c> allows.
/// </summary>
internal sealed partial class AccessWindowManager
{
    private readonly Dictionary<(string Service, IPNetwork Network), NetworkEntry> _networks = [];
    private readonly Lock _networksLock = new();

    // Read on every request by the gate: a snapshot replaced under the lock, read without it.
    private volatile NetworkWindow[] _networkSnapshot = [];

    /// <summary>Raised after a network window opened (also when restored at start).</summary>
    public event Action<NetworkWindow>? NetworkOpened;

    /// <summary>Raised after a network window's deadline moved (opened again by an administrator).</summary>
    public event Action<NetworkWindow, WindowReason>? NetworkExtended;

    /// <summary>Raised after a network window closed, for whatever reason.</summary>
    public event Action<NetworkWindowClosed>? NetworkClosed;

    /// <summary>The open network windows of every service.</summary>
    public IReadOnlyList<NetworkWindow> ListNetworks() => _networkSnapshot;

    /// <summary>The network window of exactly this network, if open.</summary>
    public NetworkWindow? GetNetwork(string service, IPNetwork network)
        => Array.Find(_networkSnapshot, w => w.Service == service && w.Network == network);

    /// <summary>The open network windows of the service that hold the address (at most one: they never overlap).</summary>
    public IReadOnlyList<NetworkWindow> NetworksContaining(string service, IPAddress address)
    {
        var snapshot = _networkSnapshot;
        if (snapshot.Length == 0)
        {
            return [];
        }

        address = NetworkList.Normalize(address);
        var now = _time.GetUtcNow();
        return [.. snapshot.Where(w => w.Service == service && w.ExpiresAt > now && w.Network.Contains(address))];
    }

    /// <summary>
    /// Until when the address may reach the service: the latest deadline of its own window and of the network windows
    /// that hold it; null when none is open.
    /// </summary>
    public DateTimeOffset? OpenUntil(string service, IPAddress address)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? until = Get(service, address) is { } own && own.ExpiresAt > now ? own.ExpiresAt : null;
        foreach (var network in NetworksContaining(service, address))
        {
            if (until is null || network.ExpiresAt > until)
            {
                until = network.ExpiresAt;
            }
        }

        return until;
    }

    /// <summary>
    /// Why <paramref name="network"/> cannot get a window of <paramref name="service"/> now, as a sentence for the
    /// administrator; null when it can: the service must be configured, the network no wider than the configured
    /// limit, and it must not overlap another open network window of the service (the same network is fine: opening
    /// it again moves its deadline).
    /// </summary>
    public string? CheckNetwork(string service, IPNetwork network)
    {
        if (service != ServiceNames.Webmail && !(service == ServiceNames.Ssh && _options.Ssh is not null))
        {
            return $"The service \"{service}\" is not configured here.";
        }

        var address = network.BaseAddress;
        if (address.IsIPv4MappedToIPv6)
        {
            return $"{network} is IPv4-mapped IPv6: give the IPv4 network.";
        }

        var v4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var min = v4 ? _options.Network.NetworkWindowMinPrefixV4 : _options.Network.NetworkWindowMinPrefixV6;
        if (network.PrefixLength < min)
        {
            var key = $"{WebKnockOptions.SectionName}:Network:NetworkWindowMinPrefixV{(v4 ? 4 : 6)}";
            return $"{network} is wider than a /{min}, the widest network a window may open ({key}).";
        }

        var now = _time.GetUtcNow();
        var overlap = Array.Find(_networkSnapshot, w => w.Service == service && w.ExpiresAt > now && w.Network != network
            && (w.Network.Contains(network.BaseAddress) || network.Contains(w.Network.BaseAddress)));
        return overlap is null
            ? null
            : $"{network} overlaps the open network window {overlap.Network} of {service}; close that one first, or open {overlap.Network} itself again to move its deadline.";
    }

    /// <summary>
    /// Opens <paramref name="service"/> for every address of <paramref name="network"/> for <paramref name="duration"/>
    /// (capped by the service's MaxWindow counted from the network window's opening), as an administrator does; opening
    /// an open network again moves its deadline, never earlier. Throws <see cref="ArgumentException"/> with the reason
    /// of <see cref="CheckNetwork"/> when the network is refused, and passes on the firewall's failure (then nothing
    /// changed).
    /// </summary>
    public async Task<NetworkWindow> OpenNetworkAsync(string service, IPNetwork network, TimeSpan duration, CancellationToken cancellationToken)
        => await OpenNetworkAsync(service, network, duration, WindowReason.Manual, null, cancellationToken);

    /// <summary>
    /// As <see cref="OpenNetworkAsync(string, IPNetwork, TimeSpan, CancellationToken)"/>, for a knock user's credential
    /// that opens the knocker's prefix: the window remembers <paramref name="user"/> (closed with the user's windows).
    /// </summary>
    public async Task<NetworkWindow> OpenNetworkAsync(string service, IPNetwork network, TimeSpan duration, WindowReason reason, string? user, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var max = ServiceOptions(service).MaxWindow;
        NetworkWindow window;
        NetworkEntry? previous;
        bool extended;
        lock (_networksLock)
        {
            if (CheckNetwork(service, network) is { } refusal)
            {
                throw new ArgumentException(refusal, nameof(network));
            }

            extended = _networks.TryGetValue((service, network), out previous) && previous.Window.ExpiresAt > now;
            var openedAt = extended ? previous!.Window.OpenedAt : now;
            var deadline = Min(now + duration, openedAt + max);
            if (extended && deadline < previous!.Window.ExpiresAt)
            {
                deadline = previous.Window.ExpiresAt; // never shortens
            }

            window = new NetworkWindow(service, network, openedAt, deadline, extended ? previous!.Window.OpenedBy : reason, user ?? (extended ? previous!.Window.User : null));
            ReplaceNetwork(window);
        }

        try
        {
            await _firewall.OpenNetworkAsync(service, network, window.ExpiresAt - now, cancellationToken);
        }
        catch
        {
            // The kernel refused (or could not be asked): the gate must not let in what the kernel does not.
            lock (_networksLock)
            {
                if (_networks.TryGetValue((service, network), out var current) && current.Window == window)
                {
                    RemoveNetwork((service, network));
                    if (previous is not null)
                    {
                        ReplaceNetwork(previous.Window);
                    }
                }
            }

            throw;
        }

        if (extended)
        {
            NetworkExtendedLog(_logger, service, network, window.ExpiresAt, reason);
            NetworkExtended?.Invoke(window, reason);
        }
        else
        {
            NetworkOpenedLog(_logger, service, network, window.ExpiresAt, reason);
            NetworkOpened?.Invoke(window);
        }

        return window;
    }

    /// <summary>Closes a network window (absent from the firewall afterwards in any case); false when none was open.</summary>
    public async Task<bool> CloseNetworkAsync(string service, IPNetwork network, WindowReason reason, CancellationToken cancellationToken)
    {
        NetworkEntry? entry;
        lock (_networksLock)
        {
            entry = RemoveNetwork((service, network));
        }

        await _firewall.CloseNetworkAsync(service, network, cancellationToken);
        if (entry is null)
        {
            return false;
        }

        NetworkClosedLog(_logger, service, network, reason);
        NetworkClosed?.Invoke(new NetworkWindowClosed(entry.Window, reason));
        return true;
    }

    /// <summary>Restores a network window found in the firewall at start, with its real remaining time.</summary>
    public void RestoreNetwork(string service, IPNetwork network, TimeSpan remaining)
    {
        var now = _time.GetUtcNow();
        var window = new NetworkWindow(service, network, now, now + remaining, WindowReason.Restored);
        lock (_networksLock)
        {
            ReplaceNetwork(window);
        }

        NetworkOpenedLog(_logger, service, network, window.ExpiresAt, WindowReason.Restored);
        NetworkOpened?.Invoke(window);
    }

    private void ReplaceNetwork(NetworkWindow window)
    {
        RemoveNetwork((window.Service, window.Network));
        var due = window.ExpiresAt - _time.GetUtcNow();
        var timer = DeadlineTimer(_ => OnNetworkDeadline(window), due);
        _networks[(window.Service, window.Network)] = new NetworkEntry(window, timer);
        _networkSnapshot = [.. _networks.Values.Select(e => e.Window)];
    }

    private NetworkEntry? RemoveNetwork((string, IPNetwork) key)
    {
        if (!_networks.Remove(key, out var entry))
        {
            return null;
        }

        entry.Timer.Dispose();
        _networkSnapshot = [.. _networks.Values.Select(e => e.Window)];
        return entry;
    }

    private void OnNetworkDeadline(NetworkWindow window)
    {
        lock (_networksLock)
        {
            if (!_networks.TryGetValue((window.Service, window.Network), out var current) || current.Window != window)
            {
                return; // moved or closed meanwhile
            }
        }

        _ = RunLoggedAsync(CloseNetworkAsync(window.Service, window.Network, WindowReason.Deadline, CancellationToken.None));
    }

    private void DisposeNetworks()
    {
        lock (_networksLock)
        {
            foreach (var entry in _networks.Values)
            {
                entry.Timer.Dispose();
            }
        }
    }

    private sealed record NetworkEntry(NetworkWindow Window, ITimer Timer);

    [LoggerMessage(2004, LogLevel.Information, "Window of {Service} opened for network {Network} until {ExpiresAt} ({Reason})")]
    private static partial void NetworkOpenedLog(ILogger logger, string service, IPNetwork network, DateTimeOffset expiresAt, WindowReason reason);

    [LoggerMessage(2005, LogLevel.Information, "Window of {Service} for network {Network} extended until {ExpiresAt} ({Reason})")]
    private static partial void NetworkExtendedLog(ILogger logger, string service, IPNetwork network, DateTimeOffset expiresAt, WindowReason reason);

    [LoggerMessage(2006, LogLevel.Information, "Window of {Service} for network {Network} closed ({Reason})")]
    private static partial void NetworkClosedLog(ILogger logger, string service, IPNetwork network, WindowReason reason);
}
