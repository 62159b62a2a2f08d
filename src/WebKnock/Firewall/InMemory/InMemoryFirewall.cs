using System.Collections.Concurrent;
using System.Net;
using WebKnock.Configuration;

namespace WebKnock.Firewall.InMemory;

/// <summary>
/// The firewall for development and tests: sets with per-element deadlines kept in memory, timed by
/// the injected clock exactly as the kernel times its set elements. It enforces nothing outside this
/// process; the gate is what refuses requests.
/// </summary>
internal sealed class InMemoryFirewall(TimeProvider time) : IFirewall
{
    private readonly ConcurrentDictionary<(string Service, IPAddress Address), DateTimeOffset> _allowed = new();
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _blocked = new();
    private readonly Dictionary<(string Service, IPNetwork Network), DateTimeOffset> _networks = [];
    private readonly Lock _networksLock = new();

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the address passes to the service's protected ports: its own element, or an open network that holds it.</summary>
    public bool IsAllowed(string service, IPAddress address)
    {
        address = NetworkList.Normalize(address);
        var now = time.GetUtcNow();
        if (_allowed.TryGetValue((service, address), out var until) && until > now)
        {
            return true;
        }

        lock (_networksLock)
        {
            return _networks.Any(e => e.Key.Service == service && e.Value > now && e.Key.Network.Contains(address));
        }
    }

    public bool IsBlocked(IPAddress address) =>
        _blocked.TryGetValue(NetworkList.Normalize(address), out var until) && until > time.GetUtcNow();

    public Task OpenAsync(string service, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _allowed[(service, NetworkList.Normalize(address))] = time.GetUtcNow() + timeout;
        return Task.CompletedTask;
    }

    public Task CloseAsync(string service, IPAddress address, CancellationToken cancellationToken)
    {
        _allowed.TryRemove((service, NetworkList.Normalize(address)), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FirewallElement>> ListAsync(string service, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<FirewallElement> list = [.. _allowed
            .Where(e => e.Key.Service == service && e.Value > now)
            .Select(e => new FirewallElement(e.Key.Address, e.Value - now))];
        return Task.FromResult(list);
    }

    public Task OpenNetworkAsync(string service, IPNetwork network, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var now = time.GetUtcNow();
        lock (_networksLock)
        {
            // As the kernel's interval set: an element that overlaps another (live) one is refused.
            var overlap = _networks.FirstOrDefault(e => e.Key.Service == service && e.Value > now && e.Key.Network != network && Overlap(e.Key.Network, network));
            if (overlap.Key.Service is not null)
            {
                throw new InvalidOperationException($"The network {network} overlaps the open network {overlap.Key.Network}.");
            }

            _networks[(service, network)] = now + timeout;
        }

        return Task.CompletedTask;
    }

    public Task CloseNetworkAsync(string service, IPNetwork network, CancellationToken cancellationToken)
    {
        lock (_networksLock)
        {
            _networks.Remove((service, network));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FirewallNetwork>> ListNetworksAsync(string service, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_networksLock)
        {
            IReadOnlyList<FirewallNetwork> list = [.. _networks
                .Where(e => e.Key.Service == service && e.Value > now)
                .Select(e => new FirewallNetwork(e.Key.Network, e.Value - now))];
            return Task.FromResult(list);
        }
    }

    internal static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    public Task BlockAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken)
    {
        _blocked[NetworkList.Normalize(address)] = time.GetUtcNow() + duration;
        return Task.CompletedTask;
    }

    public Task UnblockAsync(IPAddress address, CancellationToken cancellationToken)
    {
        _blocked.TryRemove(NetworkList.Normalize(address), out _);
        return Task.CompletedTask;
    }

    // The in-memory firewall blocks single addresses only and has no knock ban of its own.
    public Task LiftBlocksAsync(IPAddress address, CancellationToken cancellationToken) => UnblockAsync(address, cancellationToken);

    public Task<IReadOnlyList<FirewallElement>> ListBlockedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<FirewallElement> list = [.. _blocked.Where(e => e.Value > now).Select(e => new FirewallElement(e.Key, e.Value - now))];
        return Task.FromResult(list);
    }
}
