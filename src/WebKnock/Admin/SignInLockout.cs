using System.Net;
using Microsoft.Extensions.Options;

namespace WebKnock.Admin;

/// <summary>
/// Counts failed sign-ins per source (an IPv4 address, or the /64 of an IPv6 address, since one host holds a whole /64)
/// and per user name tried from that source. <see cref="AdminOptions.MaxFailedSignIns"/> failures of either within
/// <see cref="AdminOptions.Lockout"/> lock it for <see cref="AdminOptions.Lockout"/>: then even the right password is
/// refused, from that source. A name is never locked everywhere: an attacker's failures from one address must not keep
/// the real administrator out from another. Counting by source stops one who tries many names; the pair (name, source)
/// is what a sign-in forgets when it succeeds. Both tables are bounded, so a flood of names or addresses cannot grow them.
/// </summary>
internal sealed class SignInLockout(IOptions<AdminOptions> options, TimeProvider time)
{
    private const int MaxTracked = 10_000;

    private readonly AdminOptions _options = options.Value;
    private readonly Dictionary<(string Name, IPAddress Source), Record> _byPair = new(PairComparer.Instance);
    private readonly Dictionary<IPAddress, Record> _bySource = [];
    private readonly Lock _lock = new();

    /// <summary>The source an address is counted under: the address itself (IPv4), or its /64 (IPv6).</summary>
    public static IPAddress Source(IPAddress address)
    {
        address = Configuration.NetworkList.Normalize(address);
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>When the name from this source, or the source, is locked, until when (the later of the two); otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string name, IPAddress address)
    {
        var now = time.GetUtcNow();
        var source = Source(address);
        lock (_lock)
        {
            var a = Find(_byPair, (name, source), now)?.LockedUntil;
            var b = Find(_bySource, source, now)?.LockedUntil;
            var until = Max(a, b);
            return until > now ? until : null;
        }
    }

    /// <summary>Counts a failure; returns when a lock starts because of it (null when nothing is locked yet).</summary>
    public DateTimeOffset? Failed(string name, IPAddress address)
    {
        var now = time.GetUtcNow();
        var source = Source(address);
        lock (_lock)
        {
            var a = Count(_byPair, (name, source), now);
            var b = Count(_bySource, source, now);
            var until = Max(a, b);
            return until > now ? until : null;
        }
    }

    /// <summary>
    /// A successful sign-in forgets the failures of the name from this source (the source's own stay: it may be
    /// guessing other names).
    /// </summary>
    public void Succeeded(string name, IPAddress address)
    {
        lock (_lock)
        {
            _byPair.Remove((name, Source(address)));
        }
    }

    private Record? Find<TKey>(Dictionary<TKey, Record> table, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        if (!table.TryGetValue(key, out var record))
        {
            return null;
        }

        record.Forget(now - _options.Lockout);
        if (record.Failures.Count == 0 && record.LockedUntil <= now)
        {
            table.Remove(key);
            return null;
        }

        return record;
    }

    private DateTimeOffset? Count<TKey>(Dictionary<TKey, Record> table, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        var record = Find(table, key, now);
        if (record is null)
        {
            if (table.Count >= MaxTracked)
            {
                Prune(table, now);
            }

            record = new Record();
            table[key] = record;
        }

        if (record.LockedUntil > now)
        {
            return record.LockedUntil; // a refused attempt while locked does not lengthen the lock
        }

        record.Failures.Enqueue(now);
        if (record.Failures.Count >= _options.MaxFailedSignIns)
        {
            record.Failures.Clear();
            record.LockedUntil = now + _options.Lockout;
        }

        return record.LockedUntil;
    }

    private void Prune<TKey>(Dictionary<TKey, Record> table, DateTimeOffset now)
        where TKey : notnull
    {
        foreach (var key in table.Keys.ToList())
        {
            Find(table, key, now);
        }

        // Still full of live records: drop the unlocked ones; locked keys stay locked.
        if (table.Count >= MaxTracked)
        {
            foreach (var (key, record) in table.ToList())
            {
                if (record.LockedUntil <= now)
                {
                    table.Remove(key);
                }
            }
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private sealed class Record
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        public void Forget(DateTimeOffset before)
        {
            while (Failures.TryPeek(out var t) && t <= before)
            {
                Failures.Dequeue();
            }
        }
    }

    /// <summary>Names compared as the administrators' are (case-insensitively), sources exactly.</summary>
    private sealed class PairComparer : IEqualityComparer<(string Name, IPAddress Source)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string Name, IPAddress Source) x, (string Name, IPAddress Source) y)
            => StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name) && x.Source.Equals(y.Source);

        public int GetHashCode((string Name, IPAddress Source) pair)
            => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(pair.Name), pair.Source);
    }
}
