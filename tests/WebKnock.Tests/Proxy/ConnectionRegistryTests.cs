using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Proxy.Gate;
using WebKnock.Windows;

namespace WebKnock.Tests.Proxy;

/// <summary>
/// A closed window cuts its address's connections, except the one whose request closed it (a sign-out's answer); one
/// address holds at most its limit of connections.
/// </summary>
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

    [Fact]
    public async Task A_deadline_cuts_also_the_connection_whose_request_opened_the_window()
    {
        // The real clock: its timers capture the execution context they are made in, as Kestrel's requests meet them.
        var options = new WebKnockOptions();
        options.Webmail.Window = TimeSpan.FromMilliseconds(300);
        options.Webmail.MaxWindow = TimeSpan.FromSeconds(1);
        var windows = new AccessWindowManager(new InMemoryFirewall(TimeProvider.System), TimeProvider.System, Options.Create(options), NullLogger<AccessWindowManager>.Instance);
        var registry = new ConnectionRegistry();
        await using var opening = Track(registry, "c1", A);
        await using var other = Track(registry, "c2", A);
        var aborted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        windows.Closed += closed => aborted.TrySetResult(registry.AbortAll(closed.Window.Address, $"window closed: {closed.Reason}"));

        // Opened (or extended) inside a request on c1, as the knock page and the Extend button do; the request is
        // long over when the deadline comes, and its connection must not be spared.
        await Task.Run(async () =>
        {
            ConnectionRegistry.HandlingRequestOn("c1");
            await windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        });

        Assert.Equal(2, await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(opening.Closed, "the connection of the request that opened the window outlived its deadline");
        Assert.True(other.Closed);
    }

    [Fact]
    public async Task An_address_at_the_limit_gets_no_more_connections_until_one_ends()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var refusals = new List<(IPAddress Address, bool Tell)>();
        var registry = new ConnectionRegistry(time) { Limit = new ConnectionLimit(2, NetworkList.Empty, (a, tell) => refusals.Add((a, tell))) };
        await using var first = Track(registry, "c1", A);
        var second = Track(registry, "c2", A);

        var third = Track(registry, "c3", A);
        var fourth = Track(registry, "c4", A);
        await using var other = Track(registry, "c5", IPAddress.Parse("203.0.113.8"));

        // Refused at once, without reaching Kestrel's next step (TLS, HTTP): aborted, the tracking already over.
        Assert.True(third.Closed);
        Assert.True(third.Tracking.IsCompleted);
        Assert.False(third.Reached);
        Assert.True(fourth.Closed);
        Assert.False(first.Closed);
        Assert.False(other.Closed);
        Assert.Equal([(A, true), (A, false)], refusals); // told once, counted each time
        Assert.Equal(3, registry.Count);

        // One ends: the address has room again. Refused again at once: counted, not told (churn at the limit must not
        // flood the log); a minute later, told again.
        await second.DisposeAsync();
        await using var fifth = Track(registry, "c6", A);
        Assert.False(fifth.Closed);
        Assert.True(fifth.Reached);
        Assert.True(Track(registry, "c7", A).Closed);
        Assert.Equal((A, false), refusals[^1]);
        time.Advance(ConnectionRegistry.TellEvery);
        Assert.True(Track(registry, "c8", A).Closed);
        Assert.Equal((A, true), refusals[^1]);
        Assert.Equal(4, refusals.Count);
    }

    [Fact]
    public async Task A_trusted_proxy_is_not_limited_and_zero_means_no_limit()
    {
        var proxy = IPAddress.Parse("198.51.100.1");
        var limited = new ConnectionRegistry { Limit = new ConnectionLimit(1, NetworkList.Parse(["198.51.100.0/30"])) };
        var unlimited = new ConnectionRegistry { Limit = new ConnectionLimit(0, NetworkList.Empty) };
        var tracked = new List<Tracked>();
        for (var i = 0; i < 5; i++)
        {
            tracked.Add(Track(limited, $"p{i}", proxy));
            tracked.Add(Track(unlimited, $"u{i}", A));
        }

        Assert.All(tracked, t => Assert.False(t.Closed));
        Assert.Equal(5, limited.Count);
        Assert.Equal(5, unlimited.Count);
        foreach (var t in tracked)
        {
            await t.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_address_leaves_the_registry_with_its_last_connection()
    {
        var registry = new ConnectionRegistry();
        var connections = Enumerable.Range(0, 50).Select(i => Track(registry, $"c{i}", IPAddress.Parse($"203.0.113.{i + 1}"))).ToList();
        Assert.Equal(50, registry.AddressCount);

        // Connections of many addresses ending while others of the same addresses start: nothing is lost or kept.
        await Task.WhenAll(connections.Select(c => Task.Run(async () => await c.DisposeAsync())).Concat(
            Enumerable.Range(0, 50).Select(i => Task.Run(async () => await Track(registry, $"d{i}", IPAddress.Parse($"203.0.113.{i + 1}")).DisposeAsync()))));

        Assert.Equal(0, registry.AddressCount);
        Assert.Equal(0, registry.Count);
    }

    private static Tracked Track(ConnectionRegistry registry, string id, IPAddress address)
    {
        var connection = new RecordingConnection(id) { RemoteEndPoint = new IPEndPoint(address, 40000) };
        var held = new TaskCompletionSource();
        var reached = new StrongBox<bool>();
        return new Tracked(connection, held, reached, registry.TrackAsync(connection, _ =>
        {
            reached.Value = true;
            return held.Task;
        }));
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

    private sealed record Tracked(RecordingConnection Connection, TaskCompletionSource Held, StrongBox<bool> ReachedNext, Task Tracking) : IAsyncDisposable
    {
        public bool Closed => Connection.Aborted;

        /// <summary>The connection went on to Kestrel's next step.</summary>
        public bool Reached => ReachedNext.Value;

        public async ValueTask DisposeAsync()
        {
            Held.TrySetResult();
            await Tracking;
        }
    }
}
