using System.Net;
using Microsoft.Extensions.Options;

namespace WebKnock.Admin;

/// <summary>
/// Counts failed sign-ins per user name and per source address. <see cref="AdminOptions.MaxFailedSignIns"/>
/// failures of either within <see cref="AdminOptions.Lockout"/> lock it for <see cref="AdminOptions.Lockout"/>:
/// then even the right password is refused. Counting by name stops a guesser who changes address; counting
/// by address stops one who tries many names. Both tables are bounded, so a flood of names cannot grow them.
/// </summary>
internal sealed class SignInLockout(IOptions<AdminOptions> options, TimeProvider time)
{
    private const int MaxTracked = 10_000;

    private readonly AdminOptions _options = options.Value;
    private readonly Dictionary<string, Record> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IPAddress, Record> _byAddress = [];
    private readonly Lock _lock = new();

    /// <summary>When the name or the address is locked, until when (the later of the two); otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string name, IPAddress address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var a = Find(_byName, name, now)?.LockedUntil;
            var b = Find(_byAddress, address, now)?.LockedUntil;
            var until = Max(a, b);
            return until > now ? until : null;
        }
    }

    /// <summary>Counts a failure; returns when a lock starts because of it (null when nothing is locked yet).</summary>
    public DateTimeOffset? Failed(string name, IPAddress address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var a = Count(_byName, name, now);
            var b = Count(_byAddress, address, now);
            var until = Max(a, b);
            return until > now ? until : null;
        }
    }

    /// <summary>A successful sign-in forgets the name's failures (the address's stay: it may be guessing other names).</summary>
    public void Succeeded(string name)
    {
        lock (_lock)
        {
            _byName.Remove(name);
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
}
