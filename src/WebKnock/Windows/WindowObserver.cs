namespace WebKnock.Windows;

/// <summary>
/// A hosted service that follows every window change of the <see cref="AccessWindowManager"/> (address and network
/// windows), subscribed while the host runs. Subclasses override the changes they care about.
/// </summary>
internal abstract class WindowObserver(AccessWindowManager windows) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        windows.Opened += OnOpened;
        windows.Extended += OnExtended;
        windows.Closed += OnClosed;
        windows.NetworkOpened += OnNetworkOpened;
        windows.NetworkExtended += OnNetworkExtended;
        windows.NetworkClosed += OnNetworkClosed;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        windows.Opened -= OnOpened;
        windows.Extended -= OnExtended;
        windows.Closed -= OnClosed;
        windows.NetworkOpened -= OnNetworkOpened;
        windows.NetworkExtended -= OnNetworkExtended;
        windows.NetworkClosed -= OnNetworkClosed;
        return Task.CompletedTask;
    }

    protected abstract void OnOpened(AccessWindow window);

    protected abstract void OnExtended(AccessWindow window, WindowReason reason);

    protected abstract void OnClosed(WindowClosed closed);

    protected abstract void OnNetworkOpened(NetworkWindow window);

    protected abstract void OnNetworkExtended(NetworkWindow window, WindowReason reason);

    protected abstract void OnNetworkClosed(NetworkWindowClosed closed);
}
