using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Proxy.Gate;

namespace WebKnock.Tests.Proxy;

/// <summary>Kestrel's first connection step: strangers are closed (after a short wait for their window), told once a minute, counted always.</summary>
public sealed class StrangerConnectionsTests
{
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.9");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly HashSet<IPAddress> _open = [];
    private readonly List<(IPAddress Address, bool Tell)> _refused = [];

    private StrangerConnections Filter(TimeSpan wait)
        => new(_time) { Policy = new StrangerPolicy(a => _open.Contains(a), wait, (a, tell) => _refused.Add((a, tell))) };

    [Fact]
    public async Task An_address_that_passes_goes_on_and_a_stranger_is_aborted_without_reaching_the_next_step()
    {
        var filter = Filter(TimeSpan.Zero);
        _open.Add(A);

        var (passed, aborted) = await RunAsync(filter, A);
        Assert.True(passed);
        Assert.False(aborted);

        (passed, aborted) = await RunAsync(filter, B);
        Assert.False(passed);
        Assert.True(aborted);
        Assert.Equal([(B, true)], _refused);
    }

    [Fact]
    public async Task An_IPv4_mapped_address_is_judged_as_its_IPv4_address()
    {
        var filter = Filter(TimeSpan.Zero);
        _open.Add(A);

        var (passed, _) = await RunAsync(filter, A.MapToIPv6());

        Assert.True(passed);
    }

    [Fact]
    public async Task A_stranger_is_told_once_a_minute_and_counted_every_time()
    {
        var filter = Filter(TimeSpan.Zero);

        for (var i = 0; i < 3; i++)
        {
            await RunAsync(filter, B);
        }

        await RunAsync(filter, A);
        _time.Advance(StrangerConnections.TellEvery);
        await RunAsync(filter, B);

        Assert.Equal([(B, true), (B, false), (B, false), (A, true), (B, true)], _refused);
    }

    [Fact]
    public async Task A_connection_waits_for_the_window_that_its_knock_is_opening_and_goes_on_when_it_opens()
    {
        var filter = Filter(TimeSpan.FromSeconds(1));
        var connection = new RecordingConnection(A);
        var passed = false;

        var running = filter.FilterAsync(connection, _ => { passed = true; return Task.CompletedTask; });
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(running.IsCompleted);

        _open.Add(A);
        filter.WindowOpened(A);
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(passed);
        Assert.False(connection.Aborted);
        Assert.Empty(_refused);
    }

    [Fact]
    public async Task A_network_window_wakes_the_connections_waiting_from_inside_it()
    {
        var filter = Filter(TimeSpan.FromSeconds(1));
        var connection = new RecordingConnection(A);
        var passed = false;

        var running = filter.FilterAsync(connection, _ => { passed = true; return Task.CompletedTask; });
        _open.Add(A);
        filter.NetworkOpened(IPNetwork.Parse("203.0.113.0/24"));
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(passed);
    }

    [Fact]
    public async Task A_connection_whose_window_does_not_open_within_the_wait_is_aborted()
    {
        var filter = Filter(TimeSpan.FromSeconds(1));
        var connection = new RecordingConnection(A);
        var passed = false;

        var running = filter.FilterAsync(connection, _ => { passed = true; return Task.CompletedTask; });
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(running.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(passed);
        Assert.True(connection.Aborted);
        Assert.Equal([(A, true)], _refused);
    }

    [Fact]
    public async Task Beyond_the_most_waiting_connections_a_stranger_is_closed_at_once()
    {
        var filter = new StrangerConnections(_time, maxWaiting: 2)
        {
            Policy = new StrangerPolicy(a => _open.Contains(a), TimeSpan.FromSeconds(1), (a, tell) => _refused.Add((a, tell))),
        };
        var first = filter.FilterAsync(new RecordingConnection(A), _ => Task.CompletedTask);
        var second = filter.FilterAsync(new RecordingConnection(B), _ => Task.CompletedTask);

        var (passed, aborted) = await RunAsync(filter, IPAddress.Parse("192.0.2.99")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(passed);
        Assert.True(aborted);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));

        // The places are free again: the next one waits.
        var third = filter.FilterAsync(new RecordingConnection(A), _ => Task.CompletedTask);
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<(bool Passed, bool Aborted)> RunAsync(StrangerConnections filter, IPAddress address)
    {
        var connection = new RecordingConnection(address);
        var passed = false;
        await filter.FilterAsync(connection, _ => { passed = true; return Task.CompletedTask; });
        return (passed, connection.Aborted);
    }

    private sealed class RecordingConnection : DefaultConnectionContext
    {
        public RecordingConnection(IPAddress address)
            : base(Guid.NewGuid().ToString("N"))
        {
            RemoteEndPoint = new IPEndPoint(address, 40000);
        }

        public bool Aborted { get; private set; }

        public override void Abort(ConnectionAbortedException abortReason) => Aborted = true;
    }
}
