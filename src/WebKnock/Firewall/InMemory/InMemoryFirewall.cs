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

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool IsAllowed(string service, IPAddress address) =>
        _allowed.TryGetValue((service, NetworkList.Normalize(address)), out var until) && until > time.GetUtcNow();

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

    public Task<IReadOnlyList<FirewallElement>> ListBlockedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<FirewallElement> list = [.. _blocked.Where(e => e.Value > now).Select(e => new FirewallElement(e.Key, e.Value - now))];
        return Task.FromResult(list);
    }
}
