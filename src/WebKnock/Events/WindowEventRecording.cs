using WebKnock.Windows;

namespace WebKnock.Events;

/// <summary>Writes every window change to the event store (opened, extended, closed, each with its reason), network windows too.</summary>
internal sealed class WindowEventRecording(AccessWindowManager windows, IEventRecorder recorder, TimeProvider time) : WindowObserver(windows)
{
    protected override void OnOpened(AccessWindow window) => recorder.Record(GatewayEvents.WindowOpened(window, time.GetUtcNow()));

    protected override void OnExtended(AccessWindow window, WindowReason reason) => recorder.Record(GatewayEvents.WindowExtended(window, reason, time.GetUtcNow()));

    protected override void OnClosed(WindowClosed closed) => recorder.Record(GatewayEvents.WindowClosed(closed, time.GetUtcNow()));

    protected override void OnNetworkOpened(NetworkWindow window) => recorder.Record(GatewayEvents.NetworkWindowOpened(window, time.GetUtcNow()));

    protected override void OnNetworkExtended(NetworkWindow window, WindowReason reason) => recorder.Record(GatewayEvents.NetworkWindowExtended(window, reason, time.GetUtcNow()));

    protected override void OnNetworkClosed(NetworkWindowClosed closed) => recorder.Record(GatewayEvents.NetworkWindowClosed(closed, time.GetUtcNow()));
}
