using System.Net;
using WebKnock.Configuration;


namespace WebKnock.Firewall.Nftables.Tests;

public sealed class RulesetBuilderTests
{
    internal static WebKnockOptions Options(bool ssh = true) => new()
    {
        Webmail = new ServiceOptions
        {
            Knock = new KnockOptions { Ports = [7000, 8000, 9000], StepTimeout = TimeSpan.FromSeconds(10), RatePerSecond = 20, RateBurst = 10 },
            ProtectedPorts = [443],
            Window = TimeSpan.FromMinutes(30),
        },
        Ssh = ssh
            ? new SshOptions { Knock = new KnockOptions { Ports = [7100, 7200, 7300, 7400] }, ProtectedPorts = [22], Window = TimeSpan.FromMinutes(5) }
            : null,
        Firewall = new FirewallOptions { Table = "webknock", NflogGroup = 7300 },
    };

    private static string Table(WebKnockOptions? options = null, NftablesOptions? nftables = null)
        => new RulesetBuilder(options ?? Options(), nftables ?? new NftablesOptions()).BuildTable();

    [Theory]
    [InlineData("set webmail_allow4 { type ipv4_addr; flags dynamic, timeout; size 65536; }")]
    [InlineData("set webmail_allow6 { type ipv6_addr; flags dynamic, timeout; size 65536; }")]
    [InlineData("set webmail_k1_4 { type ipv4_addr; flags dynamic, timeout; timeout 10000ms; size 65536; }")]
    [InlineData("set webmail_k2_6 { type ipv6_addr; flags dynamic, timeout; timeout 10000ms; size 65536; }")]
    [InlineData("set ssh_k3_4 {")]
    [InlineData("set blocked4 { type ipv4_addr; flags dynamic, timeout; timeout 3600000ms; size 65536; }")]
    [InlineData("set webmail_nets4 { type ipv4_addr; flags interval, timeout; size 1024; }")]
    [InlineData("set ssh_nets6 { type ipv6_addr; flags interval, timeout; size 1024; }")]
    [InlineData("type filter hook input priority -10; policy accept;")]
    [InlineData("type filter hook prerouting priority -450; policy accept;")]
    [InlineData("tcp dport { 7000, 8000, 9000 } tcp flags & (fin|syn|rst|ack) == syn jump webmail_knock")]
    [InlineData("tcp dport { 7000, 8000, 9000, 7100, 7200, 7300, 7400 } drop")]
    [InlineData("meta l4proto { tcp, udp } th dport 443 jump webmail_protect")]
    [InlineData("tcp dport vmap { 7000 : goto webmail_step1, 8000 : goto webmail_step2, 9000 : goto webmail_step3 }")]
    [InlineData("add @webmail_rate4 { ip saddr limit rate over 20/second burst 10 packets } update @knockban4 { ip saddr } goto log_flood_webmail")]
    [InlineData("ip saddr @webmail_k1_4 delete @webmail_k1_4 { ip saddr } add @webmail_k2_4 { ip saddr } goto log_step_webmail_2")]
    [InlineData("ip6 saddr @webmail_k2_6 delete @webmail_k2_6 { ip6 saddr } update @webmail_allow6 { ip6 saddr timeout 1800000ms } goto log_open_webmail")]
    [InlineData("limit name \"wk_log_knock\" log prefix \"wk:step:webmail:1\" group 7300")]
    [InlineData("limit name \"wk_log_open\" log prefix \"wk:open:webmail\" group 7300")]
    [InlineData("limit wk_log_open { rate 200/second burst 200 packets }")]
    [InlineData("limit wk_reject { rate 200/second burst 200 packets }")]
    [InlineData("chain closed_port {\n\t\tip saddr @blocked4 ct state new drop\n\t\tip6 saddr @blocked6 ct state new drop\n\t\tip6 saddr & ffff:ffff:ffff:ffff:: @blocked6 ct state new drop\n\t\tmeta l4proto tcp limit name \"wk_reject\" reject with tcp reset\n\t\tmeta l4proto udp limit name \"wk_reject\" reject with icmpx port-unreachable\n\t\tdrop\n\t}")]
    [InlineData("ip6 saddr ::ffff:0.0.0.0/96 counter name \"mapped_v4\" drop")]
    [InlineData("ip saddr @blocked4 ct state new drop")]
    [InlineData("ip6 saddr @blocked6 ct state new drop")]
    [InlineData("ip6 saddr & ffff:ffff:ffff:ffff:: @blocked6 ct state new drop")]
    [InlineData("meta l4proto { tcp, udp } socket transparent 0 accept")]
    [InlineData("tcp flags & (fin|syn|rst|ack) == syn goto closed_port")]
    [InlineData("meta l4proto udp ct state new goto closed_port")]
    [InlineData("meta l4proto udp ct state new jump scan")]
    [InlineData("ip6 saddr @ssh_nets6 return")]
    [InlineData("add @scan6 { ip6 saddr & ffff:ffff:ffff:ffff:: limit rate over 20/minute burst 20 packets } update @blocked6 { ip6 saddr & ffff:ffff:ffff:ffff:: } goto log_scan")]
    [InlineData("limit name \"wk_log_knock\" log prefix \"wk:wrong:webmail\" group 7300\n\t\tgoto closed_port")]
    [InlineData("ip saddr @webmail_allow4 goto closed_port")]
    [InlineData("ip saddr @webmail_k2_4 update @webmail_pfxopen4 { ip saddr & 255.255.255.0 limit rate over 2/second burst 3276 packets } counter name \"prefix_full\" goto closed_port")]
    [InlineData("set webmail_pfx6 { type ipv6_addr; flags dynamic, timeout; timeout 10000ms; size 65536; }")]
    [InlineData("limit name \"wk_log_knock\" log prefix \"wk:wrong:webmail\" group 7300")]
    [InlineData("limit name \"wk_log_noise\" log prefix \"wk:drop:webmail\" group 7300")]
    [InlineData("limit name \"wk_log_noise\" log prefix \"wk:flood:ssh\" group 7300")]
    [InlineData("limit name \"wk_log_noise\" log prefix \"wk:scan\" group 7300")]
    [InlineData("tcp flags & (fin|syn|rst|psh|ack|urg) == fin|psh|urg drop")]
    [InlineData("tcp flags & (fin|syn|rst|psh|ack|urg) == 0x0 drop")]
    [InlineData("ct state new tcp flags & (fin|syn|rst|ack) != syn drop")]
    [InlineData("meta l4proto tcp ip frag-off & 0x3fff != 0 drop")]
    [InlineData("add @scan4 { ip saddr limit rate over 20/minute burst 20 packets } update @blocked4 { ip saddr } goto log_scan")]
    public void Table_contains_rule(string expected)
    {
        Assert.Contains(expected, Table());
    }

    [Theory]
    [InlineData("flush ruleset")]
    [InlineData("table ip ")]
    [InlineData("table inet filter")]
    [InlineData("flags owner")]
    [InlineData("ssh_k4_4")]
    [InlineData("log_step_webmail_3")]
    [InlineData("always4")]
    [InlineData("ip saddr @blocked4 drop")]
    [InlineData("ct state established,related accept\n\t\tmeta l4proto { icmp")]
    [InlineData("\t\tct state new drop\n")]
    public void Table_does_not_contain(string unexpected)
    {
        Assert.DoesNotContain(unexpected, Table());
    }

    [Fact]
    public void The_protect_chain_lets_in_open_networks_right_after_open_addresses()
    {
        var text = Table();
        var start = text.IndexOf("chain webmail_protect {", StringComparison.Ordinal);
        var body = text[start..text.IndexOf("\t}", start, StringComparison.Ordinal)];
        var lines = body.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..];

        Assert.Equal(
            ["ip saddr @webmail_allow4 accept", "ip6 saddr @webmail_allow6 accept", "ip saddr @webmail_nets4 accept", "ip6 saddr @webmail_nets6 accept"],
            lines[..4]);
    }

    [Theory]
    [InlineData("webmail", "ipv4_addr", '4')]
    [InlineData("webmail", "ipv6_addr", '6')]
    [InlineData("ssh", "ipv4_addr", '4')]
    [InlineData("ssh", "ipv6_addr", '6')]
    public void Each_service_remembers_its_knock_syns_per_family_for_130_seconds(string service, string type, char family)
    {
        Assert.Contains(
            $"\tset {service}_seen{family} {{ type {type} . inet_service . inet_service; flags dynamic, timeout; timeout 130000ms; size 65536; }}\n",
            Table());
    }

    private static string[] ChainLines(string text, string chain)
    {
        var start = text.IndexOf($"chain {chain} {{", StringComparison.Ordinal);
        var body = text[start..text.IndexOf("\t}", start, StringComparison.Ordinal)];
        return body.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..];
    }

    [Fact]
    public void A_source_with_a_window_skips_the_ban_and_the_rate_and_a_banned_one_gets_the_closed_port_verdict()
    {
        Assert.Equal(
        [
            "ip saddr @webmail_allow4 goto webmail_knock_seq",
            "ip saddr @webmail_nets4 goto webmail_knock_seq",
            "ip saddr @ssh_allow4 goto webmail_knock_seq",
            "ip saddr @ssh_nets4 goto webmail_knock_seq",
            "ip6 saddr @webmail_allow6 goto webmail_knock_seq",
            "ip6 saddr @webmail_nets6 goto webmail_knock_seq",
            "ip6 saddr @ssh_allow6 goto webmail_knock_seq",
            "ip6 saddr @ssh_nets6 goto webmail_knock_seq",
            "ip saddr @knockban4 goto closed_port",
            "ip6 saddr & ffff:ffff:ffff:ffff:: @knockban6 goto closed_port",
            "add @webmail_rate4 { ip saddr limit rate over 20/second burst 10 packets } update @knockban4 { ip saddr } goto log_flood_webmail",
            "add @webmail_rate6 { ip6 saddr & ffff:ffff:ffff:ffff:: limit rate over 20/second burst 10 packets } update @knockban6 { ip6 saddr & ffff:ffff:ffff:ffff:: } goto log_flood_webmail",
            "goto webmail_knock_seq",
        ],
            ChainLines(Table(), "webmail_knock"));
    }

    [Fact]
    public void A_retransmitted_knock_syn_is_turned_away_before_the_prefix_share_and_the_steps()
    {
        Assert.Equal(
        [
            "ip saddr . tcp dport . tcp sport @webmail_seen4 goto closed_port",
            "ip6 saddr . tcp dport . tcp sport @webmail_seen6 goto closed_port",
            // Alone in their rules: a full set breaks only the add, and the SYN goes on to the steps.
            "add @webmail_seen4 { ip saddr . tcp dport . tcp sport }",
            "add @webmail_seen6 { ip6 saddr . tcp dport . tcp sport }",
            // 10 % of 65536 = 6553 per 10 s step timeout: 3276 at once, 3277 more over 10 s.
            "update @webmail_pfx4 { ip saddr & 255.255.255.0 limit rate over 328/second burst 3276 packets } counter name \"prefix_full\" goto closed_port",
            "update @webmail_pfx6 { ip6 saddr & ffff:ffff:ffff:ffff:: limit rate over 328/second burst 3276 packets } counter name \"prefix_full\" goto closed_port",
            "tcp dport vmap { 7000 : goto webmail_step1, 8000 : goto webmail_step2, 9000 : goto webmail_step3 }",
            "goto closed_port",
        ],
            ChainLines(Table(), "webmail_knock_seq"));
    }

    [Fact]
    public void The_scan_detector_never_blocks_a_source_with_a_window()
    {
        var lines = ChainLines(Table(), "scan");

        Assert.Equal(8, lines.TakeWhile(l => l.EndsWith(" return", StringComparison.Ordinal)).Count());
        Assert.Contains("ip saddr @webmail_allow4 return", lines[..8]);
        Assert.Contains("ip6 saddr @ssh_nets6 return", lines[..8]);
        Assert.StartsWith("add @scan4", lines[8]);
    }

    [Fact]
    public void Drop_mode_drops_where_reset_mode_rejects()
    {
        var options = Options();
        options.Firewall.ClosedPorts = ClosedPortsMode.Drop;
        var text = Table(options);

        Assert.Equal(["drop"], ChainLines(text, "closed_port"));
        Assert.DoesNotContain("reject", text);
        Assert.DoesNotContain("socket transparent", text);
        Assert.EndsWith("tcp flags & (fin|syn|rst|ack) == syn goto closed_port\n\t\tmeta l4proto udp ct state new goto closed_port\n\t\tct state new drop\n\t}\n}\n", text);
    }

    [Theory]
    [InlineData(null, false, ClosedPortsMode.Reset)]
    [InlineData(null, true, ClosedPortsMode.Drop)]
    [InlineData(ClosedPortsMode.Drop, false, ClosedPortsMode.Drop)]
    [InlineData(ClosedPortsMode.Reset, false, ClosedPortsMode.Reset)]
    [InlineData(ClosedPortsMode.Drop, true, ClosedPortsMode.Drop)]
    public void Default_drop_is_an_alias_of_drop(ClosedPortsMode? closedPorts, bool defaultDrop, ClosedPortsMode expected)
    {
        var options = Options();
        options.Firewall.ClosedPorts = closedPorts;

        Assert.Equal(expected, new RulesetBuilder(options, new NftablesOptions { DefaultDrop = defaultDrop }).ClosedPorts);
    }

    [Fact]
    public void Every_log_chain_but_the_scan_ends_in_the_closed_port_verdict()
    {
        var text = Table();
        foreach (var chain in new[] { "log_open_webmail", "log_wrong_webmail", "log_step_webmail_1", "log_flood_ssh", "log_drop_webmail" })
        {
            Assert.Equal("goto closed_port", ChainLines(text, chain)[^1]);
        }

        Assert.Equal("drop", ChainLines(text, "log_scan")[^1]);
    }

    [Fact]
    public void The_seen_sets_are_not_put_back_on_a_reload()
    {
        var builder = new RulesetBuilder(Options(), new NftablesOptions());

        Assert.DoesNotContain(builder.KeptSets, set => set.Contains("seen", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_puts_networks_back_with_their_time()
    {
        var builder = new RulesetBuilder(Options(), new NftablesOptions { MaxNetworkWindows = 64 });
        var load = builder.BuildLoad([],
        [
            new NftNetworkElement("webmail_nets4", IPNetwork.Parse("198.51.100.0/24"), TimeSpan.FromSeconds(90)),
            new NftNetworkElement("webmail_nets4", IPNetwork.Parse("203.0.113.7/32"), TimeSpan.FromMilliseconds(1500)),
            new NftNetworkElement("ssh_nets6", IPNetwork.Parse("2001:db8:5::/48"), null),
            new NftNetworkElement("webmail_nets6", IPNetwork.Parse("2001:db8:6::/48"), TimeSpan.Zero),
        ]);

        Assert.Contains("set webmail_nets4 { type ipv4_addr; flags interval, timeout; size 64; }", load);
        Assert.Contains("add element inet webknock webmail_nets4 { 198.51.100.0/24 timeout 90000ms, 203.0.113.7/32 timeout 1500ms }\n", load);
        Assert.Contains("add element inet webknock ssh_nets6 { 2001:db8:5::/48 }\n", load);
        Assert.DoesNotContain("2001:db8:6::", load);
        Assert.Equal(["webmail_nets4", "webmail_nets6", "ssh_nets4", "ssh_nets6"], builder.KeptNetworkSets);
    }

    [Fact]
    public void Input_chain_accepts_nothing_established_in_reset_mode()
    {
        var text = Table();

        Assert.DoesNotContain("ct state established", text[text.IndexOf("chain input {", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Protected_port_check_comes_before_any_established_accept()
    {
        var text = Table(nftables: new NftablesOptions { DefaultDrop = true, AlwaysOpenTcpPorts = [25] });
        var input = text[text.IndexOf("chain input {", StringComparison.Ordinal)..];

        Assert.True(input.IndexOf("jump webmail_protect", StringComparison.Ordinal) < input.IndexOf("ct state established,related accept", StringComparison.Ordinal));
        Assert.Contains("tcp dport 25 accept", input);
        Assert.EndsWith("ct state new drop\n\t}\n}\n", text);
        Assert.Equal(["drop"], ChainLines(text, "closed_port"));
    }

    [Theory]
    [InlineData(false, true, "ssh_protect", true)]
    [InlineData(false, false, "ssh_protect", false)]
    [InlineData(true, true, "webmail_protect", true)]
    [InlineData(false, true, "webmail_protect", false)]
    public void Keeping_established_connections_is_per_service(bool webmail, bool ssh, string chain, bool keeps)
    {
        var text = Table(nftables: new NftablesOptions { WebmailKeepEstablished = webmail, SshKeepEstablished = ssh });
        var start = text.IndexOf($"chain {chain} {{", StringComparison.Ordinal);
        var body = text[start..text.IndexOf("\t}", start, StringComparison.Ordinal)];

        Assert.Equal(keeps, body.Contains("ct state established,related accept", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(20, 60, "20/minute")]
    [InlineData(20, 10, "2/second")]
    [InlineData(30, 20, "2/second")]
    [InlineData(10, 3600, "10/hour")]
    [InlineData(1, 172800, "1/day")]
    public void Scan_rate_is_threshold_per_period(int threshold, int periodSeconds, string expected)
    {
        var options = new NftablesOptions { ScanThreshold = threshold, ScanPeriod = TimeSpan.FromSeconds(periodSeconds) };

        Assert.Equal(expected, InputChain.ScanRate(options));
    }

    [Fact]
    public void Load_replaces_only_its_own_table_and_puts_elements_back()
    {
        var builder = new RulesetBuilder(Options(), new NftablesOptions());
        var load = builder.BuildLoad(
        [
            new NftSetElement("webmail_allow4", IPAddress.Parse("192.0.2.7"), TimeSpan.FromSeconds(90)),
            new NftSetElement("webmail_allow4", IPAddress.Parse("::ffff:192.0.2.8"), TimeSpan.FromMilliseconds(1500)),
            new NftSetElement("webmail_allow6", IPAddress.Parse("2001:DB8:0:0::7"), null),
            new NftSetElement("blocked4", IPAddress.Parse("192.0.2.9"), TimeSpan.Zero),
        ]);
        var lines = load.Split('\n');

        Assert.Equal("table inet webknock", lines[0]);
        Assert.Equal("delete table inet webknock", lines[1]);
        Assert.Equal("table inet webknock {", lines[2]);
        Assert.Contains("add element inet webknock webmail_allow4 { 192.0.2.7 timeout 90000ms, 192.0.2.8 timeout 1500ms }", lines);
        Assert.Contains("add element inet webknock webmail_allow6 { 2001:db8::7 }", lines);
        Assert.DoesNotContain("192.0.2.9", load);
    }

    [Fact]
    public void Single_port_knock_opens_at_once()
    {
        var options = Options(ssh: false);
        options.Webmail.Knock.Ports = [7000];
        var text = Table(options);

        Assert.Contains("update @webmail_allow4 { ip saddr timeout 1800000ms } goto log_open_webmail", text);
        Assert.DoesNotContain("webmail_k1_4", text);
    }

    [Fact]
    public void Always_allowed_networks_pass_first()
    {
        var options = Options();
        options.Network.AlwaysAllowed = ["192.0.2.128/25", "2001:db8:1::/48"];
        var text = Table(options);

        Assert.Contains("set always4 { type ipv4_addr; flags interval; auto-merge; elements = { 192.0.2.128/25 }; }", text);
        Assert.Contains("ip6 saddr @always6 accept", text);
        var input = text.IndexOf("chain input {", StringComparison.Ordinal);
        Assert.True(text.IndexOf("ip saddr @always4 accept", StringComparison.Ordinal) < text.IndexOf("ip saddr @blocked4 ct state new drop", input, StringComparison.Ordinal));
    }
}
