using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Webmail;

/// <summary>
/// The live webmail sessions, indexed by id and by address. Each remembers when a request last carried its cookie
/// (<see cref="Touch"/>); one idle for <see cref="WebmailSessionOptions.IdleTimeout"/> is no longer live, and
/// <see cref="Sweep"/> (on the sweeper's timer) drops those and returns them, so the caller learns of them
/// synchronously. Looking at a session's liveness never counts as using it.
/// A page's work (touching its session, counting its address's sessions for the banner) takes no lock over all
/// sessions: a touch is lock-free, and an address's sessions are one small set under that address's own lock.
/// At most <see cref="WebmailSessionOptions.MaxSessionsPerAddress"/> per address and
/// <see cref="WebmailSessionOptions.MaxSessions"/> in all are kept.
/// </summary>
internal sealed class SessionTracker : IDisposable
{
    private readonly ConcurrentDictionary<string, Tracked> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, AddressSessions> _byAddress = new();
    private readonly WebmailSessionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _sweepLock = new();
    private int _count;

    public SessionTracker(IOptions<WebKnockOptions> options, TimeProvider time)
    {
        _options = options.Value.Sessions;
        _time = time;
    }

    /// <summary>Sessions tracked now, all addresses together.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Addresses with at least one tracked session.</summary>
    public int AddressCount => _byAddress.Count;

    /// <summary>Records a new session; false when its address, or the gateway, already has the most sessions allowed.</summary>
    public bool Add(string id, IPAddress address, string? userName)
    {
        address = NetworkList.Normalize(address);
        if (_sessions.TryGetValue(id, out var known) && !known.Session.Address.Equals(address))
        {
            Remove(id); // the same id from elsewhere: it lives where it was last added
        }

        while (true)
        {
            var entry = _byAddress.GetOrAdd(address, _ => new AddressSessions());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // emptied and dropped meanwhile: take the address's new entry
                }

                if (!entry.Ids.Contains(id))
                {
                    if (entry.Ids.Count >= _options.MaxSessionsPerAddress)
                    {
                        return false;
                    }

                    if (Interlocked.Increment(ref _count) > _options.MaxSessions)
                    {
                        Interlocked.Decrement(ref _count); // over the global cap: undo the reservation
                        DropIfEmpty(address, entry);
                        return false;
                    }

                    entry.Ids.Add(id);
                }

                var now = _time.GetUtcNow();
                _sessions[id] = new Tracked(new WebmailSession(id, address, userName, now), now.UtcTicks);
                return true;
            }
        }
    }

    /// <summary>A request carried the session: it stays alive. False when the session is unknown or idled out.</summary>
    public bool Touch(string id)
    {
        if (!_sessions.TryGetValue(id, out var tracked) || !IsLive(tracked))
        {
            return false;
        }

        Interlocked.Exchange(ref tracked.LastSeenTicks, _time.GetUtcNow().UtcTicks);
        return true;
    }

    public bool IsKnown(string id) => _sessions.ContainsKey(id);

    /// <summary>Removes a session; returns it and how many live sessions its address still has (-1 when unknown).</summary>
    public (WebmailSession? Session, int RemainingLive) Remove(string id)
    {
        if (!_sessions.TryGetValue(id, out var tracked) || !_byAddress.TryGetValue(tracked.Session.Address, out var entry))
        {
            return (null, -1);
        }

        var session = tracked.Session;

        lock (entry)
        {
            if (!entry.Ids.Remove(id))
            {
                return (null, -1); // removed meanwhile
            }

            _sessions.TryRemove(id, out _);
            Interlocked.Decrement(ref _count);

            // Those that idled out but were not swept yet are not live (the sweep reports them).
            var remaining = entry.Ids.Count(o => _sessions.TryGetValue(o, out var other) && IsLive(other));
            DropIfEmpty(session.Address, entry);
            return (session, remaining);
        }
    }

    /// <summary>Forgets every session of an address (its window closed).</summary>
    public void RemoveAll(IPAddress address)
    {
        address = NetworkList.Normalize(address);
        if (!_byAddress.TryGetValue(address, out var entry))
        {
            return;
        }

        lock (entry)
        {
            foreach (var id in entry.Ids)
            {
                _sessions.TryRemove(id, out _);
                Interlocked.Decrement(ref _count);
            }

            entry.Ids.Clear();
            DropIfEmpty(address, entry);
        }
    }

    public IReadOnlyList<WebmailSession> ForAddress(IPAddress address)
    {
        if (!_byAddress.TryGetValue(NetworkList.Normalize(address), out var entry))
        {
            return [];
        }

        lock (entry)
        {
            var list = new List<WebmailSession>(entry.Ids.Count);
            foreach (var id in entry.Ids)
            {
                if (_sessions.TryGetValue(id, out var tracked))
                {
                    list.Add(tracked.Session);
                }
            }

            return list;
        }
    }

    /// <summary>The addresses that have sessions.</summary>
    public IReadOnlyList<IPAddress> Addresses() => [.. _byAddress.Keys];

    public IReadOnlyList<WebmailSession> All() => [.. _sessions.Values.Select(t => t.Session)];

    /// <summary>Removes the sessions that idled out; returns them. Runs on the sweeper's timer, not for pages.</summary>
    public IReadOnlyList<WebmailSession> Sweep()
    {
        lock (_sweepLock)
        {
            var expired = new List<WebmailSession>();
            foreach (var (id, tracked) in _sessions)
            {
                var session = tracked.Session;
                if (IsLive(tracked) || !_byAddress.TryGetValue(session.Address, out var entry))
                {
                    continue;
                }

                lock (entry)
                {
                    if (!IsLive(tracked) && entry.Ids.Remove(id) && _sessions.TryRemove(id, out _))
                    {
                        Interlocked.Decrement(ref _count);
                        expired.Add(session);
                    }

                    DropIfEmpty(session.Address, entry);
                }
            }

            return expired;
        }
    }

    /// <summary>The live sessions of the address (those idled out but not yet swept are not counted).</summary>
    public int LiveCount(IPAddress address) => ForAddress(address).Count(s => _sessions.TryGetValue(s.Id, out var t) && IsLive(t));

    private bool IsLive(Tracked tracked) =>
        _time.GetUtcNow().UtcTicks - Interlocked.Read(ref tracked.LastSeenTicks) < _options.IdleTimeout.Ticks;

    public void Dispose()
    {
        // Nothing to release (the tracker no longer holds a cache); kept so that owners may dispose it as before.
    }

    /// <summary>Takes an emptied entry out of the index; called under the entry's lock.</summary>
    private void DropIfEmpty(IPAddress address, AddressSessions entry)
    {
        if (entry.Ids.Count == 0 && !entry.Removed)
        {
            entry.Removed = true;
            _byAddress.TryRemove(new KeyValuePair<IPAddress, AddressSessions>(address, entry));
        }
    }

    private sealed class AddressSessions
    {
        public HashSet<string> Ids { get; } = new(StringComparer.Ordinal);

        /// <summary>Emptied and taken out of the index: a new session makes a new entry.</summary>
        public bool Removed { get; set; }
    }

    /// <summary>A session and when a request last carried it (UTC ticks).</summary>
    private sealed class Tracked(WebmailSession session, long lastSeenTicks)
    {
        public long LastSeenTicks = lastSeenTicks;

        public WebmailSession Session { get; } = session;
    }
}
