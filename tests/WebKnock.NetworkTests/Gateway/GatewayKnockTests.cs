using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>The real gateway seen from client namespaces: invisible to scans, opened by a knock for the knocker only.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewayKnockTests(ITestOutputHelper output)
{
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NmapFact]
    public async Task A_full_SYN_scan_before_any_knock_finds_no_open_port()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2);
        var (a, b) = (gw.A, gw.B);

        var scan = await gw.NmapAsync(a, "-sS", "-Pn", "-n", "-p", "1-65535", "--min-rate", "20000", "--max-retries", "1", "--max-rtt-timeout", "200ms", "-oG", "-", Server4);

        var ports = PortsLine().Match(scan);
        var ignored = IgnoredLine().Match(scan);
        var listed = ports.Success ? ports.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries) : [];
        output.WriteLine($"open: {listed.Count(p => p.Contains("/open/"))}, listed: {listed.Length} ({string.Join(' ', listed.Take(30))}), ignored: {ignored.Value}");
        Assert.DoesNotContain("/open/", scan);
        Assert.Equal(65535, listed.Length + (ignored.Success ? int.Parse(ignored.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0));
        Assert.Empty(await gw.AllowedAsync());

        // What the scan did to A: the scan detector blocked it (so most of the scan met a dropping host). A knock from A
        // stays without effect while the block lasts; the knock is shown from a fresh client, B.
        Assert.Contains(a.V4, (await gw.BlockedAsync()).Keys);
        Assert.NotEmpty(gw.LogEvents("Knock {Outcome}", ("Outcome", "ScanBlocked"), ("Address", a.V4.ToString())));
        var blockedKnock = await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, blockedKnock.ExitCode);
        Assert.Contains("still closed", blockedKnock.Output);

        var knock = await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + gw.Diagnostics);
        Assert.Equal([b.V4], (await gw.AllowedAsync()).Keys);
    }

    [NmapFact]
    public async Task A_knock_with_the_knock_client_opens_443_to_A_only()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2);
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443));

        // No --ports: the client reads the knock from the gateway's configuration files beside webknock.dll.
        var knock = await gw.KnockClientAsync(a, Server4, "--check");

        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);
        Assert.Contains("ports 7000, 9000, 8000", knock.Output);
        Assert.Contains($"open: {Server4} port 443", knock.Output);
        var page = await gw.CurlAsync(a, Url(LoginPage));
        Assert.True(page.Status == 200, $"{page.Status} (curl {page.CurlExit})\n{gw.Diagnostics}");
        Assert.True(page.HasBanner, page.Body);
        var status = await gw.StatusAsync(a);
        Assert.NotNull(status);
        Assert.Equal(a.V4.ToString(), status.Value.GetProperty("address").GetString());
        Assert.True(status.Value.GetProperty("open").GetBoolean());
        Assert.InRange(status.Value.GetProperty("remainingSeconds").GetInt32(), 1780, 1800);
        Assert.NotEmpty(gw.LogEvents("Knock sequence of {Service} completed", ("Address", a.V4.ToString())));

        // B sees nothing of it.
        var scan = await gw.NmapAsync(b, "-sS", "-Pn", "-n", "-p", "443", "--max-retries", "1", Server4);
        Assert.Matches(@"443/tcp\s+closed", scan); // ClosedPorts=Reset: like any port where nothing listens
        Assert.Equal(0, (await gw.CurlAsync(b, Url(LoginPage), maxSeconds: 2)).Status);

        var wrong = await gw.KnockClientAsync(b, Server4, "--ports", WrongOrder, "--check", "--check-timeout-ms", "1500");

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("still closed", wrong.Output);
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);
        Assert.NotEmpty(gw.LogEvents("Knock {Outcome}", ("Outcome", "WrongOrder"), ("Address", b.V4.ToString())));
        Assert.Equal(0, (await gw.CurlAsync(b, Url(LoginPage), maxSeconds: 2)).Status);
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage))).Status);
    }

    [NmapFact]
    public async Task A_scan_of_1000_ports_blocks_the_scanner_for_the_configured_time_and_leaves_A_alone()
    {
        var blockTime = TimeSpan.FromSeconds(10);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, $"WebKnock:Firewall:Nftables:ScanBlockTime={blockTime}");
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);

        await gw.NmapAsync(b, "-sS", "-Pn", "-n", "-p", "1-1000", "--min-rate", "2000", "--max-retries", "1", "--max-rtt-timeout", "200ms", Server4);
        var scanned = System.Diagnostics.Stopwatch.StartNew();

        var blocked = await gw.BlockedAsync();
        Assert.Contains(b.V4, blocked.Keys);
        Assert.InRange(blocked[b.V4]!.Value, blockTime - TimeSpan.FromSeconds(3), blockTime);
        Assert.DoesNotContain(a.V4, blocked.Keys);
        Assert.NotEmpty(gw.LogEvents("Knock {Outcome}", ("Outcome", "ScanBlocked"), ("Address", b.V4.ToString())));

        // A is unaffected.
        var page = await gw.CurlAsync(a, Url(LoginPage));
        Assert.Equal(200, page.Status);
        Assert.True(page.HasBanner);
        Assert.Contains(a.V4, (await gw.AllowedAsync()).Keys);

        // B's correct knock does nothing while B is blocked.
        var knock = await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, knock.ExitCode);
        Assert.DoesNotContain(b.V4, (await gw.AllowedAsync()).Keys);

        var lifted = await Eventually.WaitAsync(async () => !(await gw.BlockedAsync()).ContainsKey(b.V4), blockTime + TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        Assert.NotNull(lifted);
        output.WriteLine($"B was blocked for {scanned.Elapsed.TotalSeconds:F1} s after its scan ended (configured {blockTime.TotalSeconds} s)");
        Assert.InRange(scanned.Elapsed, blockTime - TimeSpan.FromSeconds(2), blockTime + TimeSpan.FromSeconds(3));

        var again = await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check");
        Assert.True(again.ExitCode == 0, again.Output + gw.Diagnostics);
        Assert.Equal(200, (await gw.CurlAsync(b, Url(LoginPage))).Status);
    }

    [NetworkFact]
    public async Task An_IPv6_knock_opens_the_webmail_to_A_IPv6_address_only()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
        var a = gw.A;
        var server6 = TestNetwork.ServerV6.ToString();

        var knock = await gw.KnockClientAsync(a, server6, "-6", "--ports", KnockPorts, "--check");

        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);
        Assert.Contains($"open: {server6} port 443", knock.Output);
        var page = await gw.CurlAsync(a, Url(LoginPage, v6: true));
        Assert.True(page.Status == 200, $"{page.Status} (curl {page.CurlExit})\n{gw.Diagnostics}");
        Assert.True(page.HasBanner);
        var status = await gw.StatusAsync(a, v6: true);
        Assert.NotNull(status);
        Assert.Equal(a.V6.ToString(), status.Value.GetProperty("address").GetString());
        Assert.True(status.Value.GetProperty("open").GetBoolean());
        Assert.Equal([a.V6], (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443)); // the IPv4 address has no window

        // Sign-in and sign-out over IPv6 close the IPv6 window.
        var jar = await gw.LoginAsync(a, "alice", "alice-pw", v6: true);
        var right = await gw.CurlAsync(a, Url("/squirrelmail/src/right_main.php", v6: true), jar);
        Assert.Equal(200, right.Status);
        Assert.True(right.HasBanner);
        var signOut = await gw.CurlAsync(a, Url("/squirrelmail/src/signout.php", v6: true), jar);
        Assert.Equal(200, signOut.Status);

        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).Count == 0, TimeSpan.FromSeconds(2)));
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443, v6: true));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V6.ToString()), ("Reason", "LastSignOut")));
    }

    internal static DateTimeOffset ExpiresAt(JsonElement status) => status.GetProperty("expiresAt").GetDateTimeOffset();

    internal static IPAddress Address(JsonElement status) => IPAddress.Parse(status.GetProperty("address").GetString()!);

    [GeneratedRegex(@"Ports: ([^\t\n]*)")]
    private static partial Regex PortsLine();

    [GeneratedRegex(@"Ignored State: (\w+) \((\d+)\)")]
    private static partial Regex IgnoredLine();
}
