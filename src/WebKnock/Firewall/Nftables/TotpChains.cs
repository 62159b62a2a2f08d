using System.Globalization;
using System.Text;
using WebKnock.Knocking.Nflog;
using WebKnock.Knocking.Totp;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The kernel's part of the TOTP sequence knock: every pure SYN to a service's TOTP range (its pool: the range less the
/// excluded ports) jumps from the input chain, BEFORE the blocked set's drop (a credential passes a block; the gateway
/// lifts the block when a sequence completes), to <c>&lt;svc&gt;_totp</c>: over the per-source rate it is dropped
/// unlogged; otherwise it is logged to NFLOG (<c>wk:totp:&lt;svc&gt;</c>, rate-limited over all sources) and dropped.
/// The gateway matches the sequences: they change every 30 s per user, and "opens once per (user, step)" needs memory
/// across sources that a set cannot hold (see README, how it works).
/// </summary>
internal static class TotpChains
{
    public const string LogLimit = "wk_log_totp";

    /// <summary>The one input-chain line per service with a TOTP range.</summary>
    public static void WriteJumps(RulesetBuilder.ChainBody body, IEnumerable<NftService> services)
    {
        foreach (var service in services.Where(s => s.Totp is not null))
        {
            body.Line($"tcp dport {Ranges(service.Totp!)} {RulesetBuilder.PureSyn} jump {Chain(service.Name)}");
        }
    }

    public static void Write(StringBuilder text, NftService service, int group)
    {
        if (service.Totp is null)
        {
            return;
        }

        RulesetBuilder.Chain(text, Chain(service.Name), body =>
        {
            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{NftNames.TotpRate(service.Name)}{f.Suffix} {{ {f.Saddr} limit rate over {service.RatePerSecond}/second burst {service.RateBurst} packets }} goto {NftNames.ClosedPort}");
            }

            body.Line($"limit name \"{LogLimit}\" log prefix \"{NflogPrefix.Totp(service.Name)}\" group {group}");

            // Answered as every closed port is (ClosedPorts: RST / port unreachable, rate-limited; or nothing).
            body.Line($"goto {NftNames.ClosedPort}");
        });
    }

    public static string Chain(string service) => $"{service}_totp";

    private static string Ranges(TotpPortPool pool)
        => "{ " + string.Join(", ", TotpPools.Intervals(pool).Select(r => r.First == r.Last
            ? r.First.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}"))) + " }";
}
