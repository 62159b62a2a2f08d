using System.Text.RegularExpressions;
using WebKnock.Configuration;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Firewall.Nftables;

/// <summary>
/// What a careful scanner without a window sees (issue 10): the protected port, the knock ports and ordinary closed
/// ports answer alike, TCP and UDP, IPv4 and IPv6, in both <c>WebKnock:Firewall:ClosedPorts</c> modes.
/// </summary>
public sealed partial class StealthScanTests(ITestOutputHelper output)
{
    // The protected port, the three knock ports, ten ordinary ports where nothing listens.
    private const string Mixed = "443,7000,8000,9000,21,23,25,110,143,1234,3306,5000,5432,8443";
    private const string MixedUdp = "7000,8000,9000,21,23,25,110,143,1234,3306,5000,5432,8443";

    [NmapFact]
    public async Task Reset_mode_every_port_of_a_slow_scan_is_closed_tcp_and_udp_ipv4_and_ipv6_and_a_served_port_stays_open()
    {
        await using var scenario = await FirewallScenario.StartAsync(clients: 3);
        var (a, b, c) = (scenario.Network.A, scenario.Network.B, scenario.Network.Clients[2]);
        await scenario.Agent.SendAsync("listen 443"); // the gateway's port: something listens, but A has no window
        await scenario.Agent.SendAsync("listen 8080"); // a port the host really serves

        // Below the scan threshold (20 closed ports a minute): 5 probes a second.
        var tcp4 = States(await NmapAsync(a, "-sS", "-p", Mixed, "--max-rate", "5", "--max-retries", "1", "192.0.2.1"), "tcp");
        var tcp6 = States(await NmapAsync(a, "-6", "-sS", "-p", Mixed, "--max-rate", "5", "--max-retries", "1", "2001:db8::1"), "tcp");
        // The kernel sends the ICMP errors of the reject rule under its own per-peer limit (1 a second after a burst of
        // 6), as for any port where nothing listens: a probe a second, and retries, keep nmap within it.
        var udp4 = States(await NmapAsync(b, "-sU", "-p", MixedUdp, "--max-rate", "1", "--max-retries", "2", "192.0.2.1"), "udp");
        var served = States(await NmapAsync(c, "-sS", "-p", "8080", "192.0.2.1"), "tcp");

        Assert.Equal(new Dictionary<string, int> { ["closed"] = 14 }, tcp4);
        Assert.Equal(new Dictionary<string, int> { ["closed"] = 14 }, tcp6);
        Assert.Equal(new Dictionary<string, int> { ["closed"] = 13 }, udp4);
        Assert.Equal(new Dictionary<string, int> { ["open"] = 1 }, served);
        Assert.Empty(await scenario.ListAsync("blocked"));
    }

    [NmapFact]
    public async Task Reset_mode_a_fast_full_scan_finds_no_open_port_and_ends_blocked()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");

        var scan = await NmapAsync(a, "-sS", "-p-", "--min-rate", "20000", "--max-retries", "1", "--max-rtt-timeout", "200ms", "192.0.2.1");
        var states = States(scan, "tcp");

        Assert.Equal(65535, states.Values.Sum());
        Assert.False(states.ContainsKey("open"), scan);
        Assert.Contains(a.V4, (await scenario.ListAsync("blocked")).Keys);
    }

    [NmapFact]
    public async Task Drop_mode_every_port_is_filtered_tcp_and_udp_ipv4_and_ipv6_and_a_full_scan_finds_none_open()
    {
        var config = FirewallScenario.DefaultConfig();
        config.WebKnock.Firewall.ClosedPorts = ClosedPortsMode.Drop;
        await using var scenario = await FirewallScenario.StartAsync(config, clients: 3);
        var (a, b, c) = (scenario.Network.A, scenario.Network.B, scenario.Network.Clients[2]);
        await scenario.Agent.SendAsync("listen 443");

        var tcp4 = States(await NmapAsync(a, "-sS", "-p", Mixed, "--max-rate", "5", "--max-retries", "0", "192.0.2.1"), "tcp");
        var tcp6 = States(await NmapAsync(a, "-6", "-sS", "-p", Mixed, "--max-rate", "5", "--max-retries", "0", "2001:db8::1"), "tcp");
        var udp4 = States(await NmapAsync(b, "-sU", "-p", MixedUdp, "--max-rate", "5", "--max-retries", "0", "192.0.2.1"), "udp");
        var full = States(await NmapAsync(c, "-sS", "-p-", "--min-rate", "20000", "--max-retries", "1", "--max-rtt-timeout", "200ms", "192.0.2.1"), "tcp");

        Assert.Equal(new Dictionary<string, int> { ["filtered"] = 14 }, tcp4);
        Assert.Equal(new Dictionary<string, int> { ["filtered"] = 14 }, tcp6);
        Assert.Equal(new Dictionary<string, int> { ["open|filtered"] = 13 }, udp4);
        Assert.Equal(new Dictionary<string, int> { ["filtered"] = 65535 }, full);
    }

    private async Task<string> NmapAsync(TestNetwork.Client client, params string[] args)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = (await client.Namespace.TryExecAsync(["nmap", "-n", "-Pn", .. args])).ThrowIfFailed("nmap");
        output.WriteLine($"[{client.V4}] nmap {string.Join(' ', args)} ({watch.ElapsedMilliseconds} ms)\n{result.Output.TrimEnd()}");
        return result.Output;
    }

    /// <summary>
    /// How many ports of <paramref name="protocol"/> nmap reports in each state: its port lines, and the states it sums
    /// up instead ("Not shown: 14 closed tcp ports (reset)", also after "All 14 scanned ports ... are in ignored states").
    /// </summary>
    private static Dictionary<string, int> States(string report, string protocol)
    {
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in PortLine().Matches(report).Where(m => m.Groups[2].Value == protocol))
        {
            states[m.Groups[3].Value] = states.GetValueOrDefault(m.Groups[3].Value) + 1;
        }

        foreach (var line in report.Split('\n').Where(l => l.TrimStart().StartsWith("Not shown:", StringComparison.Ordinal)))
        {
            foreach (Match m in Summed().Matches(line).Where(m => m.Groups[3].Value == protocol))
            {
                states[m.Groups[2].Value] = states.GetValueOrDefault(m.Groups[2].Value) + int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return states;
    }

    [GeneratedRegex(@"^(\d+)/(tcp|udp)\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex PortLine();

    [GeneratedRegex(@"(\d+) (\S+) (tcp|udp) ports")]
    private static partial Regex Summed();
}
