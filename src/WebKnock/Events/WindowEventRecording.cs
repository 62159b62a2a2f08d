using WebKnock.Windows;

namespace WebKnock.Events;

/// <summary>Writes every window change to the event store (opened, extended, closed, each with its reason), network windows too.</summary>
internal sealed class WindowEventRecording(AccessWindowManager windows, IEventRecorder recorder, TimeProvider time) : IHostedService
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

    private void OnOpened(AccessWindow window) => recorder.Record(GatewayEvents.WindowOpened(window, time.GetUtcNow()));

    private void OnExtended(AccessWindow window, WindowReason reason) => recorder.Record(GatewayEvents.WindowExtended(window, reason, time.GetUtcNow()));

    private void OnClosed(WindowClosed closed) => recorder.Record(GatewayEvents.WindowClosed(closed, time.GetUtcNow()));

    private void OnNetworkOpened(NetworkWindow window) => recorder.Record(GatewayEvents.NetworkWindowOpened(window, time.GetUtcNow()));

    private void OnNetworkExtended(NetworkWindow window, WindowReason reason) => recorder.Record(GatewayEvents.NetworkWindowExtended(window, reason, time.GetUtcNow()));

    private void OnNetworkClosed(NetworkWindowClosed closed) => recorder.Record(GatewayEvents.NetworkWindowClosed(closed, time.GetUtcNow()));
}
