using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class TotpChainsTests
{
    [Fact]
    public void RangeJumpsBeforeTheBlockedDropAndLogsAfterTheRate()
    {
        var options = RulesetBuilderTests.Options(ssh: false);
        options.Webmail.Knock.Totp = new() { Enabled = true, RangeStart = 20000, RangeEnd = 20999 };
        options.Webmail.ProtectedPorts = [443, 20443];
        var text = new RulesetBuilder(options, new NftablesOptions { AlwaysOpenTcpPorts = [20080] }).BuildTable();
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();

        var jump = lines.FindIndex(l => l.StartsWith("tcp dport { 20000-20079, 20081-20442, 20444-20999 }", StringComparison.Ordinal) && l.EndsWith("jump webmail_totp", StringComparison.Ordinal));
        var blocked = lines.FindIndex(lines.IndexOf("chain input {"), l => l == "ip saddr @blocked4 ct state new drop");
        Assert.True(jump >= 0, text);
        Assert.True(jump < blocked, "the TOTP jump must come before the blocked set's drop");
        Assert.Contains($"limit name \"wk_log_totp\" log prefix \"{NflogPrefix.Totp("webmail")}\" group {options.Firewall.NflogGroup}", lines);
        Assert.Contains("add @webmail_trate4 { ip saddr limit rate over 20/second burst 10 packets } goto closed_port", lines);
        Assert.Contains(lines, l => l.StartsWith("set webmail_trate6 { type ipv6_addr; flags dynamic, timeout;", StringComparison.Ordinal));
    }

    [Fact]
    public void PlainOffRemovesThePlainKnockRules()
    {
        var options = RulesetBuilderTests.Options(ssh: false);
        options.Webmail.Knock.Plain = false;
        options.Webmail.Knock.Totp = new() { Enabled = true };
        var text = new RulesetBuilder(options, new NftablesOptions()).BuildTable();

        Assert.DoesNotContain("webmail_knock", text);
        Assert.DoesNotContain("wk:step:webmail", text);
        Assert.DoesNotContain("tcp dport { 7000, 9000, 8000 }", text);
        Assert.Contains("jump webmail_totp", text);
    }

    [Fact]
    public void NoTotpNoRange()
    {
        var text = new RulesetBuilder(RulesetBuilderTests.Options(ssh: false), new NftablesOptions()).BuildTable();
        Assert.DoesNotContain("totp", text);
    }

    [NftCheckFact]
    public void TotpAndPlainOffVariantsLoad()
    {
        foreach (var plain in new[] { true, false })
        {
            var options = RulesetBuilderTests.Options(ssh: true);
            options.Webmail.Knock.Plain = plain;
            options.Webmail.Knock.Totp = new() { Enabled = true };
            options.Ssh!.Knock.Totp = new() { Enabled = true, RangeStart = 30000, RangeEnd = 30999 };
            var (exitCode, errors) = NftCheck.Check(new RulesetBuilder(options, new NftablesOptions { DefaultDrop = true, AlwaysOpenTcpPorts = [25, 20080] }).BuildLoad([]));
            Assert.True(exitCode == 0, $"plain={plain}: {errors}");
        }
    }
}
