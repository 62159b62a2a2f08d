using System.Net;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Knocking.Nflog;

/// <summary>Knocks sent from a client namespace, judged by the kernel rules and reported through NFLOG.</summary>
public sealed class KernelKnockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(3);

    [NetworkFact]
    public async Task Knock_opens_for_the_source_and_the_reader_sees_every_step()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");
        Assert.False(await scenario.CanConnectAsync(a, 443), "the protected port answered before any knock");

        await scenario.KnockAsync(a, FirewallScenario.Knock);

        Assert.True(await scenario.Agent.WaitForEventAsync($"SequenceCompleted webmail {a.V4} 9000 3", EventWait), Events(scenario));
        Assert.Contains($"StepHit webmail {a.V4} 7000 1", scenario.Agent.Events);
        Assert.Contains($"StepHit webmail {a.V4} 8000 2", scenario.Agent.Events);
        Assert.InRange((await scenario.ListAsync("list webmail"))[a.V4]!.Value, 1790, 1800);
        Assert.True(await scenario.CanConnectAsync(a, 443));
        Assert.False(await scenario.CanConnectAsync(a, 443, v6: true), "IPv4 knock opened IPv6");

        await scenario.KnockAsync(a, FirewallScenario.Knock, v6: true);

        Assert.True(await scenario.Agent.WaitForEventAsync($"SequenceCompleted webmail {a.V6} 9000 3", EventWait), Events(scenario));
        Assert.True(await scenario.CanConnectAsync(a, 443, v6: true));
        var counters = await scenario.Agent.SendAsync("counters");
        output.WriteLine($"received malformed lost overruns: {counters}");
        Assert.EndsWith(" 0 0 0", counters); // nothing malformed, nothing lost
        Assert.Contains($"DroppedAttempt webmail {a.V4} 443 0", scenario.Agent.Events);
    }

    [NetworkFact]
    public async Task Wrong_order_opens_nothing_and_resets()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;

        await scenario.KnockAsync(a, [7000, 9000, 8000]);
        await scenario.KnockAsync(a, [8000, 7000, 9000]);

        Assert.True(await scenario.Agent.WaitForEventAsync($"WrongOrder webmail {a.V4} 9000 0", EventWait), Events(scenario));
        await Task.Delay(300);
        Assert.Empty(await scenario.ListAsync("list webmail"));
        Assert.DoesNotContain(scenario.Agent.Events, e => e.StartsWith("SequenceCompleted", StringComparison.Ordinal));
    }

    [NetworkFact]
    public async Task Browser_retries_of_the_current_and_previous_step_do_not_reset()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;

        // As Chromium sends it: each step twice, then retransmissions of every step after completion.
        await scenario.KnockAsync(a, [7000, 7000, 8000, 7000, 8000, 9000, 8000, 9000, 7000, 7000, 8000, 8000, 9000], gapMs: 60);

        Assert.True(await scenario.Agent.WaitForEventAsync($"SequenceCompleted webmail {a.V4}", EventWait), Events(scenario));
        Assert.DoesNotContain(scenario.Agent.Events, e => e.StartsWith("WrongOrder", StringComparison.Ordinal));
        Assert.Contains(a.V4, (await scenario.ListAsync("list webmail")).Keys);
    }

    [NetworkFact]
    public async Task Flood_is_bounded_and_banned()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;

        (await AgentProcess.RunToolAsync(a.Namespace, "syn", TestNetwork.ServerV4.ToString(), "7000", "400")).ThrowIfFailed("syn flood");

        Assert.True(await scenario.Agent.WaitForEventAsync($"Flood webmail {a.V4} 7000", EventWait), Events(scenario));
        var ban = await scenario.Server.ExecAsync("nft", "list", "set", "inet", "webknock", "knockban4");
        Assert.Contains(a.V4.ToString(), ban.Output);
        await Task.Delay(500);
        var events = scenario.Agent.Events.Count;
        output.WriteLine($"400 SYNs gave {events} events: {string.Join(", ", scenario.Agent.Events.GroupBy(e => e.Split(' ')[0]).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.InRange(events, 2, 60);

        // Banned: a correct knock now opens nothing.
        await scenario.KnockAsync(a, FirewallScenario.Knock);
        await Task.Delay(300);
        Assert.Empty(await scenario.ListAsync("list webmail"));
    }

    [NetworkFact]
    public async Task Closing_a_window_cuts_established_connections()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");
        await scenario.Agent.SendAsync($"open webmail {a.V4} 60");

        var kept = AgentProcess.RunToolAsync(a.Namespace, "connect", TestNetwork.ServerV4.ToString(), "443", "2000", "1000");
        Assert.Equal(0, (await kept).ExitCode);

        var cut = AgentProcess.RunToolAsync(a.Namespace, "connect", TestNetwork.ServerV4.ToString(), "443", "5000", "4000");
        // Close only once the connection is established (process start-up is slow on a loaded machine).
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            var established = await scenario.Server.TryExecAsync("ss", "-Htn", "state", "established", "( sport = :443 )");
            if (established.Output.Contains(a.V4.ToString(), StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(50);
        }

        await scenario.Agent.SendAsync($"close webmail {a.V4}");
        var result = await cut;
        output.WriteLine(result.Output);
        Assert.Contains("connected", result.Output);
        Assert.NotEqual(0, result.ExitCode);
    }

    [NmapFact]
    public async Task A_port_scan_blocks_the_scanner_only()
    {
        await using var scenario = await FirewallScenario.StartAsync(clients: 2);
        var (a, b) = (scenario.Network.A, scenario.Network.B);
        await scenario.Agent.SendAsync("listen 80");

        var scan = await b.Namespace.ExecAsync("nmap", "-sS", "-Pn", "-n", "-p", "1-300", "--max-retries", "1", "--min-rate", "2000", "--max-rtt-timeout", "200ms", TestNetwork.ServerV4.ToString());
        output.WriteLine(scan.Output);

        Assert.True(await scenario.Agent.WaitForEventAsync($"ScanBlocked - {b.V4}", EventWait), Events(scenario));
        var blocked = await scenario.ListAsync("blocked");
        Assert.Contains(b.V4, blocked.Keys);
        Assert.DoesNotContain(a.V4, blocked.Keys);
        Assert.True(await scenario.CanConnectAsync(a, 80));
        Assert.False(await scenario.CanConnectAsync(b, 80));
    }

    private static string Events(FirewallScenario scenario) => "events: " + string.Join(" | ", scenario.Agent.Events) + "\n" + scenario.Agent.Log;
}
