using System.Net;

namespace WebKnock.Firewall.Nftables.Tests;

/// <summary>The generated text is accepted by nft and the kernel (check mode, in an empty namespace).</summary>
public sealed class RulesetCheckTests
{
    public static TheoryData<string> Variants => ["default", "webmail-only", "one-port", "default-drop", "drop", "ipv6-128", "no-extras", "always-allowed", "keep-all"];

    [NftCheckFact]
    public void Every_variant_loads()
    {
        foreach (var variant in Variants)
        {
            var builder = Build(variant);
            var load = builder.BuildLoad(
            [
                new NftSetElement("webmail_allow4", IPAddress.Parse("192.0.2.7"), TimeSpan.FromSeconds(90)),
                new NftSetElement("webmail_allow6", IPAddress.Parse("2001:db8::7"), null),
                new NftSetElement("blocked6", IPAddress.Parse("2001:db8::9"), TimeSpan.FromHours(1)),
            ],
            [
                new NftNetworkElement("webmail_nets4", IPNetwork.Parse("198.51.100.0/24"), TimeSpan.FromHours(2)),
                new NftNetworkElement("webmail_nets4", IPNetwork.Parse("203.0.113.7/32"), TimeSpan.FromMinutes(5)),
                new NftNetworkElement("webmail_nets6", IPNetwork.Parse("2001:db8:5::/48"), null),
            ]);

            var (exitCode, errors) = NftCheck.Check(load);

            Assert.True(exitCode == 0, $"{variant}: {errors}");
        }
    }

    [NftCheckFact]
    public void A_broken_ruleset_is_refused()
    {
        var (exitCode, errors) = NftCheck.Check("table inet webknock { chain input { tcp dport 70000 drop } }\n");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Error", errors);
    }

    internal static RulesetBuilder Build(string variant)
    {
        var options = RulesetBuilderTests.Options(ssh: variant != "webmail-only");
        var nftables = new NftablesOptions();
        switch (variant)
        {
            case "one-port":
                options.Webmail.Knock.Ports = [7000];
                break;
            case "default-drop":
                nftables.DefaultDrop = true;
                nftables.AlwaysOpenTcpPorts = [25, 80];
                nftables.AlwaysOpenUdpPorts = [53];
                break;
            case "drop":
                options.Firewall.ClosedPorts = WebKnock.Configuration.ClosedPortsMode.Drop;
                break;
            case "ipv6-128":
                nftables.SourcePrefixV6 = 128;
                nftables.SourcePrefixV4 = 32;
                nftables.PrefixShare = 1;
                break;
            case "no-extras":
                nftables.ScanDetection = false;
                nftables.DropBadPackets = false;
                break;
            case "always-allowed":
                options.Network.AlwaysAllowed = ["192.0.2.0/28", "192.0.2.8/29", "2001:db8:1::/48"];
                break;
            case "keep-all":
                nftables.WebmailKeepEstablished = true;
                nftables.SshKeepEstablished = true;
                break;
        }

        return new RulesetBuilder(options, nftables);
    }
}
