using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Knocking;

namespace WebKnock.Windows;

/// <summary>
/// The per-address access windows: opened by a completed knock, moved by a re-knock or an extension
/// (never past the service's MaxWindow from the opening), closed at the deadline, on the last sign-out,
/// or by an administrator. The firewall is told of every change; the window's timer is the clock's.
/// Network windows (a whole network, opened by an administrator) are in AccessWindowManager.Networks.cs.
/// </summary>
internal sealed partial class AccessWindowManager : IKnockEventHandler, IDisposable
{
    private readonly Dictionary<(string, IPAddress), Entry> _windows = [];
    private readonly Lock _lock = new();
    private readonly IFirewall _firewall;
    private readonly TimeProvider _time;
    private readonly WebKnockOptions _options;
    private readonly ILogger<AccessWindowManager> _logger;

    public AccessWindowManager(IFirewall firewall, TimeProvider time, IOptions<WebKnockOptions> options, ILogger<AccessWindowManager> logger)
    {
        _firewall = firewall;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Raised after a window closed, for whatever reason.</summary>
    public event Action<WindowClosed>? Closed;

    /// <summary>Raised after a window opened (also when restored at start).</summary>
    public event Action<AccessWindow>? Opened;

    /// <summary>Raised after a window's deadline moved, with why.</summary>
    public event Action<AccessWindow, WindowReason>? Extended;

    public AccessWindow? Get(string service, IPAddress address)
    {
        lock (_lock)
        {
            return _windows.TryGetValue((service, NetworkList.Normalize(address)), out var entry) ? entry.Window : null;
        }
    }

    /// <summary>Whether the address may reach the service now: its own window is open, or a network window that holds it.</summary>
    public bool IsOpen(string service, IPAddress address)
        => (Get(service, address) is { } w && w.ExpiresAt > _time.GetUtcNow()) || NetworksContaining(service, address).Count > 0;

    public IReadOnlyList<AccessWindow> List()
    {
        lock (_lock)
        {
            return [.. _windows.Values.Select(e => e.Window)];
        }
    }

    void IKnockEventHandler.Handle(KnockEvent e)
    {
        if (e.Kind == KnockEventKind.SequenceCompleted)
        {
            _ = RunLoggedAsync(OpenOrExtendAsync(e.Service, e.Source, WindowReason.Knock, CancellationToken.None));
        }
    }

    /// <summary>Opens a window, or moves the deadline of the open one by a full window (capped).</summary>
    public Task<AccessWindow> OpenOrExtendAsync(string service, IPAddress address, WindowReason reason, CancellationToken cancellationToken) =>
        SetDeadlineAsync(service, address, reason, ServiceOptions(service).Window, cancellationToken);

    /// <summary>
    /// Opens or moves a window for a knock user's credential (TOTP, SPA): the window remembers <paramref name="user"/>
    /// (a later plain knock or extension keeps it); <paramref name="length"/> is capped by the service's MaxWindow.
    /// </summary>
    public Task<AccessWindow> OpenForUserAsync(string service, IPAddress address, string user, WindowReason reason, TimeSpan length, CancellationToken cancellationToken) =>
        SetDeadlineAsync(service, address, reason, length, cancellationToken, user);

    /// <summary>Closes every window (address or network) that <paramref name="user"/> opened (the user was disabled or removed); returns how many.</summary>
    public async Task<int> CloseUserAsync(string user, CancellationToken cancellationToken)
    {
        AccessWindow[] owned;
        lock (_lock)
        {
            owned = [.. _windows.Values.Select(e => e.Window).Where(w => string.Equals(w.User, user, StringComparison.Ordinal))];
        }

        var closed = 0;
        foreach (var window in owned)
        {
            if (await CloseAsync(window.Service, window.Address, WindowReason.UserDisabled, cancellationToken))
            {
                closed++;
            }
        }

        foreach (var network in ListNetworks().Where(w => string.Equals(w.User, user, StringComparison.Ordinal)))
        {
            if (await CloseNetworkAsync(network.Service, network.Network, WindowReason.UserDisabled, cancellationToken))
            {
                closed++;
            }
        }

        return closed;
    }

    /// <summary>Opens (or moves) a window for a chosen duration, as an administrator does; still capped.</summary>
    public Task<AccessWindow> OpenForAsync(string service, IPAddress address, TimeSpan duration, WindowReason reason, CancellationToken cancellationToken) =>
        SetDeadlineAsync(service, address, reason, duration, cancellationToken);

    /// <summary>
    /// Extends an existing window only; returns null when none is open. An address that passes through a network window
    /// alone gets its own window (a full window, from now), which outlives the network's when that ends first.
    /// </summary>
    public async Task<AccessWindow?> ExtendAsync(string service, IPAddress address, CancellationToken cancellationToken) =>
        IsOpen(service, address) ? await SetDeadlineAsync(service, address, WindowReason.Extend, ServiceOptions(service).Window, cancellationToken) : null;

    /// <summary>
    /// Takes in a window found in the firewall (at start: <see cref="WindowReason.Restored"/>; later, by the reconciler:
    /// <see cref="WindowReason.Reconciled"/>) with its real remaining time; never extends it.
    /// </summary>
    public void Restore(string service, IPAddress address, TimeSpan remaining, WindowReason reason = WindowReason.Restored)
    {
        var now = _time.GetUtcNow();
        var window = new AccessWindow(service, NetworkList.Normalize(address), now, now + remaining, reason);
        lock (_lock)
        {
            Replace(window);
        }

        OpenedLog(_logger, service, window.Address, window.ExpiresAt, reason);
        Opened?.Invoke(window);
    }

    /// <summary>
    /// Blocks the address in the firewall for <paramref name="length"/> after closing its windows of every guarded
    /// service (<see cref="WindowReason.Blocked"/>), so its connections are cut too.
    /// </summary>
    public async Task BlockAsync(IPAddress address, TimeSpan length, CancellationToken cancellationToken)
    {
        foreach (var service in _options.GuardedServices())
        {
            await CloseAsync(service, address, WindowReason.Blocked, cancellationToken);
        }

        await _firewall.BlockAsync(address, length, cancellationToken);
    }

    public async Task<bool> CloseAsync(string service, IPAddress address, WindowReason reason, CancellationToken cancellationToken)
    {
        address = NetworkList.Normalize(address);
        Entry? entry;
        lock (_lock)
        {
            if (_windows.Remove((service, address), out entry))
            {
                entry.Timer.Dispose();
            }
        }

        await _firewall.CloseAsync(service, address, cancellationToken);
        if (entry is null)
        {
            return false;
        }

        WindowClosedLog(_logger, service, address, reason);
        Closed?.Invoke(new WindowClosed(entry.Window, reason));
        return true;
    }

    private async Task<AccessWindow> SetDeadlineAsync(string service, IPAddress address, WindowReason reason, TimeSpan length, CancellationToken cancellationToken, string? user = null)
    {
        address = NetworkList.Normalize(address);
        var now = _time.GetUtcNow();
        var max = ServiceOptions(service).MaxWindow;
        AccessWindow window;
        bool extended;
        lock (_lock)
        {
            extended = _windows.TryGetValue((service, address), out var existing) && existing.Window.ExpiresAt > now;
            var openedAt = extended ? existing!.Window.OpenedAt : now;
            var deadline = Min(now + length, openedAt + max);
            if (extended && deadline < existing!.Window.ExpiresAt)
            {
                deadline = existing.Window.ExpiresAt; // never shortens
            }

            var openedBy = extended ? existing!.Window.OpenedBy : reason;
            window = new AccessWindow(service, address, openedAt, deadline, openedBy, user ?? (extended ? existing!.Window.User : null));
            Replace(window);
        }

        await _firewall.OpenAsync(service, address, window.ExpiresAt - now, cancellationToken);
        if (extended)
        {
            var why = reason == WindowReason.Knock ? WindowReason.Reknock : reason;
            ExtendedLog(_logger, service, address, window.ExpiresAt, why);
            Extended?.Invoke(window, why);
        }
        else
        {
            OpenedLog(_logger, service, address, window.ExpiresAt, reason);
            Opened?.Invoke(window);
        }

        return window;
    }

    private void Replace(AccessWindow window)
    {
        var key = (window.Service, window.Address);
        if (_windows.Remove(key, out var old))
        {
            old.Timer.Dispose();
        }

        var due = window.ExpiresAt - _time.GetUtcNow();
        var timer = DeadlineTimer(_ => OnDeadline(window), due);
        _windows[key] = new Entry(window, timer);
    }

    /// <summary>
    /// A one-shot timer that runs in a flow of its own. A timer captures the execution context it is made in, and a
    /// window is often opened or extended inside a request (the knock page, Extend): without this, the deadline's close
    /// would run with that request's AsyncLocal state, and <see cref="Proxy.Gate.ConnectionRegistry"/> would spare
    /// the connection of that long-finished request as if it were the one closing the window.
    /// </summary>
    private ITimer DeadlineTimer(TimerCallback callback, TimeSpan due)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return _time.CreateTimer(callback, null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDeadline(AccessWindow window)
    {
        lock (_lock)
        {
            if (!_windows.TryGetValue((window.Service, window.Address), out var current) || current.Window != window)
            {
                return; // moved or closed meanwhile
            }
        }

        _ = RunLoggedAsync(CloseAsync(window.Service, window.Address, WindowReason.Deadline, CancellationToken.None));
    }

    private ServiceOptions ServiceOptions(string service) => service switch
    {
        ServiceNames.Ssh when _options.Ssh is not null => _options.Ssh,
        _ => _options.Webmail,
    };

    private async Task RunLoggedAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            FirewallFailed(_logger, ex);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _windows.Values)
            {
                entry.Timer.Dispose();
            }
        }

        DisposeNetworks();
    }

    private sealed record Entry(AccessWindow Window, ITimer Timer);

    [LoggerMessage(2000, LogLevel.Information, "Window of {Service} opened for {Address} until {ExpiresAt} ({Reason})")]
    private static partial void OpenedLog(ILogger logger, string service, IPAddress address, DateTimeOffset expiresAt, WindowReason reason);

    [LoggerMessage(2001, LogLevel.Information, "Window of {Service} for {Address} extended until {ExpiresAt} ({Reason})")]
    private static partial void ExtendedLog(ILogger logger, string service, IPAddress address, DateTimeOffset expiresAt, WindowReason reason);

    [LoggerMessage(2002, LogLevel.Information, "Window of {Service} for {Address} closed ({Reason})")]
    private static partial void WindowClosedLog(ILogger logger, string service, IPAddress address, WindowReason reason);

    [LoggerMessage(2003, LogLevel.Error, "A firewall change failed; the window state may differ from the kernel until the next change")]
    private static partial void FirewallFailed(ILogger logger, Exception exception);
}
