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

    // Retransmissions: the same source, knock port and source port again (the kernel re-sends an unanswered SYN
    // with the same source port at about 1, 3, 7, 15, 31 and 63 s).
    private static readonly int[] Round = [7000, 9000, 8000];

    private static List<KnockEvent?> Knock(KnockDetector detector, IPAddress source, int[] ports, int[] sourcePorts)
        => [.. ports.Select((port, i) => detector.Observe(new KnockPacket(source, port, TcpFlags.Syn, sourcePorts[i])))];

    [Fact]
    public void Retransmitted_rounds_after_completion_do_not_complete_again_and_a_new_knock_does()
    {
        var detector = Detector();
        int[] first = [40001, 40002, 40003];
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, first)[^1]?.Kind);

        // The user signs out; the client's retransmissions of the three SYNs keep arriving, in knock order.
        foreach (var after in new[] { 1, 2, 4, 8, 16, 32 })
        {
            _time.Advance(TimeSpan.FromSeconds(after));
            Assert.All(Knock(detector, A, Round, first), e => Assert.Null(e));
        }

        // A new knock (new sockets, new source ports) opens again.
        var fresh = Knock(detector, A, Round, [40011, 40012, 40013]);
        Assert.Equal([KnockEventKind.StepHit, KnockEventKind.StepHit, KnockEventKind.SequenceCompleted], fresh.Select(e => e!.Kind));
        Assert.Equal(6, detector.RememberedSyns);
    }

    [Fact]
    public void A_retransmission_of_step_1_mid_sequence_neither_resets_nor_advances()
    {
        // Four ports: after step 3 a plain SYN to port 1 would start over.
        var detector = new KnockDetector(
            ServiceNames.Ssh,
            new KnockOptions { Ports = [7100, 7200, 7300, 7400], StepTimeout = TimeSpan.FromSeconds(10), RatePerSecond = 20, RateBurst = 10 },
            _time);
        Assert.Equal(3, Knock(detector, A, [7100, 7200, 7300], [40001, 40002, 40003])[^1]!.Step);

        Assert.Null(detector.Observe(new(A, 7100, TcpFlags.Syn, 40001)));
        Assert.Equal(KnockEventKind.SequenceCompleted, detector.Observe(new(A, 7400, TcpFlags.Syn, 40004))!.Kind);

        // And it does not start a sequence either: step 1, its step timeout passes, then its retransmission arrives.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KnockEventKind.StepHit, detector.Observe(new(A, 7100, TcpFlags.Syn, 41001))!.Kind);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Null(detector.Observe(new(A, 7100, TcpFlags.Syn, 41001)));
        Assert.Equal(KnockEventKind.StepTimedOut, detector.Observe(new(A, 7200, TcpFlags.Syn, 41002))!.Kind);
    }

    [Fact]
    public void The_same_source_ports_count_again_once_the_horizon_has_passed()
    {
        var detector = Detector();
        int[] ports = [40001, 40002, 40003];
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, ports)[^1]?.Kind);

        _time.Advance(KnockRetransmissions.Horizon - TimeSpan.FromMilliseconds(1));
        Assert.All(Knock(detector, A, Round, ports), e => Assert.Null(e));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, ports)[^1]?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(130), KnockRetransmissions.Horizon);
    }

    [Fact]
    public void Retransmissions_are_per_source_address_and_per_knock_port()
    {
        var detector = Detector();
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, [40001, 40002, 40003])[^1]?.Kind);

        // Another address with the same source ports, and the same address with the ports used for other steps.
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, B, Round, [40001, 40002, 40003])[^1]?.Kind);
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, [40003, 40001, 40002])[^1]?.Kind);
    }

    [Fact]
    public void A_full_table_of_remembered_syns_still_lets_knocks_through()
    {
        var detector = Detector(maxSources: 10000);
        for (var i = 0; i < KnockRetransmissions.Capacity + 100; i++)
        {
            // Ten SYNs a source (within its burst), each from its own source port.
            var source = new IPAddress([198, 51, (byte)(i / 10 >> 8), (byte)(i / 10)]);
            detector.Observe(new(source, 7000, TcpFlags.Syn, 1024 + i));
        }

        Assert.Equal(KnockRetransmissions.Capacity, detector.RememberedSyns);

        // Nothing new is remembered: the knock works, and its retransmissions count as before (they complete again).
        int[] ports = [40001, 40002, 40003];
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, ports)[^1]?.Kind);
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, ports)[^1]?.Kind);
        Assert.Equal(KnockRetransmissions.Capacity, detector.RememberedSyns);

        // Once the horizon has passed, the table empties and remembers again.
        _time.Advance(KnockRetransmissions.Horizon);
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, ports)[^1]?.Kind);
        Assert.Equal(3, detector.RememberedSyns);
        Assert.All(Knock(detector, A, Round, ports), e => Assert.Null(e));
    }

    [Fact]
    public void A_packet_without_its_source_port_is_never_a_retransmission()
    {
        var detector = Detector();
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, [0, 0, 0])[^1]?.Kind);
        Assert.Equal(KnockEventKind.SequenceCompleted, Knock(detector, A, Round, [0, 0, 0])[^1]?.Kind);
        Assert.Equal(0, detector.RememberedSyns);
    }
}
