using System.Diagnostics;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>Too many wrong webmail passwords from one address: the gateway closes its window and the kernel blocks it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayFailedLoginTests(ITestOutputHelper output)
{
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task The_third_wrong_password_closes_the_window_cuts_the_connection_and_blocks_the_address_in_the_kernel_for_the_block_time()
    {
        var blockTime = TimeSpan.FromSeconds(15);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2,
            "WebKnock:Sessions:FailedLogins:MaxFailures=3", $"WebKnock:Sessions:FailedLogins:BlockTime={blockTime:c}");
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        Assert.Equal(0, (await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var (holdA, _) = await gw.HoldAsync(a);

        var jar = Path.Combine(gw.Directory, "guessing.txt");
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage), jar)).Status);
        for (var i = 1; i <= 3; i++)
        {
            var answer = await gw.CurlAsync(a, Url("/squirrelmail/src/redirect.php"), jar,
                ["login_username=alice", $"secretkey=guess-{i}", "js_autodetect_results=1", "just_logged_in=1"]);
            Assert.True(answer.Status == 200, $"wrong password {i}: {answer.Status} (curl {answer.CurlExit})\n{gw.Diagnostics}"); // the webmail's own error page, the third too
        }

        var blockedAt = Stopwatch.StartNew();
        var blocked = await gw.BlockedAsync();
        Assert.True(blocked.ContainsKey(a.V4), $"{a.V4} is not in the kernel's blocked set\n{gw.Diagnostics}");
        Assert.InRange(blocked[a.V4]!.Value, blockTime - TimeSpan.FromSeconds(3), blockTime);
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        var cut = await holdA.WaitForLineAsync("cut ", TimeSpan.FromSeconds(5));
        Assert.True(cut is not null, $"A's kept connection was not cut\n{holdA.Output}");
        Assert.Equal(ConnectOutcome.Filtered, await gw.ConnectAsync(a, 443));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V4.ToString()), ("Reason", "Blocked")));
        var knock = await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, knock.ExitCode); // a knock opens nothing while the block lasts

        // B, another address, is left alone.
        Assert.DoesNotContain(b.V4, (await gw.BlockedAsync()).Keys);
        Assert.Contains(b.V4, (await gw.AllowedAsync()).Keys);
        await gw.LoginAsync(b, "alice", "alice-pw");

        // The kernel lifts the block at its timeout; then A's knock opens the webmail again.
        var lifted = await Eventually.WaitAsync(async () => !(await gw.BlockedAsync()).ContainsKey(a.V4), blockTime + TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        Assert.True(lifted is not null, $"the block of {a.V4} outlived {blockTime} by 10 s");
        output.WriteLine($"{a.V4} was blocked for {blockedAt.Elapsed.TotalSeconds:F1} s after the third wrong password (configured {blockTime.TotalSeconds} s)");
        Assert.InRange(blockedAt.Elapsed, blockTime - TimeSpan.FromSeconds(3), blockTime + TimeSpan.FromSeconds(3));
        var again = await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check");
        Assert.True(again.ExitCode == 0, again.Output + gw.Diagnostics);
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage))).Status);
    }
}
