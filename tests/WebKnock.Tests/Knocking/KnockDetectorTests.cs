using System.Net;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Tests.Knocking;

public sealed class KnockDetectorTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.20");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private KnockDetector Detector(int maxSources = 100, int rate = 20, int burst = 10) => new(
        ServiceNames.Webmail,
        new KnockOptions { Ports = [7000, 9000, 8000], StepTimeout = TimeSpan.FromSeconds(10), MaxTrackedSources = maxSources, RatePerSecond = rate, RateBurst = burst },
        _time);

    // Each row: the ports knocked (one pure SYN each, 100 ms apart) and whether the window opens.
    [Theory]
    [InlineData("7000 9000 8000", true)]
    [InlineData("7000 7000 9000 9000 8000 8000", true)] // a browser sends each step twice
    [InlineData("7000 9000 7000 9000 8000", true)] // repeats of earlier steps (browser retransmissions) are tolerated
    [InlineData("7000 8000 9000 8000", false)] // a wrong port resets the progress
    [InlineData("7000 8000 9000", false)] // wrong order
    [InlineData("9000 8000 7000", false)]
    [InlineData("8000 7000 9000 8000", true)] // a stray last port first, then the right sequence
    [InlineData("7000 9000 9000 7000 8000", true)] // retransmission of the previous step is tolerated
    [InlineData("7000 9000 1234 8000", true)] // other ports are not knock ports: ignored
    [InlineData("7000 9000", false)]
    [InlineData("", false)]
    public void Sequences(string ports, bool opens)
    {
        var detector = Detector();
        var completed = false;
        foreach (var port in ports.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
        {
            completed |= detector.Observe(new KnockPacket(A, port, TcpFlags.Syn))?.Kind == KnockEventKind.SequenceCompleted;
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(opens, completed);
    }

    [Fact]
    public void A_step_back_two_after_the_second_step_is_tolerated_but_not_counted()
    {
        var detector = Detector();
        Assert.Equal(KnockEventKind.StepHit, detector.Observe(new(A, 7000, TcpFlags.Syn))!.Kind);
        Assert.Equal(2, detector.Observe(new(A, 9000, TcpFlags.Syn))!.Step);
        Assert.Null(detector.Observe(new(A, 7000, TcpFlags.Syn)));
        Assert.Equal(KnockEventKind.SequenceCompleted, detector.Observe(new(A, 8000, TcpFlags.Syn))!.Kind);
    }

    [Theory]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack)]
    [InlineData(TcpFlags.Ack)]
    [InlineData(TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Psh | TcpFlags.Urg)]
    [InlineData(TcpFlags.Rst)]
    [InlineData(TcpFlags.None)]
    public void Only_pure_syns_count(TcpFlags flags)
    {
        var detector = Detector();
        foreach (var port in new[] { 7000, 9000, 8000 })
        {
            Assert.Null(detector.Observe(new KnockPacket(A, port, flags)));
        }
    }

    [Fact]
    public void Pure_syn_allows_ecn_bits()
    {
        var detector = Detector();
        KnockEvent? last = null;
        foreach (var port in new[] { 7000, 9000, 8000 })
        {
            last = detector.Observe(new KnockPacket(A, port, TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr));
        }

        Assert.Equal(KnockEventKind.SequenceCompleted, last!.Kind);
    }

    [Fact]
    public void Too_slow_a_step_starts_over()
    {
        var detector = Detector();
        detector.Observe(new(A, 7000, TcpFlags.Syn));
        _time.Advance(TimeSpan.FromSeconds(9));
        detector.Observe(new(A, 9000, TcpFlags.Syn));
        _time.Advance(TimeSpan.FromSeconds(11));
        var late = detector.Observe(new(A, 8000, TcpFlags.Syn));
        Assert.Equal(KnockEventKind.StepTimedOut, late!.Kind);
    }

    [Fact]
    public void Sources_are_tracked_separately()
    {
        var detector = Detector();
        detector.Observe(new(A, 7000, TcpFlags.Syn));
        detector.Observe(new(B, 7000, TcpFlags.Syn));
        detector.Observe(new(A, 9000, TcpFlags.Syn));
        Assert.Equal(KnockEventKind.WrongOrder, detector.Observe(new(B, 8000, TcpFlags.Syn))!.Kind);
        Assert.Equal(KnockEventKind.SequenceCompleted, detector.Observe(new(A, 8000, TcpFlags.Syn))!.Kind);
    }

    [Fact]
    public void Ipv4_mapped_ipv6_is_the_same_source()
    {
        var detector = Detector();
        detector.Observe(new(A, 7000, TcpFlags.Syn));
        detector.Observe(new(A.MapToIPv6(), 9000, TcpFlags.Syn));
        var done = detector.Observe(new(A, 8000, TcpFlags.Syn));
        Assert.Equal(KnockEventKind.SequenceCompleted, done!.Kind);
        Assert.Equal(A, done.Source);
    }

    [Fact]
    public void A_flood_is_reported_once_and_bans_the_source_from_knocking_as_the_kernel_does()
    {
        var detector = Detector(rate: 5, burst: 10);
        var events = Enumerable.Range(0, 50).Select(_ => detector.Observe(new(B, 7000, TcpFlags.Syn))).ToList();
        Assert.Single(events, e => e?.Kind == KnockEventKind.Flood);
        Assert.Equal(KnockEventKind.Flood, events[10]!.Kind); // the burst holds 10 SYNs; the 11th is the flood

        // Banned: even a slow, correct knock is ignored until the ban (5 minutes) is over.
        _time.Advance(TimeSpan.FromSeconds(30));
        foreach (var port in new[] { 7000, 9000, 8000 })
        {
            Assert.Null(detector.Observe(new(B, port, TcpFlags.Syn)));
            _time.Advance(TimeSpan.FromMilliseconds(300));
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        KnockEvent? last = null;
        foreach (var port in new[] { 7000, 9000, 8000 })
        {
            last = detector.Observe(new(B, port, TcpFlags.Syn));
        }

        Assert.Equal(KnockEventKind.SequenceCompleted, last!.Kind);
    }

    [Fact]
    public void A_flooding_neighbour_does_not_stop_others()
    {
        var detector = Detector(rate: 5, burst: 3);
        for (var i = 0; i < 100; i++)
        {
            detector.Observe(new(B, 7000, TcpFlags.Syn));
        }

        detector.Observe(new(A, 7000, TcpFlags.Syn));
        detector.Observe(new(A, 9000, TcpFlags.Syn));
        Assert.Equal(KnockEventKind.SequenceCompleted, detector.Observe(new(A, 8000, TcpFlags.Syn))!.Kind);
    }

    [Fact]
    public void Memory_is_bounded_by_the_source_cap()
    {
        var detector = Detector(maxSources: 1000);
        for (var i = 0; i < 5000; i++)
        {
            detector.Observe(new(new IPAddress([198, 51, (byte)(i >> 8), (byte)i]), 7000, TcpFlags.Syn));
        }

        Assert.Equal(1000, detector.TrackedSources);
        Assert.Equal(4000, detector.Overflowed);

        // Once their steps have timed out, the stale sources make room for new ones.
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(KnockEventKind.StepHit, detector.Observe(new(A, 7000, TcpFlags.Syn))!.Kind);
        Assert.True(detector.TrackedSources <= 1000);
    }
}
