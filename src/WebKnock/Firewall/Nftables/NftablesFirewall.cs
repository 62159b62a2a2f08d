using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// <see cref="IFirewall"/> on WebKnock's own nftables table, through libnftables in-process. Every address is
/// validated and written in canonical form; element changes are batched by <see cref="NftWriter"/>.
/// </summary>
internal sealed partial class NftablesFirewall : IFirewall
{
    private readonly NftWriter _writer;
    private readonly RulesetBuilder _builder;
    private readonly ILogger<NftablesFirewall> _logger;
    private readonly HashSet<string> _services;

    private readonly BlockLedger? _blocks;

    public NftablesFirewall(
        IOptions<WebKnockOptions> options,
        IOptions<NftablesOptions> nftables,
        NftWriter writer,
        ILogger<NftablesFirewall> logger,
        BlockLedger? blocks = null)
    {
        _blocks = blocks;
        _builder = new RulesetBuilder(options.Value, nftables.Value);
        _services = _builder.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        _writer = writer;
        _logger = logger;
    }

    public string Table => _builder.Table;

    /// <summary>Whether <see cref="InitializeAsync"/> has loaded the table (the watchdog restores only then).</summary>
    public bool IsInitialized { get; private set; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var kept = await ReadKeptAsync(cancellationToken).ConfigureAwait(false);
        var networks = await ReadKeptNetworksAsync(cancellationToken).ConfigureAwait(false);
        await _writer.RunAsync(_builder.BuildLoad(kept, networks), cancellationToken: cancellationToken).ConfigureAwait(false);
        IsInitialized = true;
        LogTableLoaded(_logger, Table, kept.Count + networks.Count);
        var refreshByAdd = await _writer.ProbeRefreshByAddAsync(Table, cancellationToken).ConfigureAwait(false);
        LogRefreshMode(_logger, refreshByAdd ? "add (the kernel replaces the timeout)" : "add, delete, add (portable)");
    }

    /// <summary>
    /// Loads the table again, keeping what is left of it and putting <paramref name="windows"/>, <paramref name="networks"/>
    /// and the blocks of the <see cref="BlockLedger"/> back.
    /// </summary>
    public async Task RestoreAsync(
        IEnumerable<(string Service, IPAddress Address, TimeSpan Remaining)> windows,
        CancellationToken cancellationToken,
        IEnumerable<(string Service, IPNetwork Network, TimeSpan Remaining)>? networks = null)
    {
        var kept = (await ReadKeptAsync(cancellationToken).ConfigureAwait(false)).ToList();
        foreach (var (service, address, remaining) in windows)
        {
            if (_services.Contains(service) && remaining > TimeSpan.Zero)
            {
                kept.Add(new NftSetElement(AllowSet(service, address), NftAddress.Canonical(address), remaining));
            }
        }

        var blocks = _blocks?.Current() ?? [];
        kept.AddRange(blocks);

        // One element per set and address: the longest remaining time wins.
        var merged = kept.GroupBy(e => (e.Set, e.Address))
            .Select(g => g.OrderByDescending(e => e.Remaining ?? TimeSpan.MaxValue).First())
            .ToList();
        var keptNetworks = (await ReadKeptNetworksAsync(cancellationToken).ConfigureAwait(false)).ToList();
        foreach (var (service, network, remaining) in networks ?? [])
        {
            if (_services.Contains(service) && remaining > TimeSpan.Zero)
            {
                keptNetworks.Add(new NftNetworkElement(NetworkSet(service, network), network, remaining));
            }
        }

        var mergedNetworks = keptNetworks.GroupBy(e => (e.Set, e.Network))
            .Select(g => g.OrderByDescending(e => e.Remaining ?? TimeSpan.MaxValue).First())
            .ToList();
        await _writer.RunAsync(_builder.BuildLoad(merged, mergedNetworks), cancellationToken: cancellationToken).ConfigureAwait(false);
        LogTableRestored(_logger, Table, merged.Count + mergedNetworks.Count, blocks.Count);
    }

    /// <summary>Whether the table (its input chain) is loaded in the kernel.</summary>
    public async Task<bool> TableExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writer.RunAsync($"list chain inet {Table} {NftNames.InputChain}", cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NftablesException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    public Task OpenAsync(string service, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        LogOpen(_logger, service, address, timeout);
        return Refresh(AllowSet(service, address), address, timeout, cancellationToken);
    }

    public Task CloseAsync(string service, IPAddress address, CancellationToken cancellationToken)
    {
        LogClose(_logger, service, address);
        return Remove(AllowSet(service, address), address, cancellationToken);
    }

    public async Task<IReadOnlyList<FirewallElement>> ListAsync(string service, CancellationToken cancellationToken)
    {
        CheckService(service);
        return await ListSetsAsync(NftNames.Allow(service), cancellationToken).ConfigureAwait(false);
    }

    public async Task OpenNetworkAsync(string service, IPNetwork network, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var set = NetworkSet(service, network);
        var text = NftAddress.FormatNetwork(network);
        LogOpenNetwork(_logger, service, text, timeout);
        try
        {
            await _writer.ChangeElementAsync(new NftElementChange(Table, set, text, timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (NftablesException e) when (e.Message.Contains("overlaps", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The network {text} overlaps another open network of {service}: {e.Message}", e);
        }
    }

    public Task CloseNetworkAsync(string service, IPNetwork network, CancellationToken cancellationToken)
    {
        var set = NetworkSet(service, network);
        var text = NftAddress.FormatNetwork(network);
        LogCloseNetwork(_logger, service, text);
        return _writer.ChangeElementAsync(new NftElementChange(Table, set, text, null), cancellationToken);
    }

    public async Task<IReadOnlyList<FirewallNetwork>> ListNetworksAsync(string service, CancellationToken cancellationToken)
    {
        CheckService(service);
        var networks = new List<FirewallNetwork>();
        foreach (var suffix in "46")
        {
            var json = await _writer.RunAsync($"list set inet {Table} {NftNames.Networks(service)}{suffix}", json: true, cancellationToken).ConfigureAwait(false);
            networks.AddRange(NftSetListing.ParseNetworks(json));
        }

        return networks;
    }

    public Task BlockAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        LogBlock(_logger, address, duration);
        _blocks?.Add(NftNames.Blocked, address, duration);
        return Refresh(NftNames.Blocked + NftAddress.FamilySuffix(address), address, duration, cancellationToken);
    }

    public Task UnblockAsync(IPAddress address, CancellationToken cancellationToken)
    {
        LogUnblock(_logger, address);
        _blocks?.Remove(NftNames.Blocked, address);
        return Remove(NftNames.Blocked + NftAddress.FamilySuffix(address), address, cancellationToken);
    }

    /// <summary>
    /// Lifts every block the kernel holds against <paramref name="address"/>: the block (the address itself and, for
    /// IPv6, its source prefix, where scan blocks live) and the knock ban (IPv4: the address; IPv6: its prefix). The
    /// hook for a credentialed knock, which passes a block and then lifts it; an absent element is no error.
    /// </summary>
    public Task LiftBlocksAsync(IPAddress address, CancellationToken cancellationToken)
    {
        address = NftAddress.Canonical(address);
        var suffix = NftAddress.FamilySuffix(address);
        var prefix = suffix == '4' ? address : Prefix(address, _builder.Nftables.SourcePrefixV6);
        LogUnblock(_logger, address);
        var changes = new List<Task>();
        foreach (var (set, element) in new[] { (NftNames.Blocked, address), (NftNames.Blocked, prefix), (NftNames.KnockBan, prefix) }.Distinct())
        {
            _blocks?.Remove(set, element);
            changes.Add(Remove(set + suffix, element, cancellationToken));
        }

        return Task.WhenAll(changes);
    }

    /// <summary>The address with every bit after the first <paramref name="length"/> cleared.</summary>
    internal static IPAddress Prefix(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length * 8; i++)
        {
            if (i >= length)
            {
                bytes[i / 8] &= (byte)~(0x80 >> (i % 8));
            }
        }

        return new IPAddress(bytes);
    }

    public async Task<IReadOnlyList<FirewallElement>> ListBlockedAsync(CancellationToken cancellationToken)
        => await ListSetsAsync(NftNames.Blocked, cancellationToken).ConfigureAwait(false);

    // Element changes go to the writer as data: it batches concurrent ones into a few commands per set.
    private Task Refresh(string set, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
        => _writer.ChangeElementAsync(new NftElementChange(Table, set, NftAddress.Format(address), timeout), cancellationToken);

    private Task Remove(string set, IPAddress address, CancellationToken cancellationToken)
        => _writer.ChangeElementAsync(new NftElementChange(Table, set, NftAddress.Format(address), null), cancellationToken);

    private async Task<List<FirewallElement>> ListSetsAsync(string set, CancellationToken cancellationToken)
    {
        var elements = new List<FirewallElement>();
        foreach (var suffix in "46")
        {
            var json = await _writer.RunAsync($"list set inet {Table} {set}{suffix}", json: true, cancellationToken).ConfigureAwait(false);
            elements.AddRange(NftSetListing.Parse(json));
        }

        return elements;
    }

    private async Task<IReadOnlyList<NftSetElement>> ReadKeptAsync(CancellationToken cancellationToken)
    {
        var kept = new List<NftSetElement>();
        foreach (var set in _builder.KeptSets)
        {
            try
            {
                var json = await _writer.RunAsync($"list set inet {Table} {set}", json: true, cancellationToken).ConfigureAwait(false);
                kept.AddRange(NftSetListing.Parse(json).Select(e => new NftSetElement(set, e.Address, e.Remaining)));
            }
            catch (NftablesException e) when (e.IsNotFound)
            {
                // No table yet, or a set that a new configuration adds.
            }
        }

        return kept;
    }

    private async Task<IReadOnlyList<NftNetworkElement>> ReadKeptNetworksAsync(CancellationToken cancellationToken)
    {
        var kept = new List<NftNetworkElement>();
        foreach (var set in _builder.KeptNetworkSets)
        {
            try
            {
                var json = await _writer.RunAsync($"list set inet {Table} {set}", json: true, cancellationToken).ConfigureAwait(false);
                kept.AddRange(NftSetListing.ParseNetworks(json).Select(e => new NftNetworkElement(set, e.Network, e.Remaining)));
            }
            catch (NftablesException e) when (e.IsNotFound)
            {
                // No table yet, or a table from a version without network windows.
            }
        }

        return kept;
    }

    private string NetworkSet(string service, IPNetwork network)
    {
        CheckService(service);
        return NftNames.Networks(service) + NftAddress.FamilySuffix(network.BaseAddress);
    }

    private string AllowSet(string service, IPAddress address)
    {
        CheckService(service);
        return NftNames.Allow(service) + NftAddress.FamilySuffix(address);
    }

    private void CheckService(string service)
    {
        if (!_services.Contains(service))
        {
            throw new ArgumentException($"Unknown service '{service}'; configured: {string.Join(", ", _services)}.", nameof(service));
        }
    }
}
