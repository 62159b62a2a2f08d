using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Webmail;

namespace WebKnock.Tests.Webmail;

public sealed class SessionTrackerTests : IDisposable
{
    private static readonly IPAddress Nat = IPAddress.Parse("198.51.100.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly SessionTracker _tracker;

    public SessionTrackerTests()
    {
        var options = new WebKnockOptions();
        options.Sessions.IdleTimeout = TimeSpan.FromMinutes(24);
        options.Sessions.MaxSessionsPerAddress = 3;
        _tracker = new SessionTracker(Options.Create(options), _time);
    }

    public void Dispose() => _tracker.Dispose();

    [Fact]
    public void An_idle_session_leaves_on_time_and_a_used_one_stays()
    {
        _tracker.Add("s1", Nat, "alice");
        _tracker.Add("s2", Nat, "bob");
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.True(_tracker.Touch("s2"));
        _time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));

        var expired = _tracker.Sweep();

        Assert.Equal("s1", Assert.Single(expired).Id);
        Assert.Equal("bob", Assert.Single(_tracker.ForAddress(Nat)).UserName);
    }

    [Fact]
    public void Sweeping_does_not_keep_sessions_alive()
    {
        _tracker.Add("s1", Nat, "alice");
        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            _tracker.Sweep();
        }

        Assert.Empty(_tracker.ForAddress(Nat));
    }

    [Fact]
    public void Removing_tells_how_many_live_sessions_the_address_keeps()
    {
        _tracker.Add("s1", Nat, "alice");
        _tracker.Add("s2", Nat, "bob");
        Assert.Equal(1, _tracker.Remove("s1").RemainingLive);
        Assert.Equal(0, _tracker.Remove("s2").RemainingLive);
        Assert.Null(_tracker.Remove("s2").Session);
    }

    [Fact]
    public void An_idle_neighbour_does_not_count_as_live()
    {
        _tracker.Add("s1", Nat, "alice");
        _time.Advance(TimeSpan.FromMinutes(10));
        _tracker.Add("s2", Nat, "bob");
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.True(_tracker.Touch("s2"));
        Assert.Equal(0, _tracker.Remove("s2").RemainingLive);
    }

    [Fact]
    public void Sessions_per_address_are_capped()
    {
        Assert.True(_tracker.Add("s1", Nat, "u"));
        Assert.True(_tracker.Add("s2", Nat, "u"));
        Assert.True(_tracker.Add("s3", Nat, "u"));
        Assert.False(_tracker.Add("s4", Nat, "u"));
        Assert.True(_tracker.Add("s5", IPAddress.Parse("198.51.100.8"), "u"));
    }
}
