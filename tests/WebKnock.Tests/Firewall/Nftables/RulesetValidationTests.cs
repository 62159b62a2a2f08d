using WebKnock.Configuration;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class RulesetValidationTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        Assert.Empty(RulesetValidation.Validate(new WebKnockOptions().ApplyDefaults(), new NftablesOptions()));
        Assert.Empty(RulesetValidation.Validate(RulesetBuilderTests.Options(), new NftablesOptions()));
    }

    [Theory]
    [InlineData("table", "WebKnock:Firewall:Table")]
    [InlineData("group", "WebKnock:Firewall:NflogGroup")]
    [InlineData("no-ports", "WebKnock:Webmail:Knock:Ports")]
    [InlineData("port-range", "WebKnock:Webmail: port 70000")]
    [InlineData("repeat", "WebKnock:Webmail:Knock:Ports must not repeat")]
    [InlineData("shared-knock", "WebKnock:Ssh:Knock:Ports: port 7000")]
    [InlineData("protected-knock", "WebKnock:Webmail:ProtectedPorts: port 8000")]
    [InlineData("step", "WebKnock:Webmail: Knock:StepTimeout")]
    [InlineData("network", "WebKnock:Network:AlwaysAllowed")]
    [InlineData("priority", "WebKnock:Firewall:Nftables:InputPriority")]
    [InlineData("scan", "WebKnock:Firewall:Nftables: ScanThreshold")]
    [InlineData("open-knock", "WebKnock:Firewall:Nftables:AlwaysOpenTcpPorts: port 9000")]
    [InlineData("default-drop-reset", "WebKnock:Firewall:Nftables:DefaultDrop is replaced by WebKnock:Firewall:ClosedPorts")]
    [InlineData("share", "WebKnock:Firewall:Nftables:PrefixShare")]
    [InlineData("prefix6", "WebKnock:Firewall:Nftables:SourcePrefixV6")]
    [InlineData("reject", "WebKnock:Firewall:Nftables:RejectRatePerSecond")]
    public void Bad_configuration_names_its_key(string problem, string expected)
    {
        var options = RulesetBuilderTests.Options();
        var nftables = new NftablesOptions();
        switch (problem)
        {
            case "table": options.Firewall.Table = "web knock; flush ruleset"; break;
            case "group": options.Firewall.NflogGroup = 70000; break;
            case "no-ports": options.Webmail.Knock.Ports = []; break;
            case "port-range": options.Webmail.Knock.Ports = [7000, 70000]; break;
            case "repeat": options.Webmail.Knock.Ports = [7000, 7000]; break;
            case "shared-knock": options.Ssh!.Knock.Ports = [7000]; break;
            case "protected-knock": options.Webmail.ProtectedPorts = [443, 8000]; break;
            case "step": options.Webmail.Knock.StepTimeout = TimeSpan.Zero; break;
            case "network": options.Network.AlwaysAllowed = ["example.org"]; break;
            case "priority": nftables.InputPriority = -300; break;
            case "scan": nftables.ScanThreshold = 0; break;
            case "open-knock": nftables.AlwaysOpenTcpPorts = [9000]; break;
            case "default-drop-reset": nftables.DefaultDrop = true; options.Firewall.ClosedPorts = ClosedPortsMode.Reset; break;
            case "share": nftables.PrefixShare = 1.5; break;
            case "prefix6": nftables.SourcePrefixV6 = 8; break;
            case "reject": nftables.RejectRatePerSecond = 0; break;
        }

        var errors = RulesetValidation.Validate(options, nftables);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => new RulesetBuilder(options, nftables));
    }
}
