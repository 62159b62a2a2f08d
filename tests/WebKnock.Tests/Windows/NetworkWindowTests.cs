using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Tests.Windows;

public sealed class NetworkWindowTests
{
    private static readonly IPNetwork Org = IPNetwork.Parse("198.51.100.0/24");
    private static readonly IPAddress InsideA = IPAddress.Parse("198.51.100.10");
    private static readonly IPAddress InsideB = IPAddress.Parse("198.51.100.200");
    private static readonly IPAddress Outside = IPAddress.Parse("198.51.101.10");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly WebKnockOptions _options = new();
    private readonly InMemoryFirewall _firewall;
    private readonly AccessWindowManager _windows;
    private readonly List<NetworkWindowClosed> _closed = [];
    private readonly List<NetworkWindow> _opened = [];

    public NetworkWindowTests()
    {
        _options.Webmail.Window = TimeSpan.FromMinutes(30);
        _options.Webmail.MaxWindow = TimeSpan.FromHours(4);
        _firewall = new InMemoryFirewall(_time);
        _windows = new AccessWindowManager(_firewall, _time, Options.Create(_options), NullLogger<AccessWindowManager>.Instance);
        _windows.NetworkClosed += _closed.Add;
        _windows.NetworkOpened += _opened.Add;
    }

    private Task<NetworkWindow> Open(IPNetwork network, TimeSpan duration, string service = ServiceNames.Webmail)
        => _windows.OpenNetworkAsync(service, network, duration, default);

    [Fact]
    public async Task Every_address_of_the_network_passes_and_no_other()
    {
        var window = await Open(Org, TimeSpan.FromHours(2));

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(2), window.ExpiresAt);
        Assert.Equal(WindowReason.Manual, window.OpenedBy);
        foreach (var address in new[] { InsideA, InsideB, IPAddress.Parse("::ffff:198.51.100.99") })
        {
            Assert.True(_windows.IsOpen(ServiceNames.Webmail, address), address.ToString());
            Assert.True(_firewall.IsAllowed(ServiceNames.Webmail, address), address.ToString());
        }

        Assert.False(_windows.IsOpen(ServiceNames.Webmail, Outside));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, Outside));
        Assert.False(_windows.IsOpen(ServiceNames.Ssh, InsideA));

        // A network window is not an address window.
        Assert.Null(_windows.Get(ServiceNames.Webmail, InsideA));
        Assert.Equal(window, Assert.Single(_windows.ListNetworks()));
        Assert.Equal(window, Assert.Single(_opened));
        var listed = Assert.Single(await _firewall.ListNetworksAsync(ServiceNames.Webmail, default));
        Assert.Equal(Org, listed.Network);
        Assert.Equal(TimeSpan.FromHours(2), listed.Remaining);
    }

    [Fact]
    public async Task The_window_closes_at_its_deadline_in_the_manager_and_the_firewall()
    {
        await Open(Org, TimeSpan.FromMinutes(45));
        _time.Advance(TimeSpan.FromMinutes(44) + TimeSpan.FromSeconds(59));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, InsideB));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, InsideB));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, InsideB));
        var closed = Assert.Single(_closed);
        Assert.Equal(WindowReason.Deadline, closed.Reason);
        Assert.Equal(Org, closed.Window.Network);
        Assert.Empty(_windows.ListNetworks());
        Assert.Empty(await _firewall.ListNetworksAsync(ServiceNames.Webmail, default));
    }

    [Fact]
    public async Task Closing_removes_it_at_once_and_only_once()
    {
        await Open(Org, TimeSpan.FromHours(1));

        Assert.True(await _windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, InsideA));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, InsideA));
        Assert.Equal(WindowReason.Administrator, Assert.Single(_closed).Reason);

        Assert.False(await _windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default));
        _time.Advance(TimeSpan.FromHours(2)); // the old deadline's timer does not close it again
        Assert.Single(_closed);
    }

    [Fact]
    public async Task The_duration_is_capped_by_MaxWindow_and_opening_again_never_shortens()
    {
        var capped = await Open(Org, TimeSpan.FromHours(10));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(4), capped.ExpiresAt);

        _time.Advance(TimeSpan.FromHours(1));
        var shorter = await Open(Org, TimeSpan.FromMinutes(5));
        Assert.Equal(capped.ExpiresAt, shorter.ExpiresAt);
        Assert.Equal(capped.OpenedAt, shorter.OpenedAt);

        await _windows.CloseNetworkAsync(ServiceNames.Webmail, Org, WindowReason.Administrator, default);
        var again = await Open(Org, TimeSpan.FromMinutes(5));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), again.ExpiresAt);
    }

    [Fact]
    public async Task Opening_the_same_network_again_moves_the_deadline()
    {
        var extended = new List<(NetworkWindow, WindowReason)>();
        _windows.NetworkExtended += (w, r) => extended.Add((w, r));
        await Open(Org, TimeSpan.FromMinutes(30));
        _time.Advance(TimeSpan.FromMinutes(20));

        var moved = await Open(Org, TimeSpan.FromMinutes(30));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), moved.ExpiresAt);
        Assert.Equal((moved, WindowReason.Manual), Assert.Single(extended));
        Assert.Single(_opened);
        Assert.Equal(TimeSpan.FromMinutes(30), Assert.Single(await _firewall.ListNetworksAsync(ServiceNames.Webmail, default)).Remaining);

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, InsideA));
        Assert.Empty(_closed);
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "webmail", "10.0.0.0/15", "wider than a /16" },
        { "webmail", "0.0.0.0/0", "WebKnock:Network:NetworkWindowMinPrefixV4" },
        { "webmail", "2001:db8::/31", "WebKnock:Network:NetworkWindowMinPrefixV6" },
        { "webmail", "198.51.100.128/25", "overlaps the open network window 198.51.100.0/24" },
        { "webmail", "198.51.0.0/16", "overlaps the open network window 198.51.100.0/24" },
        { "ssh", "203.0.113.0/24", "\"ssh\" is not configured" },
        { "imap", "203.0.113.0/24", "\"imap\" is not configured" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_networks_say_why_and_change_nothing(string service, string network, string reason)
    {
        await Open(Org, TimeSpan.FromHours(1));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Open(IPNetwork.Parse(network), TimeSpan.FromHours(1), service));
        Assert.Contains(reason, e.Message);
        Assert.Contains(reason, _windows.CheckNetwork(service, IPNetwork.Parse(network)));
        Assert.Single(_windows.ListNetworks());
        Assert.Single(await _firewall.ListNetworksAsync(ServiceNames.Webmail, default));
    }

    [Theory]
    [InlineData("198.51.0.0/16")]
    [InlineData("2001:db8::/32")]
    [InlineData("2001:db8:5::/48")]
    [InlineData("203.0.113.7/32")]
    public void Networks_within_the_limits_are_accepted(string network)
    {
        Assert.Null(_windows.CheckNetwork(ServiceNames.Webmail, IPNetwork.Parse(network)));
    }

    [Fact]
    public async Task The_limits_are_configurable()
    {
        _options.Network.NetworkWindowMinPrefixV4 = 24;
        Assert.Contains("wider than a /24", _windows.CheckNetwork(ServiceNames.Webmail, IPNetwork.Parse("198.51.100.0/23")));
        Assert.Null(_windows.CheckNetwork(ServiceNames.Webmail, Org));
        await Open(Org, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Networks_of_different_services_and_families_do_not_overlap()
    {
        _options.Ssh = new SshOptions { Knock = new KnockOptions { Ports = [7100, 7300, 7200] } };
        await Open(Org, TimeSpan.FromHours(1));
        await Open(Org, TimeSpan.FromMinutes(10), ServiceNames.Ssh);
        await Open(IPNetwork.Parse("2001:db8:5::/48"), TimeSpan.FromHours(1));

        Assert.True(_windows.IsOpen(ServiceNames.Ssh, InsideA));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, IPAddress.Parse("2001:db8:5:ffff::1")));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, IPAddress.Parse("2001:db8:6::1")));
        Assert.Equal(3, _windows.ListNetworks().Count);

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(_windows.IsOpen(ServiceNames.Ssh, InsideA));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, InsideA));
    }

    [Fact]
    public async Task Open_until_is_the_later_of_the_own_window_and_the_network_window()
    {
        var network = await Open(Org, TimeSpan.FromHours(1));
        Assert.Equal(network.ExpiresAt, _windows.OpenUntil(ServiceNames.Webmail, InsideA));
        Assert.Null(_windows.OpenUntil(ServiceNames.Webmail, Outside));

        var own = await _windows.OpenOrExtendAsync(ServiceNames.Webmail, InsideA, WindowReason.Knock, default);
        Assert.Equal(network.ExpiresAt, _windows.OpenUntil(ServiceNames.Webmail, InsideA));

        _time.Advance(TimeSpan.FromMinutes(50));
        var later = await _windows.OpenOrExtendAsync(ServiceNames.Webmail, InsideA, WindowReason.Knock, default);
        Assert.True(later.ExpiresAt > network.ExpiresAt);
        Assert.Equal(later.ExpiresAt, _windows.OpenUntil(ServiceNames.Webmail, InsideA));
        Assert.NotEqual(own.ExpiresAt, later.ExpiresAt);
    }

    [Fact]
    public async Task An_address_in_a_network_window_extends_into_a_window_of_its_own()
    {
        var network = await Open(Org, TimeSpan.FromMinutes(10));

        var own = await _windows.ExtendAsync(ServiceNames.Webmail, InsideA, default);
        Assert.NotNull(own);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), own.ExpiresAt);
        Assert.True(_firewall.IsAllowed(ServiceNames.Webmail, InsideA));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, InsideA));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, InsideB));
        Assert.Equal(network, Assert.Single(_closed).Window);
    }

    [Fact]
    public async Task A_restored_network_window_keeps_its_remaining_time()
    {
        await _firewall.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(7), default);
        var startup = new WindowStartup(_firewall, _windows, Options.Create(_options), NullLogger<WindowStartup>.Instance);
        await startup.StartAsync(default);

        var window = Assert.Single(_windows.ListNetworks());
        Assert.Equal(WindowReason.Restored, window.OpenedBy);
        Assert.Equal(TimeSpan.FromMinutes(7), window.Remaining(_time.GetUtcNow()));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, InsideA));
        _time.Advance(TimeSpan.FromMinutes(7));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, InsideA));
        Assert.Equal(WindowReason.Deadline, Assert.Single(_closed).Reason);
    }

    [Fact]
    public async Task A_duration_that_is_not_positive_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Open(Org, TimeSpan.Zero));
        Assert.Empty(_windows.ListNetworks());
    }

    [Fact]
    public async Task The_in_memory_firewall_refuses_overlaps_as_the_kernel_does()
    {
        await _firewall.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(7), default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _firewall.OpenNetworkAsync(ServiceNames.Webmail, IPNetwork.Parse("198.51.100.0/25"), TimeSpan.FromMinutes(7), default));

        // The same network refreshes; an expired one is gone.
        await _firewall.OpenNetworkAsync(ServiceNames.Webmail, Org, TimeSpan.FromMinutes(1), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _firewall.OpenNetworkAsync(ServiceNames.Webmail, IPNetwork.Parse("198.51.100.0/25"), TimeSpan.FromMinutes(7), default);
    }

    [Theory]
    [InlineData("198.51.100.0/24", "198.51.100.0/24")]
    [InlineData(" 2001:db8:5::/48 ", "2001:db8:5::/48")]
    [InlineData("203.0.113.7", "203.0.113.7/32")]
    [InlineData("2001:db8::7", "2001:db8::7/128")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    public void Input_parses_networks_and_single_addresses(string text, string expected)
    {
        Assert.True(NetworkWindowInput.TryParse(text, out var network, out var error), error);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("198.51.100.7/24", "did you mean 198.51.100.0/24?")]
    [InlineData("2001:db8:5::1/48", "did you mean 2001:db8:5::/48?")]
    [InlineData("198.51.100.0/33", "0 to 32")]
    [InlineData("198.51.100.0/", "0 to 32")]
    [InlineData("198.51.100.0/-1", "0 to 32")]
    [InlineData("::ffff:198.51.100.0/120", "IPv4-mapped")]
    [InlineData("example.org/24", "not a network")]
    [InlineData("", "not a network")]
    [InlineData("fe80::1%eth0/64", "not a network")]
    public void Input_refuses_what_is_not_a_network_and_says_why(string text, string reason)
    {
        Assert.False(NetworkWindowInput.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }
}
