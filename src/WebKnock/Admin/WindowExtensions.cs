using System.Collections.Concurrent;
using System.Net;
using WebKnock.Windows;

namespace WebKnock.Admin;

/// <summary>
/// Remembers why each open window's deadline last moved (re-knock, extension, administrator), for the Now
/// page's "how opened" column: <see cref="AccessWindow"/> keeps only why it opened. Forgotten at open and close.
/// </summary>
internal sealed class WindowExtensions(AccessWindowManager windows) : IHostedService
{
    private readonly ConcurrentDictionary<(string, IPAddress), WindowReason> _last = new();

    public WindowReason? LastExtension(string service, IPAddress address) =>
        _last.TryGetValue((service, address), out var reason) ? reason : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        windows.Opened += OnOpened;
        windows.Extended += OnExtended;
        windows.Closed += OnClosed;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        windows.Opened -= OnOpened;
        windows.Extended -= OnExtended;
        windows.Closed -= OnClosed;
        return Task.CompletedTask;
    }

    private void OnOpened(AccessWindow window) => _last.TryRemove((window.Service, window.Address), out _);

    private void OnExtended(AccessWindow window, WindowReason reason) => _last[(window.Service, window.Address)] = reason;

    private void OnClosed(WindowClosed closed) => _last.TryRemove((closed.Window.Service, closed.Window.Address), out _);
}
