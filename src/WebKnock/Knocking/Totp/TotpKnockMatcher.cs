using System.Net;
using WebKnock.Configuration;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// Matches SYNs to a service's TOTP range against every enabled user's sequences of the steps t-1, t and t+1.
/// Each source keeps its last few SYNs (a repeat of the port just hit only refreshes its time); a SYN completes a user's
/// sequence when the source's history holds the sequence's ports in order, each within the step timeout of the next.
/// A browser repeats every SYN (two sockets per fetch, retransmissions for seconds): repeats only find the sequence
/// completed again by the same address, which changes nothing. A (user, step) opens once; the same sequence completed
/// from another address is a replay. Two users completed by the same SYNs: refused as ambiguous (never guess whose).
/// Per-source token bucket as in the kernel chain; at most <see cref="KnockOptions.MaxTrackedSources"/> sources.
/// Thread-safe (one lock): fed by the NFLOG reader or the in-memory sensor.
/// </summary>
internal sealed class TotpKnockMatcher
{
    private const int HistoryLength = 24;

    private readonly KnockOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<KnockUser>> _users;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, SourceState> _sources = [];
    private readonly Dictionary<(string User, long Counter), (IPAddress Source, DateTimeOffset At)> _used = [];

    private Dictionary<int, List<Candidate>> _candidates = [];
    private long _candidatesCounter = long.MinValue;
    private IReadOnlyList<KnockUser>? _candidatesUsers;

    public TotpKnockMatcher(string service, KnockOptions options, TotpPortPool pool, Func<IReadOnlyList<KnockUser>> users, TimeProvider time, TimeSpan? floodBan = null)
    {
        Service = service;
        _options = options;
        Pool = pool;
        _users = users;
        _time = time;
        FloodBan = floodBan ?? TimeSpan.FromMinutes(5);
    }

    public string Service { get; }

    public TotpPortPool Pool { get; }

    public int Length => _options.Totp.Ports;

    private TimeSpan FloodBan { get; }

    /// <summary>Sources refused because the table was full.</summary>
    public long Overflowed { get; private set; }

    public int TrackedSources
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    public bool InRange(int port) => Pool.Contains(port);

    /// <summary>The sequence of a user for a step counter.</summary>
    public int[] Sequence(KnockUser user, long counter) => TotpSequence.Derive(user.TotpSecret, counter, Pool, Length, Service);

    /// <summary>Feeds one packet (only pure SYNs to the pool count); returns what it did.</summary>
    public TotpMatch Observe(KnockPacket packet)
    {
        var source = NetworkList.Normalize(packet.Source);
        var now = _time.GetUtcNow();
        if (!packet.IsPureSyn || !Pool.Contains(packet.DestinationPort))
        {
            return Nothing(source, now);
        }

        lock (_lock)
        {
            if (!_sources.TryGetValue(source, out var state))
            {
                if (!MakeRoom(now))
                {
                    Overflowed++;
                    return Nothing(source, now);
                }

                state = new SourceState { Tokens = Capacity, LastRefill = now };
                _sources[source] = state;
            }

            if (state.BannedUntil > now)
            {
                return Nothing(source, now);
            }

            if (!state.TryTakeToken(now, _options.RatePerSecond, Capacity))
            {
                state.BannedUntil = now + FloodBan;
                state.History.Clear();
                return new TotpMatch(TotpOutcome.Flood, Service, source, null, 0, null, now);
            }

            state.Add(packet.DestinationPort, now);
            return Match(state, source, packet.DestinationPort, now);
        }
    }

    private TotpMatch Match(SourceState state, IPAddress source, int port, DateTimeOffset now)
    {
        var counter = TotpCode.Counter(now);
        RefreshCandidates(counter);
        if (!_candidates.TryGetValue(port, out var candidates))
        {
            return Nothing(source, now);
        }

        Candidate? found = null;
        foreach (var candidate in candidates)
        {
            if (!state.Holds(candidate.Ports, _options.StepTimeout))
            {
                continue;
            }

            if (found is not null && found.User != candidate.User)
            {
                return new TotpMatch(TotpOutcome.Ambiguous, Service, source, null, candidate.Counter, null, now);
            }

            // The same user's sequences of two steps may both be in the history: take the newest step.
            found = found is null || candidate.Counter > found.Counter ? candidate : found;
        }

        if (found is null)
        {
            return Nothing(source, now);
        }

        var key = (found.User, found.Counter);
        if (_used.TryGetValue(key, out var first))
        {
            // The same address completing it again is the browser's second socket or a retransmission: nothing new.
            return first.Source.Equals(source)
                ? Nothing(source, now)
                : new TotpMatch(TotpOutcome.Replay, Service, source, found.User, found.Counter, first.Source, now);
        }

        _used[key] = (source, now);
        state.History.Clear();
        return new TotpMatch(TotpOutcome.Opened, Service, source, found.User, found.Counter, null, now);
    }

    /// <summary>Derives the sequences of steps t-1, t, t+1 when the step or the users changed; forgets used steps gone by.</summary>
    private void RefreshCandidates(long counter)
    {
        var users = _users();
        if (counter == _candidatesCounter && ReferenceEquals(users, _candidatesUsers))
        {
            return;
        }

        var table = new Dictionary<int, List<Candidate>>();
        foreach (var user in users.Where(u => u.Enabled && u.TotpSecret.Length > 0))
        {
            for (var c = counter - 1; c <= counter + 1; c++)
            {
                var ports = Sequence(user, c);
                if (!table.TryGetValue(ports[^1], out var list))
                {
                    table[ports[^1]] = list = [];
                }

                list.Add(new Candidate(user.Name, c, ports));
            }
        }

        _candidates = table;
        _candidatesCounter = counter;
        _candidatesUsers = users;
        foreach (var key in _used.Keys.Where(k => k.Counter < counter - 2).ToArray())
        {
            _used.Remove(key);
        }
    }

    private int Capacity => Math.Max(1, _options.RateBurst);

    private bool MakeRoom(DateTimeOffset now)
    {
        if (_sources.Count < _options.MaxTrackedSources)
        {
            return true;
        }

        var horizon = _options.StepTimeout * Length;
        foreach (var (address, state) in _sources)
        {
            if (now - state.LastSeen > horizon && state.BannedUntil <= now)
            {
                _sources.Remove(address);
            }
        }

        return _sources.Count < _options.MaxTrackedSources;
    }

    private TotpMatch Nothing(IPAddress source, DateTimeOffset now) => new(TotpOutcome.None, Service, source, null, 0, null, now);

    private sealed record Candidate(string User, long Counter, int[] Ports);

    private sealed class SourceState : KnockTokenBucket
    {
        public readonly List<(int Port, DateTimeOffset At)> History = [];
        public DateTimeOffset BannedUntil;
        public DateTimeOffset LastSeen;

        public void Add(int port, DateTimeOffset now)
        {
            LastSeen = now;
            if (History.Count > 0 && History[^1].Port == port)
            {
                History[^1] = (port, now);
                return;
            }

            if (History.Count == HistoryLength)
            {
                History.RemoveAt(0);
            }

            History.Add((port, now));
        }

        /// <summary>Whether the history ends with the sequence's last port and holds the others before it, in order, each within the step timeout of the next.</summary>
        public bool Holds(int[] ports, TimeSpan stepTimeout)
        {
            var index = History.Count - 1;
            if (index < 0 || History[index].Port != ports[^1])
            {
                return false;
            }

            for (var k = ports.Length - 2; k >= 0; k--)
            {
                var later = History[index].At;
                var j = index - 1;
                while (j >= 0 && History[j].Port != ports[k])
                {
                    j--;
                }

                if (j < 0 || later - History[j].At > stepTimeout)
                {
                    return false;
                }

                index = j;
            }

            return true;
        }
    }
}
