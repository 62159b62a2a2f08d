using System.Collections.Concurrent;
using WebKnock.Windows;

namespace WebKnock.Admin;

/// <summary>
/// Remembers why each open window's deadline last moved (re-knock, extension, administrator), for the Now
/// page's "how opened" column: <see cref="AccessWindow"/> keeps only why it opened. Keyed by service and
/// target (an address, or a network window's network). Forgotten at open and close.
/// </summary>
internal sealed class WindowExtensions(AccessWindowManager windows) : WindowObserver(windows)
{
    private readonly ConcurrentDictionary<(string Service, string Target), WindowReason> _last = new();

    public WindowReason? LastExtension(string service, string target) =>
        _last.TryGetValue((service, target), out var reason) ? reason : null;

    protected override void OnOpened(AccessWindow window) => _last.TryRemove((window.Service, window.Address.ToString()), out _);

    protected override void OnExtended(AccessWindow window, WindowReason reason) => _last[(window.Service, window.Address.ToString())] = reason;

    protected override void OnClosed(WindowClosed closed) => _last.TryRemove((closed.Window.Service, closed.Window.Address.ToString()), out _);

    protected override void OnNetworkOpened(NetworkWindow window) => _last.TryRemove((window.Service, window.Network.ToString()), out _);

    protected override void OnNetworkExtended(NetworkWindow window, WindowReason reason) => _last[(window.Service, window.Network.ToString())] = reason;

    protected override void OnNetworkClosed(NetworkWindowClosed closed) => _last.TryRemove((closed.Window.Service, closed.Window.Network.ToString()), out _);
}
