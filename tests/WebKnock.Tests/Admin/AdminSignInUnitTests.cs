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

    [Fact]
    public void An_attackers_failures_from_one_address_do_not_lock_the_administrator_out_from_another()
    {
        var attacker = IPAddress.Parse("192.0.2.66");
        for (var i = 0; i < 5; i++)
        {
            _signIn.Check(AdminSite.Name, "guess" + i, attacker);
        }

        Assert.NotNull(_signIn.Check(AdminSite.Name, AdminSite.Password, attacker).LockedUntil);
        Assert.True(_signIn.Check(AdminSite.Name, AdminSite.Password, From).Succeeded);
        Assert.True(_signIn.Check(AdminSite.Name.ToUpperInvariant(), AdminSite.Password, IPAddress.Parse("2001:db8:9::1")).Succeeded);
    }

    [Fact]
    public void An_IPv6_address_is_counted_with_its_64_an_IPv4_mapped_one_as_IPv4()
    {
        Assert.Null(_signIn.Check(AdminSite.Name, "x", IPAddress.Parse("2001:db8:1:2::1")).LockedUntil);
        Assert.NotNull(_signIn.Check("someone", "y", IPAddress.Parse("2001:db8:1:2:ffff::9")).LockedUntil); // same /64: its second failure

        Assert.NotNull(_signIn.Check(AdminSite.Name, AdminSite.Password, IPAddress.Parse("2001:db8:1:2::77")).LockedUntil);
        Assert.True(_signIn.Check(AdminSite.Name, AdminSite.Password, IPAddress.Parse("2001:db8:1:3::1")).Succeeded);

        _signIn.Check(AdminSite.Name, "x", From.MapToIPv6());
        Assert.NotNull(_signIn.Check(AdminSite.Name, "x", From).LockedUntil);
    }

    [Fact]
    public void A_sign_in_leaves_the_failures_of_its_source_and_of_other_sources()
    {
        var lockout = new SignInLockout(Options.Create(new AdminOptions { MaxFailedSignIns = 3 }), _time);
        var other = IPAddress.Parse("192.0.2.66");
        lockout.Failed("root", From);
        lockout.Failed("root", From);
        lockout.Failed("root", other);
        lockout.Failed("root", other);

        lockout.Succeeded("ROOT", From);

        // From: the source's two failures stay after the sign-in (one more, under any name, locks it). Other: its third.
        Assert.NotNull(lockout.Failed("someone-else", From));
        Assert.NotNull(lockout.Failed("root", other));
    }

    [Fact]
    public void Beyond_the_concurrent_verifications_an_attempt_is_answered_busy_at_once_and_not_counted()
    {
        var options = Options.Create(new AdminOptions
        {
            // A slow hash (600,000 iterations, as webknock hash-password makes), so the checks started together overlap.
            Users = [new() { Name = "root", PasswordHash = AdminPasswordHash.Create("right", AdminPasswordHash.DefaultIterations) }],
            MaxFailedSignIns = 100,
            MaxConcurrentVerifications = 1,
        });
        using var signIn = new AdminSignIn(options, new SignInLockout(options, _time), _recorder, _time, _log);
        const int attempts = 8;
        using var start = new Barrier(attempts);
        var outcomes = new SignInOutcome[attempts];
        var took = new TimeSpan[attempts];
        var threads = Enumerable.Range(0, attempts).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            outcomes[i] = signIn.Check("root", "wrong" + i, IPAddress.Parse($"192.0.2.{i + 1}"));
            took[i] = watch.Elapsed;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var busy = Enumerable.Range(0, attempts).Where(i => outcomes[i].Busy).ToList();
        var checkedOnes = Enumerable.Range(0, attempts).Where(i => !outcomes[i].Busy).ToList();
        Assert.NotEmpty(busy);
        Assert.NotEmpty(checkedOnes);
        Assert.All(outcomes, o => Assert.False(o.Succeeded));
        Assert.True(busy.Max(i => took[i]) < checkedOnes.Min(i => took[i]), "a busy answer came no faster than a check");

        // Only what was checked counts and is recorded; the busy ones are logged.
        Assert.Equal(checkedOnes.Count, _recorder.Events.Count(e => e.Type == GatewayEventType.LoginFailed));
        Assert.Equal(busy.Count, _log.Entries.Count(e => e.Message.Contains("every password check is busy", StringComparison.Ordinal)));

        // Free again: the right password is checked and accepted.
        Assert.True(signIn.Check("root", "right", From).Succeeded);
    }

    private sealed class Recorder : IEventRecorder
    {
        public List<GatewayEvent> Events { get; } = [];

        public long Dropped => 0;

        public void Record(GatewayEvent gatewayEvent) => Events.Add(gatewayEvent);
    }
}
