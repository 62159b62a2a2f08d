using System.Net;
using WebKnock.Configuration;

namespace WebKnock.Knocking;

/// <summary>
/// The in-memory knock detector, with the semantics of the kernel rules: ordered steps of pure SYNs,
/// a step timeout, a wrong knock port resets, a repeated SYN to the current or previous step is
/// tolerated (browsers and TCP stacks retry), knock SYNs above a per-source rate are ignored, and at
/// most <see cref="KnockOptions.MaxTrackedSources"/> sources are remembered. A retransmitted SYN (same source,
/// knock port and source port within <see cref="KnockRetransmissions.Horizon"/>) neither advances nor resets,
/// with at most <see cref="KnockRetransmissions.Capacity"/> such triples remembered, as in the kernel's set.
/// Not thread-safe: one reader feeds it, as one NFLOG socket feeds the kernel's events.
/// </summary>
internal sealed class KnockDetector
{
    private readonly string _service;
    private readonly int[] _ports;
    private readonly KnockOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, SourceState> _sources = [];

    /// <summary>Knock SYNs seen lately, by (source, knock port, source port); and the same in the order they came.</summary>
    private readonly HashSet<(IPAddress Source, int Port, int SourcePort)> _seen = [];
    private readonly Queue<((IPAddress Source, int Port, int SourcePort) Key, DateTimeOffset Seen)> _seenOrder = [];

    private readonly TimeSpan _floodBan;

    /// <param name="floodBan">How long a flooding source is ignored (the kernel's knock ban set timeout).</param>
    public KnockDetector(string service, KnockOptions options, TimeProvider time, TimeSpan? floodBan = null)
    {
        _floodBan = floodBan ?? TimeSpan.FromMinutes(5);
        _service = service;
        _ports = options.Ports;
        _options = options;
        _time = time;
    }

    /// <summary>Sources refused because the table was full of live partial sequences.</summary>
    public long Overflowed { get; private set; }

    public int TrackedSources => _sources.Count;

    /// <summary>Knock SYNs remembered to recognise their retransmissions.</summary>
    public int RememberedSyns => _seen.Count;

    public bool IsKnockPort(int port) => Array.IndexOf(_ports, port) >= 0;

    /// <summary>Feeds one packet; returns the event it caused, if any.</summary>
    public KnockEvent? Observe(KnockPacket packet)
    {
        var step = Array.IndexOf(_ports, packet.DestinationPort);
        if (step < 0 || !packet.IsPureSyn)
        {
            return null;
        }

        var source = NetworkList.Normalize(packet.Source);
        var now = _time.GetUtcNow();
        if (!_sources.TryGetValue(source, out var state))
        {
            if (!MakeRoom(now))
            {
                Overflowed++;
                return null;
            }

            state = new SourceState { Tokens = Capacity, LastRefill = now };
            _sources[source] = state;
        }

        if (state.BannedUntil > now)
        {
            return null;
        }

        if (!state.TryTakeToken(now, _options.RatePerSecond, Capacity))
        {
            // As the kernel: the source is banned from knocking for a while, its progress lost.
            state.BannedUntil = now + _floodBan;
            state.Stage = 0;
            return Event(KnockEventKind.Flood, source, packet.DestinationPort, 0, now);
        }

        // As the kernel: after the ban and the rate, before the steps.
        if (IsRetransmission(source, packet, now))
        {
            return null;
        }

        var timedOut = state.Stage > 0 && now - state.LastStep > _options.StepTimeout;
        if (timedOut)
        {
            state.Stage = 0;
        }

        var matched = state.Stage;
        if (step == matched)
        {
            return Advance(state, source, packet.DestinationPort, now);
        }

        // Retransmissions of the step just taken, or of the one before it, change nothing.
        if (matched > 0 && (step == matched - 1 || step == matched - 2))
        {
            return null;
        }

        state.Stage = 0;
        if (step == 0)
        {
            return Advance(state, source, packet.DestinationPort, now);
        }

        var kind = timedOut ? KnockEventKind.StepTimedOut : KnockEventKind.WrongOrder;
        return Event(kind, source, packet.DestinationPort, step + 1, now);
    }

    // nftables' "limit rate over R/second burst B packets": a bucket of B tokens refilled at R per second.
    private int Capacity => Math.Max(1, _options.RateBurst);

    private KnockEvent Advance(SourceState state, IPAddress source, int port, DateTimeOffset now)
    {
        state.Stage++;
        state.LastStep = now;
        if (state.Stage == _ports.Length)
        {
            // Completed. The stage stays at the end so that retransmissions of the last two steps are
            // tolerated like any other; a SYN to the first port starts afresh.
            return Event(KnockEventKind.SequenceCompleted, source, port, _ports.Length, now);
        }

        return Event(KnockEventKind.StepHit, source, port, state.Stage, now);
    }

    /// <summary>
    /// Whether the SYN repeats one seen within the horizon; otherwise it is remembered (from its first sighting, as
    /// the kernel's <c>add</c> does not refresh), when there is room. A full table remembers nothing new, as a full
    /// kernel set: the knock still counts. Triples expire in the order they came, so each packet costs O(1).
    /// </summary>
    private bool IsRetransmission(IPAddress source, KnockPacket packet, DateTimeOffset now)
    {
        while (_seenOrder.TryPeek(out var oldest) && now - oldest.Seen >= KnockRetransmissions.Horizon)
        {
            _seenOrder.Dequeue();
            _seen.Remove(oldest.Key);
        }

        if (packet.SourcePort == 0)
        {
            return false;
        }

        var key = (source, packet.DestinationPort, packet.SourcePort);
        if (_seen.Contains(key))
        {
            return true;
        }

        if (_seen.Count < KnockRetransmissions.Capacity)
        {
            _seen.Add(key);
            _seenOrder.Enqueue((key, now));
        }

        return false;
    }

    private bool MakeRoom(DateTimeOffset now)
    {
        if (_sources.Count < _options.MaxTrackedSources)
        {
            return true;
        }

        var horizon = TimeSpan.FromTicks(Math.Max(_options.StepTimeout.Ticks, TimeSpan.TicksPerSecond));
        foreach (var (address, state) in _sources)
        {
            if (now - state.LastStep > horizon && now - state.LastRefill > horizon && state.BannedUntil <= now)
            {
                _sources.Remove(address);
            }
        }

        return _sources.Count < _options.MaxTrackedSources;
    }

    private KnockEvent Event(KnockEventKind kind, IPAddress source, int port, int step, DateTimeOffset now) =>
        new(kind, _service, source, port, step, now);

    private sealed class SourceState : KnockTokenBucket
    {
        public int Stage;
        public DateTimeOffset LastStep;
        public DateTimeOffset BannedUntil;
    }
}
