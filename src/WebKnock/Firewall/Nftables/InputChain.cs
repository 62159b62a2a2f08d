using System.Globalization;
using System.Text;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The base chains. Input runs at <see cref="NftablesOptions.InputPriority"/> (default -10): after conntrack
/// (-200), so <c>ct state</c> is known, and before the host's own filter chains (0), so knock packets reach
/// WebKnock's rules even when the host drops them. A drop here is final whatever other tables say; an accept
/// only ends this chain, so this table can take traffic away but never let in what the host refuses.
/// </summary>
internal static class InputChain
{
    public const string ScanChain = "scan";
    private const string ScanLogChain = "log_scan";

    public static void Write(StringBuilder text, RulesetBuilder builder, NftablesOptions options, int group, IReadOnlyCollection<char> alwaysFamilies)
    {
        if (options.DropBadPackets)
        {
            // Before defragmentation (-400): after it, fragments are gone from view. TCP is never legitimately
            // fragmented with path MTU discovery; other protocols (DNS over UDP) may be, so they pass.
            RulesetBuilder.Chain(text, "prerouting", body =>
            {
                body.Line("type filter hook prerouting priority -450; policy accept;");
                body.Line("meta l4proto tcp ip frag-off & 0x3fff != 0 drop");
                body.Line("meta l4proto tcp exthdr frag exists drop");
            });
        }

        if (options.ScanDetection)
        {
            WriteScan(text, options, group);
        }

        RulesetBuilder.Chain(text, NftNames.InputChain, body =>
        {
            body.Line($"type filter hook input priority {options.InputPriority.ToString(CultureInfo.InvariantCulture)}; policy accept;");
            body.Line("iif \"lo\" accept");
            foreach (var f in NftFamily.Both.Where(f => alwaysFamilies.Contains(f.Suffix)))
            {
                body.Line($"{f.Saddr} @{NftNames.Always}{f.Suffix} accept");
            }

            TotpChains.WriteJumps(body, builder.Services);
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Blocked}{f.Suffix} drop");
            }

            if (options.DropBadPackets)
            {
                body.Line("tcp flags & (fin|syn|rst|psh|ack|urg) == fin|psh|urg drop");
                body.Line("tcp flags & (fin|syn|rst|psh|ack|urg) == 0x0 drop");
                body.Line("tcp flags & (syn|fin) == syn|fin drop");
                body.Line("tcp flags & (syn|rst) == syn|rst drop");
                body.Line("ct state new tcp flags & (fin|syn|rst|ack) != syn drop");
            }

            // Protected ports before any "established" accept: a closed window must cut its connections.
            foreach (var service in builder.Services.Where(s => s.ProtectedPorts.Count > 0))
            {
                body.Line($"meta l4proto {{ tcp, udp }} th dport {Ports(service.ProtectedPorts)} jump {ProtectChains.ProtectChain(service.Name)}");
            }

            // A service whose plain sequence is off (Knock:Plain false) has no knock rules: its ports are ordinary ports.
            var plain = builder.Services.Where(s => s.Plain).ToArray();
            foreach (var service in plain)
            {
                body.Line($"tcp dport {Ports(service.KnockPorts)} {RulesetBuilder.PureSyn} jump {KnockChains.KnockChain(service.Name)}");
            }

            if (plain.Length > 0)
            {
                body.Line($"tcp dport {Ports(plain.SelectMany(s => s.KnockPorts).ToArray())} drop");
            }
            if (options.DefaultDrop)
            {
                body.Line("ct state established,related accept");
                body.Line("meta l4proto { icmp, ipv6-icmp } accept");
                if (options.AlwaysOpenTcpPorts.Length > 0)
                {
                    body.Line($"tcp dport {Ports(options.AlwaysOpenTcpPorts)} accept");
                }

                if (options.AlwaysOpenUdpPorts.Length > 0)
                {
                    body.Line($"udp dport {Ports(options.AlwaysOpenUdpPorts)} accept");
                }
            }

            if (options.ScanDetection)
            {
                body.Line($"{RulesetBuilder.PureSyn} jump {ScanChain}");
            }

            if (options.DefaultDrop)
            {
                body.Line("ct state new drop");
            }
        });
    }

    private static void WriteScan(StringBuilder text, NftablesOptions options, int group)
    {
        RulesetBuilder.Chain(text, ScanChain, body =>
        {
            if (!options.DefaultDrop)
            {
                // A port with a local listener is open, not a target of a scan.
                body.Line("socket transparent 0 return");
                body.Line("socket transparent 1 return");
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{NftNames.Scan}{f.Suffix} {{ {f.Saddr} limit rate over {ScanRate(options)} burst {options.ScanThreshold} packets }} "
                    + $"update @{NftNames.Blocked}{f.Suffix} {{ {f.Saddr} }} goto {ScanLogChain}");
            }
        });
        RulesetBuilder.Chain(text, ScanLogChain, body =>
        {
            body.Line($"limit name \"{RulesetBuilder.NoiseLimit}\" log prefix \"{NflogPrefix.Scan}\" group {group}");
            body.Line("drop");
        });
    }

    /// <summary>The refill rate of the scan bucket: threshold per period, in the smallest unit that keeps it whole.</summary>
    internal static string ScanRate(NftablesOptions options)
    {
        foreach (var (unit, seconds) in new[] { ("second", 1.0), ("minute", 60.0), ("hour", 3600.0) })
        {
            var rate = options.ScanThreshold * seconds / options.ScanPeriod.TotalSeconds;
            if (rate >= 1)
            {
                return $"{Math.Ceiling(rate).ToString(CultureInfo.InvariantCulture)}/{unit}";
            }
        }

        return $"{Math.Max(1, Math.Ceiling(options.ScanThreshold * 86400 / options.ScanPeriod.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}/day";
    }

    private static string Ports(IReadOnlyCollection<int> ports)
        => ports.Count == 1 ? ports.First().ToString(CultureInfo.InvariantCulture) : $"{{ {string.Join(", ", ports.Distinct())} }}";
}
