using System.Net;
using System.Text;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Firewall.Nftables;

/// <summary>An element to put back into a set when the table is (re)loaded.</summary>
internal sealed record NftSetElement(string Set, IPAddress Address, TimeSpan? Remaining);

/// <summary>A network to put back into an interval set when the table is (re)loaded.</summary>
internal sealed record NftNetworkElement(string Set, IPNetwork Network, TimeSpan? Remaining);

/// <summary>
/// Generates WebKnock's own table, <c>table inet &lt;Table&gt;</c>, from the configuration. Nothing outside
/// that table is ever named. Loading replaces the table atomically and puts the given elements back.
/// </summary>
internal sealed class RulesetBuilder
{
    public const string KnockLimit = "wk_log_knock";
    public const string OpenLimit = "wk_log_open";
    public const string NoiseLimit = "wk_log_noise";
    /// <summary>Only a pure SYN counts as a knock or a connection attempt.</summary>
    public const string PureSyn = "tcp flags & (fin|syn|rst|ack) == syn";

    private readonly NftablesOptions _nftables;
    private readonly WebKnock.Knocking.Spa.SpaOptions _spa;
    private readonly int _group;
    private readonly IPNetwork[] _alwaysAllowed;

    public RulesetBuilder(WebKnockOptions options, NftablesOptions nftables)
    {
        var errors = RulesetValidation.Validate(options, nftables);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        _nftables = nftables;
        _spa = options.Spa;
        _group = options.Firewall.NflogGroup;
        Table = options.Firewall.Table;
        Services = NftService.From(options, nftables).Select(s => s.Service).ToArray();
        _alwaysAllowed = options.Network.AlwaysAllowed.Select(n => IPNetwork.Parse(n.Trim())).ToArray();
        ClosedPorts = ClosedPortsOf(options, nftables);
    }

    public string Table { get; }

    /// <summary>What a closed port answers (<c>WebKnock:Firewall:ClosedPorts</c>, or Drop from the DefaultDrop alias).</summary>
    public ClosedPortsMode ClosedPorts { get; }

    public NftablesOptions Nftables => _nftables;

    /// <summary>The effective mode: ClosedPorts when set, else Drop for the former DefaultDrop, else Reset.</summary>
    public static ClosedPortsMode ClosedPortsOf(WebKnockOptions options, NftablesOptions nftables)
        => options.Firewall.ClosedPorts ?? (nftables.DefaultDrop ? ClosedPortsMode.Drop : ClosedPortsMode.Reset);

    /// <summary>The key a block, ban or per-source rate uses: the address for IPv4, its <see cref="NftablesOptions.SourcePrefixV6"/> for IPv6.</summary>
    public string BlockKey(NftFamily f) => f == NftFamily.V4 ? f.Saddr : f.SaddrPrefix(_nftables.SourcePrefixV6);

    /// <summary>The source prefix that may hold at most <see cref="NftablesOptions.PrefixShare"/> of a set.</summary>
    public string ShareKey(NftFamily f) => f.SaddrPrefix(f == NftFamily.V4 ? _nftables.SourcePrefixV4 : _nftables.SourcePrefixV6);

    /// <summary>
    /// The matches of "this source has a window": every service's allowed and network sets, both families. Such a source
    /// is never scan-blocked or knock-banned, whatever its packets say (their source address is not checked).
    /// </summary>
    public IEnumerable<string> WindowMatches() => NftFamily.Both.SelectMany(f => Services.SelectMany(s => new[]
    {
        $"{f.Saddr} @{NftNames.Allow(s.Name)}{f.Suffix}",
        $"{f.Saddr} @{NftNames.Networks(s.Name)}{f.Suffix}",
    }));

    /// <summary>
    /// The token bucket that lets one source prefix add at most about <paramref name="share"/> elements over
    /// <paramref name="period"/> (the lifetime of an element): half of it as a burst, half refilled over the period.
    /// </summary>
    public static (string Rate, int Burst) ShareBucket(int size, double share, TimeSpan period)
    {
        var most = Math.Max(2, (int)Math.Floor(size * share));
        var burst = most / 2;
        return (InputChain.Rate(most - burst, period), burst);
    }

    public IReadOnlyList<NftService> Services { get; }

    /// <summary>The input chain's jump to the SPA chain, or null when SPA is disabled.</summary>
    public string? SpaJump => SpaChains.Jump(_spa);

    /// <summary>The sets whose elements survive a reload: allowed and blocked, both families.</summary>
    public IEnumerable<string> KeptSets => Services
        .Select(s => NftNames.Allow(s.Name))
        .Append(NftNames.Blocked)
        .SelectMany(set => new[] { set + "4", set + "6" });

    /// <summary>The interval sets of allowed networks, both families: their elements survive a reload too.</summary>
    public IEnumerable<string> KeptNetworkSets => Services
        .Select(s => NftNames.Networks(s.Name))
        .SelectMany(set => new[] { set + "4", set + "6" });

    /// <summary>
    /// One atomic buffer: create-if-absent, delete, the whole table, then <paramref name="elements"/> and
    /// <paramref name="networks"/> put back.
    /// </summary>
    public string BuildLoad(IEnumerable<NftSetElement> elements, IEnumerable<NftNetworkElement>? networks = null)
    {
        var text = new StringBuilder();
        text.Append("table inet ").Append(Table).Append('\n');
        text.Append("delete table inet ").Append(Table).Append('\n');
        text.Append(BuildTable());
        foreach (var group in elements.Where(e => e.Remaining is null || e.Remaining > TimeSpan.Zero).GroupBy(e => e.Set))
        {
            var items = group.Select(e => e.Remaining is { } r
                ? $"{NftAddress.Format(e.Address)} timeout {NftAddress.FormatTimeout(r)}"
                : NftAddress.Format(e.Address));
            text.Append($"add element inet {Table} {group.Key} {{ {string.Join(", ", items)} }}\n");
        }

        foreach (var group in (networks ?? []).Where(e => e.Remaining is null || e.Remaining > TimeSpan.Zero).GroupBy(e => e.Set))
        {
            var items = group.Select(e => e.Remaining is { } r
                ? $"{NftAddress.FormatNetwork(e.Network)} timeout {NftAddress.FormatTimeout(r)}"
                : NftAddress.FormatNetwork(e.Network));
            text.Append($"add element inet {Table} {group.Key} {{ {string.Join(", ", items)} }}\n");
        }

        return text.ToString();
    }

    /// <summary>The table definition alone.</summary>
    public string BuildTable()
    {
        var text = new StringBuilder();
        text.Append("table inet ").Append(Table).Append(" {\n");
        text.Append($"\tlimit {KnockLimit} {{ rate {_nftables.KnockLogRatePerSecond}/second burst {_nftables.KnockLogRatePerSecond} packets }}\n");
        text.Append($"\tlimit {OpenLimit} {{ rate {_nftables.OpenLogRatePerSecond}/second burst {_nftables.OpenLogRatePerSecond} packets }}\n");
        text.Append($"\tlimit {NoiseLimit} {{ rate {_nftables.NoiseLogRatePerSecond}/second burst {_nftables.NoiseLogRatePerSecond} packets }}\n");
        if (ClosedPorts == ClosedPortsMode.Reset)
        {
            text.Append($"\tlimit {NftNames.RejectLimit} {{ rate {_nftables.RejectRatePerSecond}/second burst {_nftables.RejectRatePerSecond} packets }}\n");
        }

        text.Append($"\tcounter {NftNames.MappedCounter} {{ }}\n");
        text.Append($"\tcounter {NftNames.PrefixFullCounter} {{ }}\n");

        if (Services.Any(s => s.Totp is not null))
        {
            text.Append($"\tlimit {TotpChains.LogLimit} {{ rate {_nftables.KnockLogRatePerSecond}/second burst {_nftables.KnockLogRatePerSecond} packets }}\n");
        }

        WriteSets(text);
        WriteClosedPort(text);
        foreach (var service in Services)
        {
            ProtectChains.Write(text, service, _group);
            if (service.Plain)
            {
                KnockChains.Write(text, this, service, _group);
            }

            TotpChains.Write(text, service, _group);
        }

        SpaChains.Write(text, _spa, _group);
        var alwaysFamilies = _alwaysAllowed.Select(n => NftAddress.FamilySuffix(n.BaseAddress)).Distinct().ToArray();
        InputChain.Write(text, this, _nftables, _group, alwaysFamilies);
        text.Append("}\n");
        return text.ToString();
    }

    private void WriteSets(StringBuilder text)
    {
        foreach (var service in Services)
        {
            Set(text, NftNames.Allow(service.Name), timeout: null, size: _nftables.MaxWindows);
            for (var step = 1; step < service.KnockPorts.Count; step++)
            {
                Set(text, NftNames.Progress(service.Name, step), service.StepTimeout, service.TrackedSources);
            }

            Set(text, NftNames.Rate(service.Name), TimeSpan.FromMinutes(1), service.TrackedSources);

            // Per source prefix; "update" keeps an element while its prefix keeps knocking, so a bucket is never
            // forgotten (and refilled) while elements it let in still live.
            Set(text, NftNames.PrefixProgress(service.Name), service.StepTimeout, 65536);
            Set(text, NftNames.PrefixOpen(service.Name), service.Window, 65536);

            if (service.Totp is not null)
            {
                Set(text, NftNames.TotpRate(service.Name), TimeSpan.FromMinutes(1), service.TrackedSources);
            }

            foreach (var f in NftFamily.Both)
            {
                // Filled by the knock chain; lost on a reload, which only lets the retransmissions of a knock
                // made just before it count once more (as they all did before this set).
                text.Append($"\tset {NftNames.Seen(service.Name)}{f.Suffix} {{ type {AddrType(f)} . inet_service . inet_service; flags dynamic, timeout; "
                    + $"timeout {NftAddress.FormatTimeout(KnockRetransmissions.Horizon)}; size {KnockRetransmissions.Capacity}; }}\n");
            }

            foreach (var f in NftFamily.Both)
            {
                // Filled only from user space (an administrator's network window), never by a rule: no "dynamic".
                text.Append($"\tset {NftNames.Networks(service.Name)}{f.Suffix} {{ type {AddrType(f)}; flags interval, timeout; size {_nftables.MaxNetworkWindows}; }}\n");
            }
        }

        Set(text, NftNames.Blocked, _nftables.ScanBlockTime, 65536);
        Set(text, NftNames.KnockBan, _nftables.FloodBanTime, 65536);
        if (_nftables.ScanDetection)
        {
            Set(text, NftNames.Scan, _nftables.ScanPeriod, 65536);
        }

        foreach (var f in NftFamily.Both)
        {
            var networks = _alwaysAllowed
                .Where(n => NftAddress.FamilySuffix(n.BaseAddress) == f.Suffix)
                .Select(n => n.ToString())
                .ToArray();
            if (networks.Length > 0)
            {
                text.Append($"\tset {NftNames.Always}{f.Suffix} {{ type {AddrType(f)}; flags interval; auto-merge; elements = {{ {string.Join(", ", networks)} }}; }}\n");
            }
        }
    }

    /// <summary>
    /// The verdict on a new connection that is not let in, the same at every port: in Reset mode a TCP RST to the SYN or
    /// an ICMP/ICMPv6 port unreachable for UDP, within a global budget (beyond it: drop); in Drop mode, drop.
    /// </summary>
    private void WriteClosedPort(StringBuilder text) => Chain(text, NftNames.ClosedPort, body =>
    {
        if (ClosedPorts == ClosedPortsMode.Reset)
        {
            // A blocked source sees everything filtered, the credential knocks' ports too (their chains run before the
            // block check so that the gateway still reads a credential from a blocked address).
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Blocked}{f.Suffix} ct state new drop");
                if (BlockKey(f) != f.Saddr)
                {
                    body.Line($"{BlockKey(f)} @{NftNames.Blocked}{f.Suffix} ct state new drop");
                }
            }

            body.Line($"meta l4proto tcp limit name \"{NftNames.RejectLimit}\" reject with tcp reset");
            body.Line($"meta l4proto udp limit name \"{NftNames.RejectLimit}\" reject with icmpx port-unreachable");
        }

        body.Line("drop");
    });

    private static void Set(StringBuilder text, string name, TimeSpan? timeout, int size)
    {
        foreach (var f in NftFamily.Both)
        {
            var defaultTimeout = timeout is { } t ? $" timeout {NftAddress.FormatTimeout(t)};" : "";
            text.Append($"\tset {name}{f.Suffix} {{ type {AddrType(f)}; flags dynamic, timeout;{defaultTimeout} size {size}; }}\n");
        }
    }

    private static string AddrType(NftFamily f) => f == NftFamily.V4 ? "ipv4_addr" : "ipv6_addr";

    /// <summary>Writes <c>chain name { ... }</c>, one rule a line.</summary>
    internal static void Chain(StringBuilder text, string name, Action<ChainBody> body)
    {
        text.Append("\tchain ").Append(name).Append(" {\n");
        body(new ChainBody(text));
        text.Append("\t}\n");
    }

    internal readonly struct ChainBody(StringBuilder text)
    {
        public void Line(string rule) => text.Append("\t\t").Append(rule).Append('\n');
    }
}
