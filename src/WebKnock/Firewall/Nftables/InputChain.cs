using System.Globalization;
using System.Text;
using WebKnock.Configuration;
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
            WriteScan(text, builder, options, group);
        }

        var reset = builder.ClosedPorts == ClosedPortsMode.Reset;
        RulesetBuilder.Chain(text, NftNames.InputChain, body =>
        {
            body.Line($"type filter hook input priority {options.InputPriority.ToString(CultureInfo.InvariantCulture)}; policy accept;");
            body.Line("iif \"lo\" accept");

            // No real packet has an IPv4-mapped source: a forgery (or a bypass of the IPv4 rules). Counted for /metrics.
            body.Line($"ip6 saddr ::ffff:0.0.0.0/96 counter name \"{NftNames.MappedCounter}\" drop");

            if (builder.SpaJump is { } spa)
            {
                body.Line(spa);
            }

            foreach (var f in NftFamily.Both.Where(f => alwaysFamilies.Contains(f.Suffix)))
            {
                body.Line($"{f.Saddr} @{NftNames.Always}{f.Suffix} accept");
            }

            // Credential knocks (TOTP, SPA) are jumped to HERE, before the block check: a credentialed knock passes a
            // block (and the gateway lifts it: IFirewall.LiftBlocksAsync); their chains end with
            // "goto closed_port" (NftNames.ClosedPort) like every other refusal.
            // A block stops new connections only: it never cuts an established one (a spoofed scan cannot cut a user).
            TotpChains.WriteJumps(body, builder.Services);
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Blocked}{f.Suffix} ct state new drop");
                if (builder.BlockKey(f) != f.Saddr)
                {
                    body.Line($"{builder.BlockKey(f)} @{NftNames.Blocked}{f.Suffix} ct state new drop");
                }
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

            if (!reset)
            {
                body.Line("ct state established,related accept");
                body.Line("meta l4proto { icmp, ipv6-icmp } accept");
            }

            if (options.AlwaysOpenTcpPorts.Length > 0)
            {
                body.Line($"tcp dport {Ports(options.AlwaysOpenTcpPorts)} accept");
            }

            if (options.AlwaysOpenUdpPorts.Length > 0)
            {
                body.Line($"udp dport {Ports(options.AlwaysOpenUdpPorts)} accept");
            }

            if (reset)
            {
                // A port the host really serves (a local listener) answers as it always did, and is no scan target.
                body.Line("meta l4proto { tcp, udp } socket transparent 0 accept");
                body.Line("meta l4proto { tcp, udp } socket transparent 1 accept");
            }

            if (options.ScanDetection)
            {
                body.Line($"{RulesetBuilder.PureSyn} jump {ScanChain}");
                body.Line($"meta l4proto udp ct state new jump {ScanChain}");
            }

            // Every other closed port: the same verdict as a knock port or a protected port without a window.
            body.Line($"{RulesetBuilder.PureSyn} goto {NftNames.ClosedPort}");
            body.Line($"meta l4proto udp ct state new goto {NftNames.ClosedPort}");
            if (!reset)
            {
                body.Line("ct state new drop");
            }
        });
    }

    private static void WriteScan(StringBuilder text, RulesetBuilder builder, NftablesOptions options, int group)
    {
        RulesetBuilder.Chain(text, ScanChain, body =>
        {
            // An address with a window is never blocked by a scan, whoever sent the packets in its name.
            foreach (var match in builder.WindowMatches())
            {
                body.Line($"{match} return");
            }

            foreach (var f in NftFamily.Both)
            {
                var key = builder.BlockKey(f);
                body.Line($"add @{NftNames.Scan}{f.Suffix} {{ {key} limit rate over {ScanRate(options)} burst {options.ScanThreshold} packets }} "
                    + $"update @{NftNames.Blocked}{f.Suffix} {{ {key} }} goto {ScanLogChain}");
            }
        });
        RulesetBuilder.Chain(text, ScanLogChain, body =>
        {
            body.Line($"limit name \"{RulesetBuilder.NoiseLimit}\" log prefix \"{NflogPrefix.Scan}\" group {group}");
            body.Line("drop");
        });
    }

    /// <summary>The refill rate of the scan bucket: threshold per period, in the smallest unit that keeps it whole.</summary>
    internal static string ScanRate(NftablesOptions options) => Rate(options.ScanThreshold, options.ScanPeriod);

    /// <summary><paramref name="count"/> per <paramref name="period"/> as an nft rate, in the smallest unit that keeps it whole (rounded up).</summary>
    internal static string Rate(int count, TimeSpan period)
    {
        foreach (var (unit, seconds) in new[] { ("second", 1.0), ("minute", 60.0), ("hour", 3600.0) })
        {
            var rate = count * seconds / period.TotalSeconds;
            if (rate >= 1)
            {
                return $"{Math.Ceiling(rate).ToString(CultureInfo.InvariantCulture)}/{unit}";
            }
        }

        return $"{Math.Max(1, Math.Ceiling(count * 86400 / period.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}/day";
    }

    private static string Ports(IReadOnlyCollection<int> ports)
        => ports.Count == 1 ? ports.First().ToString(CultureInfo.InvariantCulture) : $"{{ {string.Join(", ", ports.Distinct())} }}";
}
