using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;
using WebKnock.Windows;

namespace WebKnock.Tests.Proxy;

/// <summary>The gate, the banner's status and the event store with network windows, in the whole gateway.</summary>
public sealed class NetworkWindowGateTests : IAsyncLifetime
{
    private const string A = "198.51.100.10";
    private const string B = "198.51.100.77";
    private const string Outside = "203.0.113.5";
    private static readonly IPNetwork Org = IPNetwork.Parse("198.51.100.0/24");
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: NetworkWindowKernelTests.An_open_network_lets_every_client_in_it_reach_the_protected_port_until_closed
    [Fact]
    public async Task Every_address_of_an_open_network_reaches_the_webmail_until_it_closes()
    {
        Assert.True(await _gw.Client(A).IsRefusedAsync());

        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromHours(1), default);

        foreach (var address in new[] { A, B })
        {
            using var response = await _gw.Client(address).NavigateAsync(WebmailClient.Base + "login.php");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("login_username", await response.TextAsync());
        }

        Assert.True(await _gw.Client(Outside).IsRefusedAsync());

        Assert.True(await _gw.Windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default));
        Assert.True(await _gw.Client(A).IsRefusedAsync());
        Assert.True(await _gw.Client(B).IsRefusedAsync());
    }

    // Kernel twin: NetworkWindowKernelTests.A_network_window_times_out_in_the_kernel
    [Fact]
    public async Task The_network_window_expires_on_the_clock()
    {
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(20), default);
        _gw.Time.Advance(TimeSpan.FromMinutes(19));
        using (var response = await _gw.Client(B).NavigateAsync(WebmailClient.Base + "login.php"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _gw.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await _gw.Client(B).IsRefusedAsync());
    }

    // Kernel twin: NetworkWindowKernelTests.An_open_network_lets_every_client_in_it_reach_the_protected_port_until_closed
    [Fact]
    public async Task Closing_the_network_forgets_the_sessions_of_addresses_nothing_else_lets_in()
    {
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromHours(1), default);
        (await _gw.Client(A).LoginAsync("alice", "alice-pw")).Dispose();
        await _gw.KnockAsync(B); // B has a window of its own as well
        (await _gw.Client(B).LoginAsync("bob", "bob-pw")).Dispose();
        Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(A)));
        Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(B)));

        await _gw.Windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default);

        Assert.Empty(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(A)));
        Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(B)));
        Assert.True(await _gw.Client(A).IsRefusedAsync());
        using var stillIn = await _gw.Client(B).NavigateAsync(WebmailClient.Base + "login.php");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Fact]
    public async Task A_sign_out_inside_a_network_window_leaves_it_open()
    {
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromHours(1), default);
        var client = _gw.Client(A);
        (await client.LoginAsync("alice", "alice-pw")).Dispose();
        (await client.SignOutAsync()).Dispose();

        Assert.True(await Eventually.TrueAsync(() => _gw.Sessions.Tracker.ForAddress(IPAddress.Parse(A)).Count == 0));
        Assert.True(_gw.IsOpen(A));
        Assert.Single(_gw.Windows.ListNetworks());
    }

    [Fact]
    public async Task The_status_shows_the_network_windows_deadline()
    {
        var window = await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(45), default);

        using var response = await _gw.Client(A).NavigateAsync("/.webknock/status");
        var status = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Assert.True(status.GetProperty("open").GetBoolean());
        Assert.Equal(45 * 60, status.GetProperty("remainingSeconds").GetInt32());
        Assert.Equal(window.ExpiresAt, status.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Opening_and_closing_are_recorded_with_the_network()
    {
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(45), default);
        await _gw.Windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default);

        var store = _gw.Services.GetRequiredService<EventStore>();
        List<(int Type, string Address, string Detail)> rows = [];
        Assert.True(await Eventually.TrueAsync(() => (rows = Windows(store)).Count == 2), $"rows: {string.Join("; ", rows)}");
        Assert.Equal((int)GatewayEventType.WindowOpened, rows[0].Type);
        Assert.Equal("198.51.100.0", rows[0].Address);
        Assert.Equal("Manual 198.51.100.0/24", rows[0].Detail);
        Assert.Equal(((int)GatewayEventType.WindowClosed, "198.51.100.0", "Administrator 198.51.100.0/24"), rows[1]);
    }

    private static List<(int Type, string Address, string Detail)> Windows(EventStore store)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, address, detail FROM events WHERE type IN (6, 7, 8) ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(int, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
