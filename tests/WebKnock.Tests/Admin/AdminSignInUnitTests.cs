using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Admin;
using WebKnock.Events;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin;

/// <summary>AdminSignIn and its lockout on their own: what is logged and recorded, and when a lock starts and ends.</summary>
public sealed class AdminSignInUnitTests
{
    private static readonly IPAddress From = IPAddress.Parse("203.0.113.5");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<AdminSignIn> _log = new();
    private readonly Recorder _recorder = new();
    private readonly AdminSignIn _signIn;

    public AdminSignInUnitTests()
    {
        var options = Options.Create(new AdminOptions
        {
            Users = [new() { Name = AdminSite.Name, PasswordHash = AdminSite.Hash }],
            MaxFailedSignIns = 2,
            Lockout = TimeSpan.FromMinutes(15),
        });
        _signIn = new AdminSignIn(options, new SignInLockout(options, _time), _recorder, _time, _log);
    }

    [Fact]
    public void Logs_and_records_every_attempt_with_name_and_address_never_the_password()
    {
        Assert.False(_signIn.Check(AdminSite.Name, "hunter2-wrong", From).Succeeded);
        Assert.True(_signIn.Check("ROOT", AdminSite.Password, From).Succeeded); // names match whatever their case

        Assert.Equal(["Administrator sign-in as root from 203.0.113.5 failed: wrong password", "Administrator root signed in from 203.0.113.5"],
            _log.Entries.Select(e => e.Message));
        Assert.All(_log.Entries, e => Assert.DoesNotContain("hunter2", e.Message));
        Assert.All(_log.Entries, e => Assert.DoesNotContain(AdminSite.Password, e.Message));
        Assert.All(_log.Entries.SelectMany(e => e.Properties.Values), v => Assert.NotEqual(AdminSite.Password, v?.ToString()));
        Assert.Equal([GatewayEventType.LoginFailed, GatewayEventType.LoginSucceeded], _recorder.Events.Select(e => e.Type));
        Assert.All(_recorder.Events, e => Assert.Equal((AdminSignIn.Service, From), (e.Service, e.Address)));
        Assert.Equal(AdminSite.Name, _recorder.Events[1].User);
    }

    [Fact]
    public void The_lock_starts_at_the_last_allowed_failure_and_ends_after_the_lockout()
    {
        Assert.Null(_signIn.Check("nobody", "x", From).LockedUntil);
        _time.Advance(TimeSpan.FromMinutes(1));
        var locked = _signIn.Check("nobody", "x", From);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(15), locked.LockedUntil);
        Assert.Equal("unknown user", _recorder.Events[0].Detail);

        // Refused attempts while locked do not lengthen it.
        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(locked.LockedUntil, _signIn.Check(AdminSite.Name, AdminSite.Password, From).LockedUntil);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(_signIn.Check(AdminSite.Name, AdminSite.Password, From).Succeeded);
    }

    [Fact]
    public void Failures_older_than_the_lockout_are_forgotten()
    {
        _signIn.Check(AdminSite.Name, "x", From);
        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Null(_signIn.Check(AdminSite.Name, "y", From).LockedUntil);
        Assert.True(_signIn.Check(AdminSite.Name, AdminSite.Password, From).Succeeded);
    }

    [Fact]
    public void An_empty_form_is_neither_counted_nor_recorded()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.False(_signIn.Check("", "", From).Succeeded);
        }

        Assert.Empty(_recorder.Events);
        Assert.True(_signIn.Check(AdminSite.Name, AdminSite.Password, From).Succeeded);
    }

    private sealed class Recorder : IEventRecorder
    {
        public List<GatewayEvent> Events { get; } = [];

        public long Dropped => 0;

        public void Record(GatewayEvent gatewayEvent) => Events.Add(gatewayEvent);
    }
}
