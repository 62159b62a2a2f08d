using System.Text;
using WebKnock.Knocking.Nflog;
using WebKnock.Knocking.Spa;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// Single-packet authorization in the kernel: a UDP datagram to <see cref="SpaOptions.Port"/> is logged to NFLOG with
/// its payload (prefix <see cref="NflogPrefix.Spa"/>) for the gateway to judge, and dropped: nothing answers there.
/// A source over <see cref="SpaOptions.RatePerSecond"/> is dropped unlogged; all sources together are logged at most
/// <see cref="SpaOptions.LogRatePerSecond"/> a second. The input chain jumps here before the blocked-set drop: a
/// credential must reach the gateway from a blocked address too (a good packet lifts the block).
/// </summary>
internal static class SpaChains
{
    public const string Chain = "spa";
    private const string RateSet = "spa_rate";
    private const string LogLimit = "wk_log_spa";

    /// <summary>The input chain's one line (nothing when SPA is disabled).</summary>
    public static string? Jump(SpaOptions spa) => spa.Enabled ? $"udp dport {spa.Port} jump {Chain}" : null;

    public static void Write(StringBuilder text, SpaOptions spa, int group)
    {
        if (!spa.Enabled)
        {
            return;
        }

        text.Append($"\tlimit {LogLimit} {{ rate {spa.LogRatePerSecond}/second burst {spa.LogRatePerSecond} packets }}\n");
        foreach (var f in NftFamily.Both)
        {
            var type = f == NftFamily.V4 ? "ipv4_addr" : "ipv6_addr";
            text.Append($"\tset {RateSet}{f.Suffix} {{ type {type}; flags dynamic, timeout; timeout 1m; size 65536; }}\n");
        }

        RulesetBuilder.Chain(text, Chain, body =>
        {
            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{RateSet}{f.Suffix} {{ {f.Saddr} limit rate over {spa.RatePerSecond}/second burst {spa.RateBurst} packets }} goto {NftNames.ClosedPort}");
            }

            body.Line($"limit name \"{LogLimit}\" log prefix \"{NflogPrefix.Spa}\" group {group}");
            // Answered as every closed port is (ClosedPorts: RST / port unreachable, rate-limited; or nothing).
            body.Line($"goto {NftNames.ClosedPort}");
        });
    }
}
