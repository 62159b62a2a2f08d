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

public sealed class SessionTrackerIndexTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private SessionTracker NewTracker(int perAddress, int total)
    {
        var options = new WebKnockOptions();
        options.Sessions.IdleTimeout = TimeSpan.FromMinutes(24);
        options.Sessions.MaxSessionsPerAddress = perAddress;
        options.Sessions.MaxSessions = total;
        return new SessionTracker(Options.Create(options), _time);
    }

    [Fact]
    public void Sessions_in_all_are_capped_and_a_freed_place_is_taken_again()
    {
        using var tracker = NewTracker(perAddress: 3, total: 4);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(tracker.Add($"s{i}", IPAddress.Parse($"198.51.100.{i + 1}"), "u"));
        }

        Assert.False(tracker.Add("s4", IPAddress.Parse("198.51.100.9"), "u"));
        Assert.Equal(4, tracker.Count);
        Assert.Equal(4, tracker.AddressCount); // the refused address left no empty entry behind

        tracker.Remove("s0");
        Assert.True(tracker.Add("s4", IPAddress.Parse("198.51.100.9"), "u"));
        Assert.Equal(4, tracker.Count);
    }

    [Fact]
    public void An_address_leaves_the_index_with_its_last_session_however_it_goes()
    {
        using var tracker = NewTracker(perAddress: 10, total: 100);
        var a = IPAddress.Parse("198.51.100.1");
        var b = IPAddress.Parse("198.51.100.2");
        var c = IPAddress.Parse("198.51.100.3");
        tracker.Add("a1", a, "u");
        tracker.Add("b1", b, "u");
        tracker.Add("b2", b, "u");
        tracker.Add("c1", c, "u");
        _time.Advance(TimeSpan.FromMinutes(20));
        tracker.Touch("c1");
        _time.Advance(TimeSpan.FromMinutes(5));

        tracker.Remove("a1");
        tracker.RemoveAll(b);
        Assert.Equal(1, tracker.AddressCount);
        Assert.Equal(1, tracker.Count);
        Assert.Equal(["c1"], tracker.ForAddress(c).Select(s => s.Id));

        _time.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal("c1", Assert.Single(tracker.Sweep()).Id);
        Assert.Equal(0, tracker.AddressCount);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public async Task Concurrent_logins_and_sign_outs_of_many_addresses_keep_the_counts_exact()
    {
        using var tracker = NewTracker(perAddress: 1000, total: 1_000_000);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var address = IPAddress.Parse($"198.51.100.{(i % 50) + 1}");
                tracker.Add($"t{t}-{i}", address, "u");
                if (i % 2 == 0)
                {
                    tracker.Remove($"t{t}-{i}");
                }

                _ = tracker.ForAddress(address).Count;
            }
        })));

        Assert.Equal(8 * 1000, tracker.Count);
        Assert.Equal(8 * 1000, tracker.All().Count);
        Assert.Equal(25, tracker.AddressCount); // odd i only: every other address
        Assert.Equal(8 * 1000, tracker.Addresses().Sum(a => tracker.ForAddress(a).Count));
    }
}
