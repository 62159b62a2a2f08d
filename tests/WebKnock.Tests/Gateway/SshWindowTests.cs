using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Knocking;
using WebKnock.Proxy.Gate;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Gateway;

/// <summary>SSH as a second service in the running gateway: its own knock, one minute to connect, no effect on the webmail.</summary>
public sealed class SshWindowTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private static readonly int[] SshKnock = [7100, 7300, 7200];
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
    {
        ["WebKnock:Ssh:Knock:Ports:0"] = "7100",
        ["WebKnock:Ssh:Knock:Ports:1"] = "7300",
        ["WebKnock:Ssh:Knock:Ports:2"] = "7200",
        ["WebKnock:Network:AlwaysAllowed:0"] = "198.51.100.0/24",
    });

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: GatewaySshTests.Before_the_knock_22_looks_like_a_closed_port_after_it_ssh_logs_in_within_the_window_and_a_held_session_outlives_it
    [Fact]
    public async Task The_ssh_knock_opens_ssh_alone_for_one_minute()
    {
        await _gw.KnockAsync(A, SshKnock);
        var opened = _gw.Time.GetUtcNow();

        var window = _gw.Windows.Get(ServiceNames.Ssh, IPAddress.Parse(A));
        Assert.NotNull(window);
        Assert.Equal(TimeSpan.FromMinutes(1), window.ExpiresAt - opened + TimeSpan.FromMilliseconds(100));
        Assert.False(_gw.IsOpen(A));
        Assert.True(await _gw.Client(A).IsRefusedAsync());

        _gw.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(_gw.Windows.IsOpen(ServiceNames.Ssh, IPAddress.Parse(A)));
    }

    // Kernel twin: GatewaySshTests.With_SshKeepEstablished_off_the_window_s_end_cuts_a_held_session
    [Fact]
    public async Task An_ssh_window_closing_does_not_cut_the_same_address_s_webmail_connections()
    {
        var connection = new DefaultConnectionContext("test-connection")
        {
            RemoteEndPoint = new IPEndPoint(IPAddress.Parse(A), 50000),
        };
        var held = new TaskCompletionSource();
        var tracked = _gw.Services.GetRequiredService<ConnectionRegistry>().TrackAsync(connection, _ => held.Task);

        await _gw.KnockAsync(A);
        await _gw.KnockAsync(A, SshKnock);
        _gw.Time.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(100);

        Assert.False(_gw.Windows.IsOpen(ServiceNames.Ssh, IPAddress.Parse(A)));
        Assert.True(_gw.IsOpen(A));
        Assert.False(connection.ConnectionClosed.IsCancellationRequested, "the SSH window's close cut a webmail connection");

        _gw.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(await Eventually.TrueAsync(() => connection.ConnectionClosed.IsCancellationRequested), "closing the webmail window did not cut it");
        held.SetResult();
        await tracked;
    }
}
