using System.Net;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Firewall.Nftables;

public sealed class NftablesFirewallTests(ITestOutputHelper output)
{
    private static readonly IPAddress A4 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress A6 = IPAddress.Parse("2001:db8::10");

    [NetworkFact]
    public async Task Table_loads_in_its_namespace_only()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);

        var table = await scenario.Server.ExecAsync("nft", "list", "table", "inet", "webknock");
        Assert.Contains("hook input priority filter - 10", table.Output);
        Assert.Contains("set webmail_allow4", table.Output);
        var tables = await scenario.Server.ExecAsync("nft", "list", "tables");
        Assert.Equal("table inet webknock", tables.Output.Trim());
    }

    [NetworkFact]
    public async Task Open_list_refresh_close_round_trip_with_real_remaining_times()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        var agent = scenario.Agent;

        await agent.SendAsync($"open webmail {A4} 60");
        await agent.SendAsync($"open webmail ::ffff:{A4} 60");
        await agent.SendAsync($"open webmail {A6} 120");
        var open = await scenario.ListAsync("list webmail");
        Assert.Equal(2, open.Count);
        Assert.InRange(open[A4]!.Value, 57, 60);
        Assert.InRange(open[A6]!.Value, 117, 120);

        // A refresh moves the deadline both ways: later, and earlier.
        await agent.SendAsync($"open webmail {A4} 600");
        Assert.InRange((await scenario.ListAsync("list webmail"))[A4]!.Value, 597, 600);
        await agent.SendAsync($"open webmail {A4} 30");
        Assert.InRange((await scenario.ListAsync("list webmail"))[A4]!.Value, 27, 30);

        // Reloading the table keeps the windows.
        await agent.SendAsync("init");
        var kept = await scenario.ListAsync("list webmail");
        Assert.InRange(kept[A4]!.Value, 25, 30);
        Assert.InRange(kept[A6]!.Value, 110, 120);

        await agent.SendAsync($"close webmail {A4}");
        await agent.SendAsync($"close webmail {A4}");
        Assert.Equal([A6], (await scenario.ListAsync("list webmail")).Keys);

        await agent.SendAsync($"block {A6} 3600");
        Assert.InRange((await scenario.ListAsync("blocked"))[A6]!.Value, 3597, 3600);
        await agent.SendAsync($"unblock {A6}");
        await agent.SendAsync($"unblock {A6}");
        Assert.Empty(await scenario.ListAsync("blocked"));
    }

    [NetworkFact]
    public async Task Opening_again_with_the_same_length_moves_the_deadline_in_both_refresh_forms()
    {
        // A window extended by its full length re-adds the element with the same timeout: the kernel's deadline must
        // move as well (kernels that update elements in place keep the old expiry unless told the new one).
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        output.WriteLine($"this kernel refreshes timeouts with: {await scenario.Agent.SendAsync("mode")}");

        foreach (var mode in new[] { "add", "portable" })
        {
            await scenario.Agent.SendAsync($"mode {mode}");
            await scenario.Agent.SendAsync($"open webmail {A4} 60");
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            var before = (await scenario.ListAsync("list webmail"))[A4]!.Value;
            await scenario.Agent.SendAsync($"open webmail {A4} 60");
            var after = (await scenario.ListAsync("list webmail"))[A4]!.Value;
            output.WriteLine($"{mode}: {before} s left, {after} s after opening again for 60 s");

            Assert.InRange(before, 50, 58);
            Assert.InRange(after, 59, 60);
            await scenario.Agent.SendAsync($"close webmail {A4}");
        }
    }

    [NetworkFact]
    public async Task Host_names_and_unknown_services_never_reach_nft()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.Agent.SendAsync("open webmail localhost 60"));
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.Agent.SendAsync($"open imap {A4} 60"));
        Assert.Contains("Unknown service", unknown.Message);
    }

    [NetworkFact]
    public async Task Opens_per_second_single_and_batched()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);

        var rates = (await scenario.Agent.SendAsync("bench 1000", TimeSpan.FromMinutes(2))).Split(' ');

        output.WriteLine($"1000 opens: {rates[0]}/s one awaited call at a time, {rates[1]}/s all at once (batched)");
        Assert.True(double.Parse(rates[1], System.Globalization.CultureInfo.InvariantCulture) > double.Parse(rates[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(await scenario.ListAsync("list webmail"));
    }

    [NetworkFact]
    public async Task Concurrent_opens_and_closes_end_as_if_run_one_by_one_in_both_refresh_forms()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        output.WriteLine($"this kernel refreshes timeouts with: {await scenario.Agent.SendAsync("mode")}");

        foreach (var mode in new[] { "add", "portable" })
        {
            await scenario.Agent.SendAsync($"mode {mode}");
            var reply = (await scenario.Agent.SendAsync("mixed 3000", TimeSpan.FromMinutes(2))).Split(' ');
            output.WriteLine($"{mode}: mismatches {reply[0]}, expected {reply[1]} open, kernel had {reply[2]}");

            Assert.Equal("0", reply[0]);
            Assert.Equal(reply[1], reply[2]);
        }

        Assert.Empty(await scenario.ListAsync("list webmail"));
    }

    [NetworkFact]
    public async Task Watchdog_restores_a_flushed_table_with_the_known_windows_and_blocks_within_5_seconds()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        var agent = scenario.Agent;
        await agent.SendAsync($"open webmail {A4} 300");
        await agent.SendAsync($"known webmail {A4} 300");
        await agent.SendAsync($"block {A6} 600");
        await agent.SendAsync("watchdog");

        await scenario.Server.ExecAsync("nft", "flush", "ruleset");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await scenario.Server.TryExecAsync("nft", "list", "chain", "inet", "webknock", "input")).ExitCode != 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the table was not restored within 5 s");
            await Task.Delay(100);
        }

        output.WriteLine($"restored after {watch.ElapsedMilliseconds} ms");
        Assert.InRange((await scenario.ListAsync("list webmail"))[A4]!.Value, 290, 300);
        Assert.InRange((await scenario.ListAsync("blocked"))[A6]!.Value, 590, 600); // the administrator's block came back too
        Assert.Equal("1", await agent.SendAsync("restores"));
    }
}
