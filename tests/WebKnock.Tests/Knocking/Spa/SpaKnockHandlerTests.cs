using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking.Users;
using WebKnock.Operations;
using WebKnock.Tests.Events;
using WebKnock.Windows;

namespace WebKnock.Knocking.Spa.Tests;

public sealed class SpaKnockHandlerTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.2");
    private static readonly IPAddress Other = IPAddress.Parse("198.51.100.3");
    private readonly FakeTimeProvider _time = new(SpaFixtures.CreatedAt.AddSeconds(10));
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wk-spa-");
    private readonly WebKnockOptions _options = new();
    private readonly InMemoryFirewall _firewall;
    private readonly AccessWindowManager _windows;
    private readonly EventList _events = new();
    private readonly ListLogger<SpaKnockHandler> _logger = new();
    private readonly List<ConfiguredKnockUser> _users = [new() { Name = "alice", SpaKey = SpaFixtures.Key, SpaHmacKey = SpaFixtures.HmacKey }];
    private SpaReplayCache? _cache;
    private SpaMetrics? _metrics;

    public SpaKnockHandlerTests()
    {
        _options.ApplyDefaults();
        _options.Webmail.Window = TimeSpan.FromMinutes(30);
        _options.Webmail.MaxWindow = TimeSpan.FromHours(2);
        _firewall = new InMemoryFirewall(_time);
        _windows = new AccessWindowManager(_firewall, _time, Options.Create(_options), NullLogger<AccessWindowManager>.Instance);
    }

    private string CachePath => Path.Combine(_folder.FullName, "spa-digests.db");

    [Fact]
    public async Task A_client_packet_opens_the_webmail_for_its_source_and_its_user()
    {
        Assert.Equal(SpaOutcome.Accepted, await Handle("access-443", Client));

        var window = _windows.Get("webmail", Client)!;
        Assert.Equal("alice", window.User);
        Assert.Equal(WindowReason.SpaKnock, window.OpenedBy);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), window.ExpiresAt);
        Assert.True(_firewall.IsAllowed("webmail", Client));
        var accepted = Assert.Single(_events.Items, e => e.Type == GatewayEventType.SpaAccepted);
        Assert.Equal(("webmail", Client, 443, "alice"), (accepted.Service, accepted.Address, accepted.Port, accepted.User));
        Assert.Equal(1, _metrics!.Get(SpaOutcome.Accepted));
        var line = Assert.Single(_logger.WithId(9300));
        Assert.Equal("alice", line.Properties["User"]);
    }

    [Fact]
    public async Task The_same_packet_again_is_a_replay_from_any_address_and_after_a_restart()
    {
        Assert.Equal(SpaOutcome.Accepted, await Handle("access-443", Client));
        await _windows.CloseAsync("webmail", Client, WindowReason.Manual, default);

        Assert.Equal(SpaOutcome.Replay, await Handle("access-443", Client));
        Assert.Equal(SpaOutcome.Replay, await Handle("access-443", Other));

        _cache!.Dispose();
        _cache = null; // a new cache on the same file: the gateway restarted
        Assert.Equal(SpaOutcome.Replay, await Handle("access-443", Client));
        Assert.False(_windows.IsOpen("webmail", Client));
        Assert.Equal(3, _events.Items.Count(e => e.Type == GatewayEventType.SpaRefused && e.Detail == "replay"));
    }

    [Theory]
    [InlineData(-122)]
    [InlineData(122)]
    [InlineData(-3600)]
    public async Task A_packet_older_or_newer_than_the_maximum_age_is_refused(int packetAge)
    {
        var packet = SpaTestPackets.Seal(Body("198.51.100.2,tcp/443", SpaFixtures.CreatedAt.AddSeconds(10 - packetAge)), SpaFixtures.Key, SpaFixtures.HmacKey);

        Assert.Equal(SpaOutcome.Stale, await Handle(packet, Client));
        Assert.False(_windows.IsOpen("webmail", Client));
        Assert.Equal("stale", Assert.Single(_events.Items).Detail);
    }

    [Fact]
    public async Task The_captured_packet_is_stale_121_seconds_later()
    {
        _time.SetUtcNow(SpaFixtures.CreatedAt.AddSeconds(123));

        Assert.Equal(SpaOutcome.Stale, await Handle("access-443", Client));
    }

    [Fact]
    public async Task The_maximum_age_is_configurable()
    {
        _options.Spa.MaxPacketAge = TimeSpan.FromSeconds(600);
        _time.SetUtcNow(SpaFixtures.CreatedAt.AddSeconds(500));

        Assert.Equal(SpaOutcome.Accepted, await Handle("access-443", Client));
    }

    [Fact]
    public async Task Another_address_than_the_source_is_refused_unless_the_user_may_ask()
    {
        Assert.Equal(SpaOutcome.OtherAddress, await Handle("access-443", Other));
        Assert.Empty(_windows.List());

        _users[0].MayRequestOtherAddress = true;
        _time.Advance(TimeSpan.FromSeconds(1));
        var packet = SpaTestPackets.Seal(Body("198.51.100.2,tcp/443"), SpaFixtures.Key, SpaFixtures.HmacKey);
        Assert.Equal(SpaOutcome.Accepted, await Handle(packet, Other));
        Assert.True(_windows.IsOpen("webmail", Client));
        Assert.False(_windows.IsOpen("webmail", Other));
    }

    [Fact]
    public async Task Zero_address_means_the_packet_source_also_for_IPv6()
    {
        var v6 = IPAddress.Parse("2001:db8::2");

        Assert.Equal(SpaOutcome.Accepted, await Handle("source-443", v6));

        Assert.Equal("alice", _windows.Get("webmail", v6)!.User);
    }

    [Fact]
    public async Task A_port_that_is_no_service_s_protected_port_is_refused()
    {
        Assert.Null(_options.Ssh);

        Assert.Equal(SpaOutcome.ForbiddenPort, await Handle("timeout-22", Client));
        Assert.Equal(SpaOutcome.ForbiddenPort, await Handle(SpaTestPackets.Seal(Body("198.51.100.2,tcp/7000"), SpaFixtures.Key, SpaFixtures.HmacKey), Client));
        Assert.Equal(SpaOutcome.ForbiddenPort, await Handle(SpaTestPackets.Seal(Body("198.51.100.2,tcp/443,tcp/25"), SpaFixtures.Key, SpaFixtures.HmacKey), Client));
        Assert.Empty(_windows.List());
        Assert.Equal(3, _metrics!.Get(SpaOutcome.ForbiddenPort));
    }

    [Fact]
    public async Task The_client_timeout_is_used_and_capped_by_the_service_maximum()
    {
        _options.Ssh = new SshOptions { ProtectedPorts = [22], MaxWindow = TimeSpan.FromSeconds(60) };

        Assert.Equal(SpaOutcome.Accepted, await Handle("timeout-22", Client));

        Assert.Equal(_time.GetUtcNow().AddSeconds(60), _windows.Get("ssh", Client)!.ExpiresAt);
    }

    [Fact]
    public async Task Two_ports_open_both_services()
    {
        _options.Ssh = new SshOptions { ProtectedPorts = [22] };

        Assert.Equal(SpaOutcome.Accepted, await Handle("two-ports", Client));

        Assert.True(_windows.IsOpen("webmail", Client));
        Assert.True(_windows.IsOpen("ssh", Client));
        Assert.Equal(_time.GetUtcNow() + SshOptions.DefaultWindow, _windows.Get("ssh", Client)!.ExpiresAt);
    }

    [Fact]
    public async Task Disabled_unknown_and_impersonated_users_open_nothing()
    {
        _users[0].Enabled = false;
        Assert.Equal(SpaOutcome.UserDisabled, await Handle("access-443", Client));

        _users[0].Enabled = true;
        Assert.Equal(SpaOutcome.WrongUser, await Handle("user-mallory", Client));

        _users[0].Name = "carol";
        Assert.Equal(SpaOutcome.WrongUser, await Handle("access-443", Client));

        _users[0].SpaHmacKey = Convert.ToBase64String(new byte[32]);
        Assert.Equal(SpaOutcome.BadHmac, await Handle("access-443", Client));
        Assert.Empty(_windows.List());
        Assert.Null(_events.Items.Last().User);
    }

    [Fact]
    public async Task A_blocked_address_is_unblocked_by_a_good_packet_and_not_by_a_bad_one()
    {
        await _firewall.BlockAsync(Client, TimeSpan.FromHours(1), default);
        Assert.Equal(SpaOutcome.BadHmac, await Handle(Flip(SpaFixtures.Bytes("access-443")), Client));
        Assert.True(_firewall.IsBlocked(Client));

        Assert.Equal(SpaOutcome.Accepted, await Handle("access-443", Client));

        Assert.False(_firewall.IsBlocked(Client));
        Assert.True(_firewall.IsAllowed("webmail", Client));
    }

    [Fact]
    public async Task No_key_reaches_a_log_line_or_an_event()
    {
        await Handle("access-443", Client);
        await Handle("access-443", Client);
        await Handle("user-mallory", Client);
        await Handle(Flip(SpaFixtures.Bytes("access-443")), Client);

        var text = string.Join("\n", _logger.Entries.Select(e => e.Message + string.Join(",", e.Properties.Values)))
            + string.Join("\n", _events.Items.Select(e => e.ToString()));
        foreach (var secret in new[] { SpaFixtures.Key, SpaFixtures.HmacKey, SpaFixtures.Key[..12], SpaFixtures.HmacKey[..12] })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Equal(4, _logger.Entries.Count);
    }

    [Fact]
    public void Outcomes_are_snake_case_labels()
    {
        Assert.Equal("bad_hmac", SpaMetrics.Label(SpaOutcome.BadHmac));
        Assert.Equal("forbidden_port", SpaMetrics.Label(SpaOutcome.ForbiddenPort));
        Assert.Equal("accepted", SpaMetrics.Label(SpaOutcome.Accepted));
    }

    [Fact]
    public void The_replay_cache_forgets_after_twice_the_maximum_age()
    {
        using var cache = new SpaReplayCache(CachePath, TimeSpan.FromSeconds(120));
        var t0 = SpaFixtures.CreatedAt;
        Assert.True(cache.TryAdd("a", t0));
        Assert.False(cache.TryAdd("a", t0.AddSeconds(239)));
        Assert.True(cache.TryAdd("b", t0.AddSeconds(241)));
        Assert.Equal(1, cache.Count());
        Assert.True(cache.TryAdd("a", t0.AddSeconds(242)));
    }

    private static string Body(string access, DateTimeOffset? timestamp = null)
        => "1234567890123456:" + FwknopBase64.Encode("alice"u8) + ":" + (timestamp ?? SpaFixtures.CreatedAt).ToUnixTimeSeconds() + ":3.0.0:1:"
            + FwknopBase64.Encode(System.Text.Encoding.ASCII.GetBytes(access));

    private static byte[] Flip(byte[] packet)
    {
        packet[40] ^= 4;
        return packet;
    }

    private Task<SpaOutcome> Handle(string fixture, IPAddress source) => Handle(SpaFixtures.Bytes(fixture), source);

    private Task<SpaOutcome> Handle(byte[] payload, IPAddress source)
    {
        _cache ??= new SpaReplayCache(CachePath, _options.Spa.MaxPacketAge);
        _metrics ??= new SpaMetrics(new MetricsRegistry());
        var users = new ConfiguredKnockUsers(Options.Create(new KnockUsersOptions { Users = _users }));
        var handler = new SpaKnockHandler(users, _cache, _windows, _firewall, _events, _metrics, _time, Options.Create(_options), _logger);
        return handler.HandleAsync(new SpaDatagram(source, payload, _time.GetUtcNow()), default);
    }

    public void Dispose()
    {
        _cache?.Dispose();
        _windows.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private sealed class EventList : IEventRecorder
    {
        public List<GatewayEvent> Items { get; } = [];

        public long Dropped => 0;

        public void Record(GatewayEvent gatewayEvent) => Items.Add(gatewayEvent);
    }
}
