using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Tests.Webmail;

/// <summary>Too many failed webmail logins from one address: its windows close and the firewall blocks it, fail2ban-like.</summary>
public sealed class FailedLoginGuardTests
{
    private static readonly IPAddress A = IPAddress.Parse("198.51.100.30");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.31");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFirewall _firewall;
    private readonly AccessWindowManager _windows;
    private readonly WebKnockOptions _options = new();
    private readonly List<WindowClosed> _closed = [];

    public FailedLoginGuardTests()
    {
        _options.Sessions.FailedLogins = new FailedLoginOptions { MaxFailures = 3, FindTime = TimeSpan.FromMinutes(10), BlockTime = TimeSpan.FromMinutes(30) };
        _options.Network.AlwaysAllowed = ["203.0.113.0/24"];
        _firewall = new InMemoryFirewall(_time);
        _windows = new AccessWindowManager(_firewall, _time, Options.Create(_options), NullLogger<AccessWindowManager>.Instance);
        _windows.Closed += _closed.Add;
    }

    private FailedLoginGuard NewGuard() => new(_windows, Options.Create(_options), _time, NullLogger<FailedLoginGuard>.Instance);

    // Kernel twin: GatewayFailedLoginTests.The_third_wrong_password_closes_the_window_cuts_the_connection_and_blocks_the_address_in_the_kernel_for_the_block_time
    [Fact]
    public async Task The_third_failure_within_find_time_closes_the_window_and_blocks_for_block_time()
    {
        var guard = NewGuard();
        await _windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        await _windows.OpenOrExtendAsync(ServiceNames.Webmail, B, WindowReason.Knock, default);

        Assert.False(await guard.FailedAsync(A, default));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(await guard.FailedAsync(A, default));
        Assert.False(await guard.FailedAsync(B, default)); // another address counts apart
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, A));

        Assert.True(await guard.FailedAsync(A, default));

        Assert.False(_windows.IsOpen(ServiceNames.Webmail, A));
        Assert.Equal(WindowReason.Blocked, Assert.Single(_closed).Reason);
        Assert.True(_firewall.IsBlocked(A));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, B));
        Assert.False(_firewall.IsBlocked(B));
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(_firewall.IsBlocked(A));
    }

    [Fact]
    public async Task Failures_older_than_find_time_do_not_count()
    {
        var guard = NewGuard();
        await guard.FailedAsync(A, default);
        await guard.FailedAsync(A, default);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(await guard.FailedAsync(A, default));
        Assert.False(await guard.FailedAsync(A, default));
        Assert.False(_firewall.IsBlocked(A));
        Assert.True(await guard.FailedAsync(A, default));
    }

    [Fact]
    public async Task An_always_allowed_address_is_never_blocked_and_zero_turns_the_guard_off()
    {
        var guard = NewGuard();
        var admin = IPAddress.Parse("203.0.113.5");
        for (var i = 0; i < 5; i++)
        {
            Assert.False(await guard.FailedAsync(admin, default));
        }

        Assert.False(_firewall.IsBlocked(admin));

        _options.Sessions.FailedLogins.MaxFailures = 0;
        var off = NewGuard();
        for (var i = 0; i < 20; i++)
        {
            Assert.False(await off.FailedAsync(A, default));
        }

        Assert.False(_firewall.IsBlocked(A));
        Assert.Equal(0, off.Tracked);
    }

    // Kernel twin: GatewayFailedLoginTests.The_third_wrong_password_closes_the_window_cuts_the_connection_and_blocks_the_address_in_the_kernel_for_the_block_time
    [Fact]
    public async Task Through_the_gateway_the_tenth_wrong_password_blocks_the_address_and_its_answer_still_arrives()
    {
        const string Guessing = "198.51.100.40";
        const string Colleague = "198.51.100.41";
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
        {
            ["WebKnock:Sessions:FailedLogins:MaxFailures"] = "10",
        });
        await gw.KnockAsync(Guessing);
        await gw.KnockAsync(Colleague);
        var client = gw.Client(Guessing);

        for (var i = 1; i <= 10; i++)
        {
            using var answer = await client.LoginAsync("alice", $"guess-{i}");
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode); // the webmail's "unknown user or password" page, the tenth too
        }

        Assert.False(gw.IsOpen(Guessing));
        Assert.True(await gw.Client(Guessing).IsRefusedAsync());
        var firewall = gw.Services.GetRequiredService<InMemoryFirewall>();
        Assert.True(firewall.IsBlocked(IPAddress.Parse(Guessing)));
        Assert.True(gw.IsOpen(Colleague));
        using var colleague = await gw.Client(Colleague).LoginAsync("alice", "alice-pw");
        Assert.Equal(System.Net.HttpStatusCode.Found, colleague.StatusCode);
    }
}
