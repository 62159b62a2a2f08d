using System.Globalization;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Knocking.Nflog;

/// <summary>
/// An unanswered knock SYN is retransmitted by the client's kernel with the same source port, and a whole knock's
/// retransmissions arrive in knock order again. The kernel rules must not take them for a new knock: a window closed
/// by a sign-out would open again seconds later.
/// </summary>
public sealed class RetransmittedKnockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(3);
    private static readonly string Ports = string.Join(',', FirewallScenario.Knock);

    [NetworkFact]
    public async Task The_same_three_syns_again_open_nothing_after_a_close_and_a_knock_with_new_source_ports_does()
    {
        await using var scenario = await FirewallScenario.StartAsync();
        var a = scenario.Network.A;
        await scenario.Agent.SendAsync("listen 443");

        (await KnockFromAsync(scenario, a, "41001,41002,41003", holdMs: 0)).ThrowIfFailed("knock");
        Assert.True(await WaitForCompletionsAsync(scenario, a, 1), Events(scenario));
        Assert.Contains(a.V4, (await scenario.ListAsync("list webmail")).Keys);
        var seen = await scenario.Server.ExecAsync("nft", "list", "set", "inet", "webknock", "webmail_seen4");
        output.WriteLine(seen.Output);
        foreach (var (port, source) in FirewallScenario.Knock.Zip(new[] { 41001, 41002, 41003 }))
        {
            Assert.Contains($"{a.V4} . {port} . {source}", seen.Output);
        }

        await scenario.Agent.SendAsync($"close webmail {a.V4}");
        var before = scenario.Agent.Events.Count;

        // The same SYNs again, source ports and all: retransmissions, whatever their sequence numbers.
        (await KnockFromAsync(scenario, a, "41001,41002,41003", holdMs: 0)).ThrowIfFailed("same SYNs again");
        await Task.Delay(500);
        Assert.Empty(await scenario.ListAsync("list webmail"));
        Assert.False(await scenario.CanConnectAsync(a, 443), "the window opened again");
        Assert.DoesNotContain(scenario.Agent.Events.Skip(before), e => e.StartsWith("StepHit", StringComparison.Ordinal)
            || e.StartsWith("SequenceCompleted", StringComparison.Ordinal) || e.StartsWith("WrongOrder", StringComparison.Ordinal));

        // A new knock: new sockets, new source ports.
        (await KnockFromAsync(scenario, a, "0,0,0", holdMs: 0)).ThrowIfFailed("new knock");
        Assert.True(await WaitForCompletionsAsync(scenario, a, 2), Events(scenario));
        Assert.Contains(a.V4, (await scenario.ListAsync("list webmail")).Keys);
        Assert.True(await scenario.CanConnectAsync(a, 443));
    }

    [NetworkFact]
    public async Task The_client_kernels_own_retransmissions_do_not_open_the_window_again_after_a_close()
    {
        // A client retransmits a SYN only when nothing answers it: ClosedPorts=Drop (in Reset mode the RST ends the
        // attempt, unless the reject budget is spent, when the SYN is dropped as here).
        var config = FirewallScenario.DefaultConfig();
        config.WebKnock.Firewall.ClosedPorts = WebKnock.Configuration.ClosedPortsMode.Drop;
        await using var scenario = await FirewallScenario.StartAsync(config);
        var a = scenario.Network.A;

        // Sockets held open 4.5 s after the knock: the client's kernel retransmits each SYN at about 1 and 3 s.
        var knock = KnockFromAsync(scenario, a, "0,0,0", holdMs: 4500);
        Assert.True(await WaitForCompletionsAsync(scenario, a, 1, TimeSpan.FromSeconds(15)), Events(scenario));
        await scenario.Agent.SendAsync($"close webmail {a.V4}"); // the user signs out at once
        (await knock).ThrowIfFailed("held knock");

        var retransmitted = await a.Namespace.ExecAsync("nstat", "-asz", "TcpExtTCPSynRetrans");
        output.WriteLine(retransmitted.Output);
        Assert.True(SynRetransmissions(retransmitted.Output) >= 6, $"the client retransmitted too few SYNs for the test to mean anything: {retransmitted.Output}");

        await Task.Delay(300);
        Assert.Empty(await scenario.ListAsync("list webmail"));
        Assert.Single(scenario.Agent.Events, e => e.StartsWith($"SequenceCompleted webmail {a.V4}", StringComparison.Ordinal));
    }

    private static Task<Shell.Result> KnockFromAsync(FirewallScenario scenario, TestNetwork.Client client, string sourcePorts, int holdMs)
        => AgentProcess.RunToolAsync(client.Namespace, "knockfrom", TestNetwork.ServerV4.ToString(), Ports, sourcePorts, "100", holdMs.ToString(CultureInfo.InvariantCulture));

    private static async Task<bool> WaitForCompletionsAsync(FirewallScenario scenario, TestNetwork.Client client, int count, TimeSpan? timeout = null)
        => await Eventually.WaitAsync(
            () => scenario.Agent.Events.Count(e => e.StartsWith($"SequenceCompleted webmail {client.V4}", StringComparison.Ordinal)) >= count,
            timeout ?? EventWait,
            TimeSpan.FromMilliseconds(20)) is not null;

    private static long SynRetransmissions(string nstat)
        => nstat.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length >= 2 && words[0] == "TcpExtTCPSynRetrans")
            .Select(words => long.Parse(words[1], CultureInfo.InvariantCulture))
            .FirstOrDefault();

    private static string Events(FirewallScenario scenario) => "events: " + string.Join(" | ", scenario.Agent.Events) + "\n" + scenario.Agent.Log;
}
