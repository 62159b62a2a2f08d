using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// Kestrel's open connections by remote address, so that a closed window also ends the gateway's own
/// connections from that address (an established connection must not outlive its window).
/// </summary>
internal sealed class ConnectionRegistry
{
    /// <summary>The connection whose request is being handled in this flow (set by the gate for every request).</summary>
    private static readonly AsyncLocal<string?> Current = new();

    private readonly ConcurrentDictionary<IPAddress, ConcurrentDictionary<string, ConnectionContext>> _byAddress = new();

    /// <summary>
    /// Marks the connection that carries the request handled in this flow. A window closed by that request (a
    /// sign-out, an administrator closing their own address) spares it, so its answer arrives whole: the gate refuses
    /// the next request on it anyway, and the keep-alive timeout ends it. Every other connection is cut.
    /// </summary>
    public static void HandlingRequestOn(string connectionId) => Current.Value = connectionId;

    public int Count => _byAddress.Values.Sum(c => c.Count);

    public async Task TrackAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection);
            return;
        }

        var address = NetworkList.Normalize(remote.Address);
        var set = _byAddress.GetOrAdd(address, _ => new());
        set[connection.ConnectionId] = connection;
        try
        {
            await next(connection);
        }
        finally
        {
            set.TryRemove(connection.ConnectionId, out _);
        }
    }

    /// <summary>Aborts every connection from the address but the one handling this flow's request; returns how many.</summary>
    public int AbortAll(IPAddress address, string reason)
    {
        if (!_byAddress.TryGetValue(NetworkList.Normalize(address), out var set))
        {
            return 0;
        }

        var n = 0;
        var current = Current.Value;
        foreach (var connection in set.Values)
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
}
