using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// The first step of Kestrel's connection pipeline, before TLS: a connection from an address that may not pass
/// (<see cref="StrangerPolicy.Passes"/>: no open webmail window, not always allowed, not a trusted proxy, not in an
/// operations or admin network) is closed before the handshake, so a stranger never sees a certificate (which names the
/// host) nor any other byte. Before it is closed it waits up to <see cref="StrangerPolicy.Wait"/> for a window: the
/// kernel opens the port at the last knock, and the report reaches the gateway a moment later.
/// </summary>
internal sealed partial class StrangerConnections(TimeProvider? time = null, int maxWaiting = StrangerConnections.DefaultMaxWaiting)
{
    /// <summary>
    /// Most connections waiting for their window at once; beyond it a stranger is closed at once, so that a flood of
    /// strangers cannot hold Kestrel's connections (<c>Kestrel:Limits:MaxConcurrentConnections</c>) for the wait.
    /// </summary>
    public const int DefaultMaxWaiting = 256;

    /// <summary>A refused address is told of at most this often (each refusal is still counted).</summary>
    public static readonly TimeSpan TellEvery = TimeSpan.FromMinutes(1);

    /// <summary>Most addresses whose last telling is remembered; beyond it a new address is counted but not told.</summary>
    public const int MaxTold = 10_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<IPAddress, TaskCompletionSource> _waiting = new();
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _told = new();
    private int _waitingCount;

    /// <summary>Who passes; set once at start, before Kestrel accepts connections (null: everybody, as before the start).</summary>
    public StrangerPolicy? Policy { get; set; }

    public async Task FilterAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var policy = Policy;
        if (policy is null || connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection); // a Unix socket is local
            return;
        }

        var address = NetworkList.Normalize(remote.Address);
        if (policy.Passes(address) || await WaitForWindowAsync(address, policy, connection.ConnectionClosed))
        {
            await next(connection);
            return;
        }

        policy.Refused?.Invoke(address, ShouldTell(address));
        connection.Abort(new ConnectionAbortedException($"no open window for {address}"));
    }

    /// <summary>A window opened for the address: a connection waiting for it goes on at once.</summary>
    public void WindowOpened(IPAddress address)
    {
        if (_waiting.TryRemove(NetworkList.Normalize(address), out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>A network window opened: every connection waiting from inside it goes on at once.</summary>
    public void NetworkOpened(IPNetwork network)
    {
        foreach (var address in _waiting.Keys.Where(network.Contains))
        {
            WindowOpened(address);
        }
    }

    private async Task<bool> WaitForWindowAsync(IPAddress address, StrangerPolicy policy, CancellationToken closed)
    {
        if (policy.Wait <= TimeSpan.Zero)
        {
            return false;
        }

        if (Interlocked.Increment(ref _waitingCount) > maxWaiting)
        {
            Interlocked.Decrement(ref _waitingCount);
            return false;
        }

        try
        {
            return await WaitAsync(address, policy, closed);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingCount);
        }
    }

    private async Task<bool> WaitAsync(IPAddress address, StrangerPolicy policy, CancellationToken closed)
    {
        var waiting = _waiting.GetOrAdd(address, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (policy.Passes(address))
        {
            return true; // opened between the first look and the registration
        }

        try
        {
            await waiting.Task.WaitAsync(policy.Wait, _time, closed);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Not opened in time, or the client gave up: decided below.
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<IPAddress, TaskCompletionSource>(address, waiting));
        }

        return policy.Passes(address);
    }

    /// <summary>Whether to tell this refusal: the address's first, or its first for <see cref="TellEvery"/>.</summary>
    private bool ShouldTell(IPAddress address)
    {
        var now = _time.GetUtcNow();
        if (_told.TryGetValue(address, out var told))
        {
            return now - told >= TellEvery && _told.TryUpdate(address, now, told);
        }

        if (_told.Count >= MaxTold)
        {
            foreach (var (key, at) in _told)
            {
                if (now - at >= TellEvery)
                {
                    _told.TryRemove(new KeyValuePair<IPAddress, DateTimeOffset>(key, at));
                }
            }

            if (_told.Count >= MaxTold)
            {
                return false; // a flood from many addresses: counted, not told one by one
            }
        }

        return _told.TryAdd(address, now);
    }
}

/// <summary>
/// Which addresses pass before TLS (<paramref name="Passes"/>), how long another waits for its window
/// (<paramref name="Wait"/>), and who hears of each refusal with whether to tell it (<paramref name="Refused"/>: log
/// those, count them all).
/// </summary>
internal sealed record StrangerPolicy(Func<IPAddress, bool> Passes, TimeSpan Wait, Action<IPAddress, bool>? Refused = null);
