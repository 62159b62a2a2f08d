using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// Packets whose source address nobody checked (issue 10): a third namespace scans and floods the knock ports in
/// the name of client A, who holds a window, and of client B, who holds none. Raw packets from hping3 (nmap -S finds
/// no route for a source address that is not its own), bounded in count.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewaySpoofTests(ITestOutputHelper output)
{
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NmapFact]
    public async Task Spoofed_scans_and_knock_floods_in_the_name_of_A_leave_its_window_and_connections_and_block_a_windowless_B()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3);
        var (a, b, c) = (gw.A, gw.B, gw.Network.Clients[2]);

        var knock = await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + gw.Diagnostics);
        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.StatusAsync(a))?.GetProperty("open").GetBoolean() == true, TimeSpan.FromSeconds(5)));
        var (hold, _) = await gw.HoldAsync(a, maxMs: 20_000);

        // C, as A: a SYN scan of 300 ports (15 times the scan threshold) and 300 SYNs at a knock port at 500 a second
        // (25 times the knock rate limit).
        await SpoofAsync(c, a, "++1", 300, 500); // ports 1 to 300
        await SpoofAsync(c, a, "7000", 300, 2000);

        Assert.DoesNotContain(a.V4, (await gw.BlockedAsync()).Keys);
        Assert.DoesNotContain(a.V4, (await gw.ListSetAsync("knockban4")).Select(e => e.Address));
        Assert.Contains(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Connected, await gw.ConnectAsync(a, 443));
        Assert.Equal(200, (await gw.CurlAsync(a, Url("/.webknock/status"))).Status);
        var held = await hold.ReadLineAsync(TimeSpan.FromSeconds(30));
        Assert.True(held is not null && held.StartsWith("alive ", StringComparison.Ordinal), $"A's keep-alive connection: {held}\n{hold.Output}");

        // C, as B (no window): the same scan blocks B.
        await SpoofAsync(c, b, "++1", 300, 500);
        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.BlockedAsync()).ContainsKey(b.V4), TimeSpan.FromSeconds(5)));
        var blockedKnock = await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, blockedKnock.ExitCode); // the plain sequence knock stays ignored while B is blocked
        Assert.DoesNotContain(b.V4, (await gw.AllowedAsync()).Keys);
        var blocked = string.Join(", ", (await gw.BlockedAsync()).Keys);
        output.WriteLine($"A kept its window; blocked: {blocked}");
    }

    /// <summary>hping3 from <paramref name="from"/>: <paramref name="count"/> SYNs with <paramref name="victim"/>'s address, one every <paramref name="gapMicroseconds"/> µs.</summary>
    private async Task SpoofAsync(TestNetwork.Client from, TestNetwork.Client victim, string port, int count, int gapMicroseconds)
    {
        var result = await from.Namespace.TryExecAsync("hping3", "-q", "-S", "-a", victim.V4.ToString(), "-p", port,
            "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", $"u{gapMicroseconds}", Server4);
        output.WriteLine($"hping3 -S -a {victim.V4} -p {port} -c {count}: exit {result.ExitCode} {result.Error.Trim()} {result.Output.Trim()}");
        Assert.Contains($"{count} packets transmitted", result.Output + result.Error, StringComparison.Ordinal); // its exit code says whether anything answered
    }

    /// <summary>
    /// A spoofed scan gets B blocked; the plain knock stays ignored, but a credential (Debian's fwknop client with
    /// alice's SPA keys) passes the block: the SPA chain runs before the block check, the gateway opens B's window and
    /// lifts the block.
    /// </summary>
    [Knocking.Spa.FwknopNetworkFact]
    public async Task A_spoofed_and_blocked_address_opens_with_a_credentialed_knock()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3, Knocking.Spa.SpaGatewayTests.Settings);
        var (b, c) = (gw.B, gw.Network.Clients[2]);

        await SpoofAsync(c, b, "++1", 300, 500);
        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.BlockedAsync()).ContainsKey(b.V4), TimeSpan.FromSeconds(5)));
        var plain = await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, plain.ExitCode);

        await Knocking.Spa.SpaGatewayTests.Fwknop(gw, b, Knocking.Spa.SpaGatewayTests.Key, Knocking.Spa.SpaGatewayTests.HmacKey,
            "-A", "tcp/443", "-a", b.V4.ToString(), "-D", Server4);
        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).ContainsKey(b.V4), TimeSpan.FromSeconds(5)));
        Assert.NotNull(await Eventually.WaitAsync(async () => !(await gw.BlockedAsync()).ContainsKey(b.V4), TimeSpan.FromSeconds(5)));
        var page = await gw.CurlAsync(b, Url(LoginPage));
        Assert.True(page.Status == 200, $"{page.Status}\n{gw.Diagnostics}");
    }
}
