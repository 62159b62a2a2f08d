using Microsoft.Extensions.Configuration;
using WebKnock.Cli;

namespace WebKnock.Firewall.Nftables.Tests;

/// <summary>The ruleset generated for SSH as a second service, from configuration with its defaults.</summary>
public sealed class SshRulesetTests
{
    private static RulesetBuilder Builder() => new(
        WebKnockConfiguration.BindWebKnock(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WebKnock:Webmail:Knock:Ports:0"] = "7000",
            ["WebKnock:Webmail:Knock:Ports:1"] = "9000",
            ["WebKnock:Webmail:Knock:Ports:2"] = "8000",
            ["WebKnock:Ssh:Knock:Ports:0"] = "7100",
            ["WebKnock:Ssh:Knock:Ports:1"] = "7300",
            ["WebKnock:Ssh:Knock:Ports:2"] = "7200",
            ["WebKnock:Network:AlwaysAllowed:0"] = "192.0.2.0/28",
            ["WebKnock:Network:AlwaysAllowed:1"] = "2001:db8:1::/48",
        }).Build()),
        new NftablesOptions());

    private static string Chain(string text, string name)
    {
        var start = text.IndexOf($"chain {name} {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chain {name}");
        return text[start..text.IndexOf("\t}", start, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("meta l4proto { tcp, udp } th dport 22 jump ssh_protect")]
    [InlineData("tcp dport { 7100, 7300, 7200 } tcp flags & (fin|syn|rst|ack) == syn jump ssh_knock")]
    [InlineData("tcp dport vmap { 7100 : goto ssh_step1, 7300 : goto ssh_step2, 7200 : goto ssh_step3 }")]
    [InlineData("ip saddr @ssh_k2_4 delete @ssh_k2_4 { ip saddr } update @ssh_allow4 { ip saddr timeout 60000ms } goto log_open_ssh")]
    [InlineData("ip6 saddr @ssh_k2_6 delete @ssh_k2_6 { ip6 saddr } update @ssh_allow6 { ip6 saddr timeout 60000ms } goto log_open_ssh")]
    [InlineData("ip6 saddr @webmail_k2_6 delete @webmail_k2_6 { ip6 saddr } update @webmail_allow6 { ip6 saddr timeout 1800000ms } goto log_open_webmail")]
    [InlineData("limit name \"wk_log_open\" log prefix \"wk:open:ssh\" group 7300")]
    [InlineData("limit name \"wk_log_noise\" log prefix \"wk:drop:ssh\" group 7300")]
    public void Ssh_has_its_own_knock_window_and_protected_port(string expected)
    {
        Assert.Contains(expected, Builder().BuildTable());
    }

    [Fact]
    public void Ssh_keeps_sessions_in_progress_and_the_webmail_does_not()
    {
        var text = Builder().BuildTable();
        var ssh = Chain(text, "ssh_protect");
        var webmail = Chain(text, "webmail_protect");

        Assert.True(ssh.IndexOf("ip saddr @ssh_allow4 accept", StringComparison.Ordinal) < ssh.IndexOf("ct state established,related accept", StringComparison.Ordinal));
        Assert.Contains("ip6 saddr @ssh_allow6 accept", ssh);
        Assert.DoesNotContain("ct state established", webmail);
    }

    [Fact]
    public void Always_allowed_networks_pass_before_every_protected_port_and_every_block()
    {
        var input = Chain(Builder().BuildTable(), "input");
        var always4 = input.IndexOf("ip saddr @always4 accept", StringComparison.Ordinal);
        var always6 = input.IndexOf("ip6 saddr @always6 accept", StringComparison.Ordinal);

        Assert.True(always4 > 0 && always6 > 0);
        foreach (var later in new[] { "ip saddr @blocked4 ct state new drop", "jump ssh_protect", "jump webmail_protect", "jump ssh_knock", "jump scan" })
        {
            var at = input.IndexOf(later, StringComparison.Ordinal);
            Assert.True(at > always4 && at > always6, $"'{later}' comes before the always-allowed accept");
        }
    }

    [NftCheckFact]
    public void The_ssh_ruleset_loads()
    {
        var (exitCode, errors) = NftCheck.Check(Builder().BuildLoad([]));

        Assert.True(exitCode == 0, errors);
    }
}
