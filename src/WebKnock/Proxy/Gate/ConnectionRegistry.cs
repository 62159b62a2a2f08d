using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// Kestrel's open connections by remote address, so that a closed window also ends the gateway's own
/// connections from that address (an established connection must not outlive its window), and so that one
/// address cannot hold more than its share of Kestrel's connections (<see cref="Limit"/>).
/// </summary>
internal sealed partial class ConnectionRegistry(TimeProvider? time = null)
{
    /// <summary>An address kept at its limit is told of at most this often (each refusal is still counted).</summary>
    public static readonly TimeSpan TellEvery = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The connection whose request is being handled in this flow (set by the gate for every request).</summary>
    private static readonly AsyncLocal<string?> Current = new();

    private readonly ConcurrentDictionary<IPAddress, Entry> _byAddress = new();

    /// <summary>
    /// Marks the connection that carries the request handled in this flow. A window closed by that request (a
    /// sign-out, an administrator closing their own address) spares it, so its answer arrives whole: the gate refuses
    /// the next request on it anyway, and the keep-alive timeout ends it. Every other connection is cut.
    /// </summary>
    public static void HandlingRequestOn(string connectionId) => Current.Value = connectionId;

    /// <summary>Open connections, all addresses together.</summary>
    public int Count => _byAddress.Values.Sum(e => e.Connections.Count);

    /// <summary>Addresses with at least one open connection (an address's entry goes with its last connection).</summary>
    public int AddressCount => _byAddress.Count;

    /// <summary>The per-address limit in force; set once at start, before Kestrel accepts connections.</summary>
    public ConnectionLimit Limit { get; set; } = ConnectionLimit.None;

    public async Task TrackAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection);
            return;
        }

        var address = NetworkList.Normalize(remote.Address);
        var limit = Limit;
        var max = limit.Max > 0 && !limit.Exempt.Contains(address) ? limit.Max : int.MaxValue;
        var (entry, tell) = Enter(address, connection, max);
        if (entry is null)
        {
            // Before TLS: the refused connection costs no handshake.
            limit.Refused?.Invoke(address, tell);
            connection.Abort(new ConnectionAbortedException($"more than {max} connections from {address}"));
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Leave(address, entry, connection.ConnectionId);
        }
    }

    /// <summary>
    /// Registers the connection unless its address is at <paramref name="max"/>: its entry, or null and whether this
    /// refusal is to be told (the address's first, or its first for <see cref="TellEvery"/>).
    /// </summary>
    private (Entry? Entry, bool Tell) Enter(IPAddress address, ConnectionContext connection, int max)
    {
        while (true)
        {
            var entry = _byAddress.GetOrAdd(address, _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // emptied and dropped meanwhile: take the address's new entry
                }

                if (entry.Connections.Count >= max)
                {
                    var now = _time.GetUtcNow();
                    var tell = entry.ToldAt is not { } told || now - told >= TellEvery;
                    if (tell)
                    {
                        entry.ToldAt = now;
                    }

                    return (null, tell);
                }

                entry.Connections[connection.ConnectionId] = connection;
                return (entry, false);
            }
        }
    }

    private void Leave(IPAddress address, Entry entry, string connectionId)
    {
        lock (entry)
        {
            entry.Connections.Remove(connectionId);
            if (entry.Connections.Count == 0)
            {
                entry.Removed = true;
                _byAddress.TryRemove(new KeyValuePair<IPAddress, Entry>(address, entry));
            }
        }
    }

    /// <summary>The connections of an address at this moment.</summary>
    private ConnectionContext[] Snapshot(IPAddress address)
    {
        if (!_byAddress.TryGetValue(NetworkList.Normalize(address), out var entry))
        {
            return [];
        }

        lock (entry)
        {
            return [.. entry.Connections.Values];
        }
    }

    /// <summary>Aborts every connection from the address but the one handling this flow's request; returns how many.</summary>
    public int AbortAll(IPAddress address, string reason)
    {
        var n = 0;
        var current = Current.Value;
        foreach (var connection in Snapshot(address))
        {
            if (connection.ConnectionId == current)
            {
                continue;
            }

            connection.Abort(new ConnectionAbortedException(reason));
            n++;
        }

        return n;
    }

    /// <summary>Aborts every connection from an address that <paramref name="match"/> picks; returns how many.</summary>
    public int AbortWhere(Func<IPAddress, bool> match, string reason)
    {
        var n = 0;
        foreach (var address in _byAddress.Keys.Where(match))
        {
            n += AbortAll(address, reason);
        }

        return n;
    }

    private sealed class Entry
    {
        public Dictionary<string, ConnectionContext> Connections { get; } = [];

        /// <summary>When a refusal at the limit was last told (null: never since the address's first connection).</summary>
        public DateTimeOffset? ToldAt { get; set; }

        /// <summary>Emptied and taken out of the map: a new connection makes a new entry.</summary>
        public bool Removed { get; set; }
    }
}

/// <summary>
/// At most <paramref name="Max"/> connections from one address (0: no limit), except from <paramref name="Exempt"/>
/// (trusted reverse proxies, whose one address stands for many clients). <paramref name="Refused"/> hears every
/// refusal, with whether to tell it (the address's first, then at most one per <see cref="ConnectionRegistry.TellEvery"/>):
/// log those, count them all.
/// </summary>
internal sealed record ConnectionLimit(int Max, NetworkList Exempt, Action<IPAddress, bool>? Refused = null)
{
    public static readonly ConnectionLimit None = new(0, NetworkList.Empty);
}
