using System.Net;
using Microsoft.AspNetCore.Connections;
using WebKnock.Proxy.Gate;

namespace WebKnock.Tests.Proxy;

/// <summary>A closed window cuts its address's connections, except the one whose request closed it (a sign-out's answer).</summary>
public sealed class ConnectionRegistryTests
{
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.7");

    [Fact]
    public async Task Every_connection_of_the_address_is_cut_when_no_request_of_it_is_being_handled()
    {
        var registry = new ConnectionRegistry();
        await using var first = Track(registry, "c1", A);
        await using var second = Track(registry, "c2", A);
        await using var other = Track(registry, "c3", IPAddress.Parse("203.0.113.8"));

        var aborted = await Task.Run(() => registry.AbortAll(A, "window closed: Deadline"));

        Assert.Equal(2, aborted);
        Assert.True(first.Closed);
        Assert.True(second.Closed);
        Assert.False(other.Closed);
    }

    [Fact]
    public async Task The_connection_carrying_the_request_that_closed_the_window_is_spared_the_others_are_cut()
    {
        var registry = new ConnectionRegistry();
        await using var signingOut = Track(registry, "c1", A);
        await using var download = Track(registry, "c2", A);

        var aborted = await Task.Run(async () =>
        {
            ConnectionRegistry.HandlingRequestOn("c1");
            await Task.Yield(); // the close happens later in the same request's flow
            return registry.AbortAll(A, "window closed: LastSignOut");
        });

        Assert.Equal(1, aborted);
        Assert.False(signingOut.Closed, "the sign-out's own connection was cut before its answer");
        Assert.True(download.Closed);
    }

    [Fact]
    public async Task A_request_s_mark_does_not_spare_its_connection_from_a_close_in_another_flow()
    {
        var registry = new ConnectionRegistry();
        await using var connection = Track(registry, "c1", A);
        var marked = new TaskCompletionSource();
        var request = Task.Run(async () =>
        {
            ConnectionRegistry.HandlingRequestOn("c1");
            marked.SetResult();
            await Task.Delay(200);
        });
        await marked.Task;

        // The deadline's timer runs in its own flow.
        Assert.Equal(1, await Task.Run(() => registry.AbortAll(A, "window closed: Deadline")));
        Assert.True(connection.Closed);
        await request;
    }

    private static Tracked Track(ConnectionRegistry registry, string id, IPAddress address)
    {
        var connection = new RecordingConnection(id) { RemoteEndPoint = new IPEndPoint(address, 40000) };
        var held = new TaskCompletionSource();
        return new Tracked(connection, held, registry.TrackAsync(connection, _ => held.Task));
    }

    /// <summary>Records the abort when it is asked for (the default context cancels its token later, on the thread pool).</summary>
    private sealed class RecordingConnection(string id) : DefaultConnectionContext(id)
    {
        public bool Aborted { get; private set; }

        public override void Abort(ConnectionAbortedException abortReason)
        {
            Aborted = true;
            base.Abort(abortReason);
        }
    }

    private sealed record Tracked(RecordingConnection Connection, TaskCompletionSource Held, Task Tracking) : IAsyncDisposable
    {
        public bool Closed => Connection.Aborted;

        public async ValueTask DisposeAsync()
        {
            Held.TrySetResult();
            await Tracking;
        }
    }
}
