using System.Text;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The check in front of a service's protected ports. It sees every packet, not only new connections, so that
/// closing a window also cuts the connections opened through it, unless the service keeps established ones.
/// </summary>
internal static class ProtectChains
{
    public static void Write(StringBuilder text, NftService service, int group)
    {
        if (service.ProtectedPorts.Count == 0)
        {
            return;
        }

        var svc = service.Name;
        var logChain = KnockChains.LogChain("drop", svc);
        RulesetBuilder.Chain(text, ProtectChain(svc), body =>
        {
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Allow(svc)}{f.Suffix} accept");
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Networks(svc)}{f.Suffix} accept");
            }

            if (service.KeepEstablished)
            {
                body.Line("ct state established,related accept");
            }

            body.Line($"{RulesetBuilder.PureSyn} goto {logChain}");

            // UDP (QUIC) to a protected port without a window looks like any closed UDP port.
            body.Line($"meta l4proto udp ct state new goto {NftNames.ClosedPort}");
            body.Line("drop");
        });
        RulesetBuilder.Chain(text, logChain, body =>
        {
            body.Line($"limit name \"{RulesetBuilder.NoiseLimit}\" log prefix \"{NflogPrefix.Drop(svc)}\" group {group}");
            body.Line($"goto {NftNames.ClosedPort}");
        });
    }

    public static string ProtectChain(string svc) => $"{svc}_protect";
}
