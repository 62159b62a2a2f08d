using System.Diagnostics;
using System.Net;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Firewall.Nftables;

/// <summary>Network windows in the kernel: interval sets with per-element timeouts in front of the protected port.</summary>
public sealed class NetworkWindowKernelTests(ITestOutputHelper output)
{
    private static readonly IPNetwork Clients4 = IPNetwork.Parse("192.0.2.0/24");
    private static readonly IPNetwork Clients6 = IPNetwork.Parse("2001:db8::/64");

    [NetworkFact]
    public async Task An_open_network_lets_every_client_in_it_reach_the_protected_port_until_closed()
    {
        await using var scenario = await FirewallScenario.StartAsync(clients: 2, reader: false);
        var (a, b) = (scenario.Network.A, scenario.Network.B);
        await scenario.Agent.SendAsync("listen 443");
        Assert.False(await scenario.CanConnectAsync(a, 443), "the protected port answered before the network was opened");

        var opened = Stopwatch.StartNew();
        await scenario.Agent.SendAsync($"opennet webmail {Clients4} 300");

        Assert.True(await scenario.CanConnectAsync(a, 443), "A (192.0.2.10) is in 192.0.2.0/24");
        Assert.True(await scenario.CanConnectAsync(b, 443), "B (192.0.2.11) is in 192.0.2.0/24");
        Assert.False(await scenario.CanConnectAsync(a, 443, v6: true), "an IPv4 network opened IPv6");
        Assert.Empty(await scenario.ListAsync("list webmail")); // no address element was added
        AssertLeft(300, opened, (await scenario.NetworksAsync("webmail"))[Clients4]);

        // Overlapping networks are refused by the kernel, and the open one is untouched.
        var overlap = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.Agent.SendAsync("opennet webmail 192.0.2.0/25 60"));
        Assert.Contains("overlaps", overlap.Message);
        Assert.Equal([Clients4], (await scenario.NetworksAsync("webmail")).Keys);

        var opened6 = Stopwatch.StartNew();
        await scenario.Agent.SendAsync($"opennet webmail {Clients6} 300");
        Assert.True(await scenario.CanConnectAsync(a, 443, v6: true));

        // Reloading the table keeps the networks with their time.
        await scenario.Agent.SendAsync("init");
        var kept = await scenario.NetworksAsync("webmail");
        AssertLeft(300, opened, kept[Clients4], truncations: 2);
        AssertLeft(300, opened6, kept[Clients6], truncations: 2);
        Assert.True(await scenario.CanConnectAsync(b, 443));

        await scenario.Agent.SendAsync($"closenet webmail {Clients4}");
        await scenario.Agent.SendAsync($"closenet webmail {Clients4}"); // absent is not an error
        Assert.False(await scenario.CanConnectAsync(a, 443));
        Assert.False(await scenario.CanConnectAsync(b, 443));
        Assert.True(await scenario.CanConnectAsync(b, 443, v6: true), "closing the IPv4 network closed IPv6");
        Assert.Equal([Clients6], (await scenario.NetworksAsync("webmail")).Keys);
    }

    [NetworkFact]
    public async Task A_network_window_times_out_in_the_kernel()
    {
        await using var scenario = await FirewallScenario.StartAsync(clients: 1, reader: false);
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");

        // 192.0.2.8/29 holds A (192.0.2.10) and not the server.
        await scenario.Agent.SendAsync("opennet webmail 192.0.2.8/29 3");
        var opened = Stopwatch.StartNew();
        Assert.True(await scenario.CanConnectAsync(a, 443));

        var gone = await Eventually.WaitAsync(async () => (await scenario.NetworksAsync("webmail")).Count == 0, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        output.WriteLine($"the element left the set {opened.ElapsedMilliseconds} ms after it was added with a 3 s timeout");
        Assert.NotNull(gone);
        Assert.True(opened.Elapsed >= TimeSpan.FromSeconds(2.9), $"gone after {opened.Elapsed}");
        Assert.False(await scenario.CanConnectAsync(a, 443));
    }

    [NetworkFact]
    public async Task The_watchdog_puts_the_known_networks_back_after_a_flush()
    {
        await using var scenario = await FirewallScenario.StartAsync(clients: 1, reader: false);
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");
        await scenario.Agent.SendAsync($"opennet webmail {Clients4} 300");
        await scenario.Agent.SendAsync($"knownnet webmail {Clients4} 300");
        await scenario.Agent.SendAsync("watchdog");

        await scenario.Server.ExecAsync("nft", "flush", "ruleset");
        var back = await Eventually.WaitAsync(async () => (await scenario.Server.TryExecAsync("nft", "list", "chain", "inet", "webknock", "input")).ExitCode == 0,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.NotNull(back);

        Assert.InRange((await scenario.NetworksAsync("webmail"))[Clients4]!.Value, 285, 300);
        Assert.True(await scenario.CanConnectAsync(a, 443));
    }

    /// <summary>
    /// The kernel's time left is the timeout less what has passed since, never more. nft lists whole seconds,
    /// truncated: up to a second less each time the element was read, and a reload reads it once more.
    /// </summary>
    private void AssertLeft(double timeout, Stopwatch since, double? left, int truncations = 1)
    {
        var elapsed = since.Elapsed.TotalSeconds;
        output.WriteLine($"{left} s left after {elapsed:F1} s of {timeout} s");
        Assert.NotNull(left);
        Assert.InRange(left.Value, timeout - elapsed - truncations, timeout);
    }
}
