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
    private readonly ConcurrentDictionary<IPAddress, ConcurrentDictionary<string, ConnectionContext>> _byAddress = new();

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

    /// <summary>Aborts every connection from the address; returns how many.</summary>
    public int AbortAll(IPAddress address, string reason)
    {
        if (!_byAddress.TryGetValue(NetworkList.Normalize(address), out var set))
        {
            return 0;
        }

        var n = 0;
        foreach (var connection in set.Values)
        {
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
