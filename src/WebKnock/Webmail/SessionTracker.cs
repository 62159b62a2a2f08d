using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Webmail;

/// <summary>
/// The live webmail sessions per address. Liveness is a MemoryCache entry with sliding expiration,
/// touched by every request that carries the session cookie. The cache only evicts when scanned, so
/// <see cref="Sweep"/> drives the scan (Compact(0) removes expired entries and nothing else) and then
/// reconciles the index of sessions with the cache's keys: an idle session leaves on time, and the
/// caller learns of it synchronously.
/// </summary>
internal sealed class SessionTracker : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, WebmailSession> _sessions = new(StringComparer.Ordinal);
    private readonly WebmailSessionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public SessionTracker(IOptions<WebKnockOptions> options, TimeProvider time)
    {
        _options = options.Value.Sessions;
        _time = time;
#pragma warning disable CS0618 // MemoryCacheOptions takes its clock as ISystemClock only.
        _cache = new MemoryCache(new MemoryCacheOptions { Clock = new TimeProviderClock(time), ExpirationScanFrequency = TimeSpan.FromDays(1) });
#pragma warning restore CS0618
    }

    /// <summary>Records a new session; false when the address already has the most sessions allowed.</summary>
    public bool Add(string id, IPAddress address, string? userName)
    {
        address = NetworkList.Normalize(address);
        lock (_lock)
        {
            if (!_sessions.ContainsKey(id) && _sessions.Values.Count(s => s.Address.Equals(address)) >= _options.MaxSessionsPerAddress)
            {
                return false;
            }

            _sessions[id] = new WebmailSession(id, address, userName, _time.GetUtcNow());
            _cache.Set(id, address, new MemoryCacheEntryOptions { SlidingExpiration = _options.IdleTimeout });
            return true;
        }
    }

    /// <summary>A request carried the session: it stays alive. False when the session is unknown or idled out.</summary>
    public bool Touch(string id) => _sessions.ContainsKey(id) && _cache.TryGetValue(id, out _);

    public bool IsKnown(string id) => _sessions.ContainsKey(id);

    /// <summary>Removes a session; returns it and how many live sessions its address still has.</summary>
    public (WebmailSession? Session, int RemainingLive) Remove(string id)
    {
        lock (_lock)
        {
            Sweep();
            if (!_sessions.TryRemove(id, out var session))
            {
                return (null, -1);
            }

            _cache.Remove(id);
            return (session, _sessions.Values.Count(s => s.Address.Equals(session.Address)));
        }
    }

    /// <summary>Forgets every session of an address (its window closed).</summary>
    public void RemoveAll(IPAddress address)
    {
        address = NetworkList.Normalize(address);
        lock (_lock)
        {
            foreach (var session in _sessions.Values.Where(s => s.Address.Equals(address)))
            {
                _sessions.TryRemove(session.Id, out _);
                _cache.Remove(session.Id);
            }
        }
    }

    public IReadOnlyList<WebmailSession> ForAddress(IPAddress address)
    {
        address = NetworkList.Normalize(address);
        return [.. _sessions.Values.Where(s => s.Address.Equals(address))];
    }

    public IReadOnlyList<WebmailSession> All() => [.. _sessions.Values];

    /// <summary>Removes the sessions that idled out; returns them.</summary>
    public IReadOnlyList<WebmailSession> Sweep()
    {
        lock (_lock)
        {
            _cache.Compact(0);
            var live = _cache.Keys.OfType<string>().ToHashSet(StringComparer.Ordinal);
            var expired = new List<WebmailSession>();
            foreach (var session in _sessions.Values)
            {
                if (!live.Contains(session.Id) && _sessions.TryRemove(session.Id, out _))
                {
                    expired.Add(session);
                }
            }

            return expired;
        }
    }

    public int LiveCount(IPAddress address)
    {
        Sweep();
        return ForAddress(address).Count;
    }

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
