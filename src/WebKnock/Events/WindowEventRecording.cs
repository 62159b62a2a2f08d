using WebKnock.Windows;

namespace WebKnock.Events;

/// <summary>Writes every window change to the event store (opened, extended, closed, each with its reason).</summary>
internal sealed class WindowEventRecording(AccessWindowManager windows, IEventRecorder recorder, TimeProvider time) : IHostedService
{
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

    private void OnOpened(AccessWindow window) => recorder.Record(GatewayEvents.WindowOpened(window, time.GetUtcNow()));

    private void OnExtended(AccessWindow window, WindowReason reason) => recorder.Record(GatewayEvents.WindowExtended(window, reason, time.GetUtcNow()));

    private void OnClosed(WindowClosed closed) => recorder.Record(GatewayEvents.WindowClosed(closed, time.GetUtcNow()));
}
