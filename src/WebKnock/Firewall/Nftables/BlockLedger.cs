using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Knocking;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The blocks the gateway knows of, to put back when WebKnock's table is lost (<c>flush ruleset</c>, a deleted
/// table): the kernel's own scan blocks and knock-port bans as NFLOG reports them, and the blocks the gateway itself
/// asks for (administrators, repeated failed logins). Without it a flush would unblock every attacker; a reload
/// of a table that still exists keeps its blocked set on its own.
/// </summary>
internal sealed class BlockLedger(TimeProvider time, IOptions<NftablesOptions> nftables) : IKnockEventHandler
{
    /// <summary>As many as the kernel's two sets can hold together; past it, the expired go first, then new ones are not kept.</summary>
    public const int Capacity = 2 * 65536;

    private readonly ConcurrentDictionary<(string Set, IPAddress Address), DateTimeOffset> _until = new();

    public int Count => _until.Count;

    void IKnockEventHandler.Handle(KnockEvent e)
    {
        switch (e.Kind)
        {
            case KnockEventKind.ScanBlocked:
                Add(NftNames.Blocked, e.Source, nftables.Value.ScanBlockTime);
                break;
            case KnockEventKind.Flood:
                Add(NftNames.KnockBan, e.Source, nftables.Value.FloodBanTime);
                break;
        }
    }

    /// <summary>The address is in <paramref name="set"/> (without family suffix) for <paramref name="duration"/> from now.</summary>
    public void Add(string set, IPAddress address, TimeSpan duration)
    {
        var canonical = NftAddress.Canonical(address);
        var until = time.GetUtcNow() + duration;
        if (_until.Count >= Capacity && !_until.ContainsKey((set, canonical)))
        {
            Prune();
            if (_until.Count >= Capacity)
            {
                return;
            }
        }

        _until.AddOrUpdate((set, canonical), until, (_, old) => old > until ? old : until);
    }

    public void Remove(string set, IPAddress address) => _until.TryRemove((set, NftAddress.Canonical(address)), out _);

    /// <summary>The blocks not yet over, as elements of the family's set with their time left.</summary>
    public IReadOnlyList<NftSetElement> Current()
    {
        Prune();
        var now = time.GetUtcNow();
        return [.. _until
            .Select(kv => new NftSetElement(kv.Key.Set + NftAddress.FamilySuffix(kv.Key.Address), kv.Key.Address, kv.Value - now))
            .Where(e => e.Remaining > TimeSpan.Zero)];
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, until) in _until)
        {
            if (until <= now)
            {
                _until.TryRemove(new KeyValuePair<(string, IPAddress), DateTimeOffset>(key, until));
            }
        }
    }
}
