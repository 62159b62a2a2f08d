using System.Globalization;
using System.Text.Json;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>A window ends at the last sign-out or at its deadline: new connections are refused like at any closed port, kept ones are cut.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayWindowCloseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CutWithin = TimeSpan.FromSeconds(2);
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task The_last_sign_out_and_the_deadline_close_the_port_and_cut_a_kept_connection()
    {
        var window = TimeSpan.FromSeconds(20);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, $"WebKnock:Webmail:Window={window}");
        var (a, b) = (gw.A, gw.B);

        // B only knocks (its window will run out); A signs in and out.
        Assert.Equal(0, (await gw.KnockClientAsync(b, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var (holdB, readyB) = await gw.HoldAsync(b);
        var deadlineB = GatewayKnockTests.ExpiresAt(JsonDocument.Parse(readyB[(readyB.IndexOf('{'))..]).RootElement);

        var jar = await gw.LoginAsync(a, "alice", "alice-pw");
        var right = await gw.CurlAsync(a, Url("/squirrelmail/src/right_main.php"), jar);
        Assert.Equal(200, right.Status);
        Assert.True(right.HasBanner, right.Body);
        Assert.Equal(1, (await gw.StatusAsync(a))!.Value.GetProperty("sessions").GetInt32());
        var (holdA, _) = await gw.HoldAsync(a);

        var signOut = await gw.CurlAsync(a, Url("/squirrelmail/src/signout.php"), jar);
        var signedOut = DateTimeOffset.UtcNow;

        Assert.Equal(200, signOut.Status);
        Assert.Contains("signed out", signOut.Body, StringComparison.OrdinalIgnoreCase);
        var cutA = await WaitForCutAsync(holdA, TimeSpan.FromSeconds(10));
        output.WriteLine($"A's kept connection cut {(cutA.Time - signedOut).TotalMilliseconds:F0} ms after the sign-out answer ({cutA.Reason})");
        Assert.True(cutA.Time - signedOut <= CutWithin, $"cut {(cutA.Time - signedOut).TotalMilliseconds} ms after the sign-out\n{gw.Diagnostics}");
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V4.ToString()), ("Reason", "LastSignOut")));
        Assert.Contains(b.V4, (await gw.AllowedAsync()).Keys); // one address's sign-out is not another's

        // B's window runs out.
        var cutB = await WaitForCutAsync(holdB, deadlineB - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10));
        output.WriteLine($"B's kept connection cut {(cutB.Time - deadlineB).TotalMilliseconds:F0} ms after its deadline ({cutB.Reason})");
        Assert.True(cutB.Time >= deadlineB - TimeSpan.FromMilliseconds(500), $"cut {(deadlineB - cutB.Time).TotalMilliseconds} ms before the deadline");
        Assert.True(cutB.Time - deadlineB <= CutWithin, $"cut {(cutB.Time - deadlineB).TotalMilliseconds} ms after the deadline\n{gw.Diagnostics}");
        Assert.NotNull(await Eventually.WaitAsync(async () => !(await gw.AllowedAsync()).ContainsKey(b.V4), TimeSpan.FromSeconds(2)));
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(b, 443));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", b.V4.ToString()), ("Reason", "Deadline")));
    }

    [NetworkFact]
    public async Task The_last_session_idling_out_closes_the_port_and_cuts_a_kept_connection()
    {
        // The shortest idle time the gateway accepts, swept every second.
        var idle = TimeSpan.FromMinutes(1);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1,
            $"WebKnock:Sessions:IdleTimeout={idle:c}", "WebKnock:Sessions:SweepInterval=00:00:01");
        var a = gw.A;
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var jar = await gw.LoginAsync(a, "alice", "alice-pw");
        Assert.Equal(200, (await gw.CurlAsync(a, Url("/squirrelmail/src/right_main.php"), jar)).Status);
        var lastRequest = DateTimeOffset.UtcNow;
        Assert.Equal(1, (await gw.StatusAsync(a))!.Value.GetProperty("sessions").GetInt32());

        // A kept connection without the session's cookie (it asks for the status) does not keep the session alive.
        var (hold, _) = await gw.HoldAsync(a, maxMs: 120_000);

        var cut = await WaitForCutAsync(hold, idle + TimeSpan.FromSeconds(30));
        output.WriteLine($"A's kept connection cut {(cut.Time - lastRequest).TotalSeconds:F1} s after the session's last request ({cut.Reason})");
        Assert.InRange(cut.Time - lastRequest, idle - TimeSpan.FromSeconds(1), idle + TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443)); // a closed port again (ClosedPorts=Reset)
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V4.ToString()), ("Reason", "LastSessionIdle")));
    }

    private static async Task<(DateTimeOffset Time, string Reason)> WaitForCutAsync(NamespaceProcess hold, TimeSpan timeout)
    {
        var line = await hold.WaitForLineAsync("cut ", timeout);
        Assert.True(line is not null, $"the kept connection was not cut within {timeout}\n{hold.Output}");
        var parts = line.Split(' ');
        return (DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[1], CultureInfo.InvariantCulture)), parts.Length > 2 ? parts[2] : "");
    }
}
