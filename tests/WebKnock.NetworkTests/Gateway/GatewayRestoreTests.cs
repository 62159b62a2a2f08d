using System.Diagnostics;
using System.Net;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>Fail closed: neither a crash of the gateway nor a flushed ruleset opens, extends or loses a window.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayRestoreTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();
    private static readonly string Server6 = TestNetwork.ServerV6.ToString();

    /// <summary>
    /// Found by a benchmark: the NFLOG reader blocked in recv on its own thread kept a SIGTERM'd gateway running for
    /// good (closing a netlink socket does not end a blocked recv, and .NET's dispose waits for it). The stop must end
    /// the process within seconds, with TOTP and SPA on (their reader and handler threads), leaving the windows in the
    /// kernel for the next start.
    /// </summary>
    [NetworkFact]
    public async Task SIGTERM_stops_the_gateway_within_seconds_and_the_kernel_keeps_the_window()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1,
            "WebKnock:Webmail:Knock:Totp:Enabled=true", "WebKnock:Spa:Enabled=true");
        Assert.Equal(0, (await gw.KnockClientAsync(gw.A, Server4, "--ports", KnockPorts, "--check")).ExitCode);

        var took = await gw.StopGatewayAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, gw.Gateway.ExitCode);
        Assert.True(took < TimeSpan.FromSeconds(5), $"the stop took {took}");
        Assert.Contains(gw.A.V4, (await gw.AllowedAsync()).Keys);
    }

    [NetworkFact]
    public async Task After_kill_9_a_new_gateway_restores_the_windows_with_their_remaining_time()
    {
        var window = TimeSpan.FromSeconds(30);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, $"WebKnock:Webmail:Window={window}");
        var (a, b) = (gw.A, gw.B);

        // A's IPv4 window opens first and will run out while the gateway is down; B's and A's IPv6 windows open later.
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var deadlineA4 = GatewayKnockTests.ExpiresAt((await gw.StatusAsync(a))!.Value);
        var offset = deadlineA4 - window + TimeSpan.FromSeconds(15) - DateTimeOffset.UtcNow;
        await Task.Delay(offset > TimeSpan.Zero ? offset : TimeSpan.Zero); // a chosen offset between the windows, not a wait for a condition
        Assert.Equal(0, (await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server6, "--ports", KnockPorts, "--check")).ExitCode);
        var deadlines = new Dictionary<IPAddress, DateTimeOffset>
        {
            [b.V4] = GatewayKnockTests.ExpiresAt((await gw.StatusAsync(b))!.Value),
            [a.V6] = GatewayKnockTests.ExpiresAt((await gw.StatusAsync(a, v6: true))!.Value),
        };
        var before = await gw.AllowedAsync();
        Assert.Equal(3, before.Count);

        await gw.KillGatewayAsync();

        // The kernel goes on enforcing by itself: every window still there, none longer.
        var whileDown = await gw.AllowedAsync();
        Assert.Equal(before.Keys.Order(Comparer), whileDown.Keys.Order(Comparer));
        Assert.All(whileDown, e => Assert.True(e.Value <= before[e.Key]));
        Assert.NotNull(await Eventually.WaitAsync(async () => !(await gw.AllowedAsync()).ContainsKey(a.V4), deadlineA4 - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
        output.WriteLine($"A's IPv4 window ran out {(DateTimeOffset.UtcNow - deadlineA4).TotalMilliseconds:F0} ms after its deadline, while the gateway was down");

        var startTime = await gw.StartGatewayAsync();
        var ready = Stopwatch.StartNew();

        // Within 2 s of the restart, the kernel and the gateway agree on what is open and until when.
        var kernel = await gw.AllowedAsync();
        var now = DateTimeOffset.UtcNow; // when the kernel's remaining times were read
        var statusB = (await gw.StatusAsync(b))!.Value;
        var statusA6 = (await gw.StatusAsync(a, v6: true))!.Value;
        var checkedIn = ready.Elapsed;
        Assert.True(checkedIn < TimeSpan.FromSeconds(5), $"checking took {checkedIn}");
        Assert.Equal(new[] { b.V4, a.V6 }.Order(Comparer), kernel.Keys.Order(Comparer));
        foreach (var (address, status) in new[] { (b.V4, statusB), (a.V6, statusA6) })
        {
            var original = deadlines[address];
            var restored = GatewayKnockTests.ExpiresAt(status);
            var inKernel = kernel[address]!.Value;
            output.WriteLine($"{address}: deadline {original:HH:mm:ss.fff}, restored {restored:HH:mm:ss.fff} ({(restored - original).TotalMilliseconds:F0} ms), "
                + $"kernel {inKernel.TotalSeconds:F0} s left, expected {(original - now).TotalSeconds:F1} s (gateway start {startTime.TotalMilliseconds:F0} ms, checked after {checkedIn.TotalMilliseconds:F0} ms)");
            Assert.True(status.GetProperty("open").GetBoolean());
            Assert.True(restored <= original + TimeSpan.FromMilliseconds(500), $"{address} extended by {restored - original}");
            Assert.True(original - restored <= Tolerance, $"{address} lost {original - restored}");
            Assert.True(inKernel <= original - now + TimeSpan.FromSeconds(1), $"{address} extended in the kernel: {inKernel} left, {original - now} expected");
            Assert.True(original - now - inKernel <= Tolerance, $"{address} shortened in the kernel: {inKernel} left, {original - now} expected");
        }

        // The window that ran out stays closed, and only the two live ones were restored.
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443));
        var restoredEvents = gw.LogEvents("Window of {Service} opened", ("Reason", "Restored"));
        Assert.Equal(new[] { b.V4.ToString(), a.V6.ToString() }.Order(), restoredEvents.Select(e => e["Address"]).Order());
        Assert.Equal(200, (await gw.CurlAsync(b, Url(LoginPage))).Status);
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage, v6: true))).Status);
    }

    [NetworkFact]
    public async Task Flushing_the_ruleset_brings_the_table_and_the_windows_back_within_5_seconds()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3);
        var (a, b, c) = (gw.A, gw.B, gw.Network.Clients[2]);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        Assert.Equal(0, (await gw.KnockClientAsync(b, Server6, "--ports", KnockPorts, "--check")).ExitCode);
        var deadlines = new Dictionary<IPAddress, DateTimeOffset>
        {
            [a.V4] = GatewayKnockTests.ExpiresAt((await gw.StatusAsync(a))!.Value),
            [b.V6] = GatewayKnockTests.ExpiresAt((await gw.StatusAsync(b, v6: true))!.Value),
        };

        // C scans and is blocked by the kernel; the gateway hears of it through NFLOG and must put the block back too.
        await gw.NmapAsync(c, "-sS", "-Pn", "-n", "-p", "1-200", "--min-rate", "2000", "--max-retries", "1", "--max-rtt-timeout", "200ms", Server4);
        var blockedBefore = await gw.BlockedAsync();
        Assert.Contains(c.V4, blockedBefore.Keys);
        var blockEnds = DateTimeOffset.UtcNow + blockedBefore[c.V4]!.Value;

        await gw.Server.ExecAsync("nft", "flush", "ruleset");
        var flushed = Stopwatch.StartNew();

        var back = await Eventually.WaitAsync(async () =>
        {
            if (!await gw.TableExistsAsync())
            {
                return false;
            }

            var allowed = await gw.AllowedAsync();
            return allowed.ContainsKey(a.V4) && allowed.ContainsKey(b.V6);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        output.WriteLine($"table and windows back {back?.TotalMilliseconds:F0} ms after nft flush ruleset");
        Assert.True(back is not null && back <= TimeSpan.FromSeconds(5), $"not back within 5 s ({back})\n{gw.Diagnostics}");

        var kernel = await gw.AllowedAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var (address, deadline) in deadlines)
        {
            var left = kernel[address]!.Value;
            output.WriteLine($"{address}: {left.TotalSeconds:F0} s left in the kernel, {(deadline - now).TotalSeconds:F1} s expected");
            Assert.True(left <= deadline - now + TimeSpan.FromSeconds(1), $"{address} extended: {left} left, {deadline - now} expected");
            Assert.True(deadline - now - left <= Tolerance, $"{address} shortened: {left} left, {deadline - now} expected");
        }

        Assert.Equal(2, kernel.Count);
        Assert.NotEmpty(gw.LogEvents("nftables table {Table} is missing", ("Table", gw.Table)));
        var pageA = await gw.CurlAsync(a, Url(LoginPage));
        Assert.Equal(200, pageA.Status);
        Assert.True(pageA.HasBanner);
        Assert.Equal(200, (await gw.CurlAsync(b, Url(LoginPage, v6: true))).Status);
        Assert.Equal(ConnectOutcome.Filtered, await gw.ConnectAsync(c, 443)); // C is scan-blocked: everything filtered
        var blockedAfter = await gw.BlockedAsync();
        Assert.True(blockedAfter.ContainsKey(c.V4), $"the scan block of {c.V4} was lost in the flush\n{gw.Diagnostics}");
        var blockLeft = blockedAfter[c.V4]!.Value;
        output.WriteLine($"scan block of {c.V4} after the flush: {blockLeft.TotalSeconds:F0} s left, {(blockEnds - DateTimeOffset.UtcNow).TotalSeconds:F0} s expected");
        // The gateway times the block from the NFLOG report; the kernel may have refreshed it while the scan went on.
        Assert.True((blockLeft - (blockEnds - DateTimeOffset.UtcNow)).Duration() <= TimeSpan.FromSeconds(5), $"the block came back with {blockLeft} left");
        var restored = Assert.Single(gw.LogEvents("nftables table {Table} restored", ("Table", gw.Table)));
        Assert.Equal("1", restored["Blocks"]);
    }

    [NetworkFact]
    public async Task The_gateway_takes_in_a_window_the_kernel_opened_unreported_and_closes_one_deleted_by_hand()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, "WebKnock:Firewall:ReconcileInterval=00:00:01");
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(0, (await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check")).ExitCode);

        // A is let in by the kernel without any knock report reaching the gateway (as when NFLOG lost it): the gate
        // refuses A until the reconciler takes the window in, two rounds later, with the kernel's time.
        await gw.Server.ExecAsync("nft", "add", "element", "inet", gw.Table, "webmail_allow4", $"{{ {a.V4} timeout 300s }}");
        var adopted = await Eventually.WaitAsync(async () => (await gw.CurlAsync(a, Url(LoginPage), maxSeconds: 2)).Status == 200,
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250));
        output.WriteLine($"A served {adopted?.TotalMilliseconds:F0} ms after the element was added");
        Assert.True(adopted is not null, $"A was never served\n{gw.Diagnostics}");
        var page = await gw.CurlAsync(a, Url(LoginPage));
        Assert.True(page.HasBanner);
        var left = (GatewayKnockTests.ExpiresAt((await gw.StatusAsync(a))!.Value) - DateTimeOffset.UtcNow).TotalSeconds;
        Assert.InRange(left, 280, 300);
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} is in the firewall", ("Address", a.V4.ToString())));

        // B's element is deleted by hand: the gateway closes B's window too (and the kernel keeps B out meanwhile).
        await gw.Server.ExecAsync("nft", "delete", "element", "inet", gw.Table, "webmail_allow4", $"{{ {b.V4} }}");
        var closed = await Eventually.WaitAsync(
            () => Task.FromResult(gw.LogEvents("Window of {Service} for {Address} is gone from the firewall", ("Address", b.V4.ToString())).Count > 0),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250));
        Assert.True(closed is not null, $"B's window stayed open in the gateway\n{gw.Diagnostics}");
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(b, 443));
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);
    }

    private static readonly IComparer<IPAddress> Comparer = Comparer<IPAddress>.Create((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()));
}
