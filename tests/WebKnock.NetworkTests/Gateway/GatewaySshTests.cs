using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// SSH guarded by its own knock in the real kernel: Debian's sshd on port 22 of the server namespace behind the
/// whole gateway (nftables backend, <c>WebKnock:Ssh</c> with knock 7100, 7300, 7200 and a 30 s window), the OpenSSH
/// client in the client namespaces, and the gateway's sshd log reader following sshd's own log.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewaySshTests(ITestOutputHelper output)
{
    private const string SshKnock = "7100,7300,7200";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    // Ports where nothing listens, fewer than the scan detector's threshold (20) even with nmap's one retry each.
    private static readonly int[] ClosedPorts = [21, 23, 25, 110, 2222, 3389];

    private static string[] Settings(string sshLog, bool keepEstablished, params string[] more) =>
    [
        "WebKnock:Ssh:Knock:Ports:0=7100",
        "WebKnock:Ssh:Knock:Ports:1=7300",
        "WebKnock:Ssh:Knock:Ports:2=7200",
        $"WebKnock:Ssh:Window={Window:c}",
        "WebKnock:Network:AlwaysAllowed:0=198.51.100.0/24", // an administrators' network, none of the test's clients
        $"WebKnock:Firewall:Nftables:SshKeepEstablished={(keepEstablished ? "true" : "false")}",
        $"WebKnock:Events:SshLog={sshLog}",
        .. more,
    ];

    [SshFact]
    public async Task Before_the_knock_22_looks_like_a_closed_port_after_it_ssh_logs_in_within_the_window_and_a_held_session_outlives_it()
    {
        await using var ssh = await SshServer.CreateAsync(output);
        // DefaultDrop: today a protected port without a window drops a SYN while a port where nothing listens answers
        // with a reset, so the two differ unless the host drops every other new connection (the paper's host). The
        // assertion below compares states, not a fixed one, so it holds too where both answer with a reset.
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, Settings(ssh.LogPath, keepEstablished: true, "WebKnock:Firewall:Nftables:DefaultDrop=true"));
        await ssh.StartAsync(gw.Server);
        var (a, b) = (gw.A, gw.B);

        // Before the knock a scanner cannot tell port 22, where sshd listens, from ports where nothing does.
        var states = await ScanAsync(gw, a);
        Assert.NotEqual("open", states[22]);
        Assert.All(ClosedPorts, p => Assert.True(states[p] == states[22], $"port {p} is {states[p]}, port 22 is {states[22]}"));
        Assert.Equal(255, (await ssh.RunAsync(a, Server4, "true", connectTimeoutSeconds: 3)).ExitCode);
        Assert.Empty(await gw.BlockedAsync()); // the scan stayed under the scan detector's threshold

        var knock = await gw.KnockClientAsync(a, Server4, "--service", "ssh", "--ports", SshKnock);
        var opened = Stopwatch.StartNew();
        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);
        Assert.NotNull(await Eventually.WaitAsync(async () => await IsAllowedAsync(gw, a), TimeSpan.FromSeconds(5)));
        Assert.Empty(await gw.AllowedAsync()); // the SSH knock opened SSH only, not the webmail

        var login = await ssh.RunAsync(a, Server4, "echo logged in as $(id -un)");
        Assert.True(login.ExitCode == 0, $"ssh: {login.ExitCode} {login.Error}\n{ssh.Log()}\n{gw.Diagnostics}");
        Assert.Equal("logged in as root", login.Output.Trim());
        var session = await ssh.HoldSessionAsync(a, Server4);
        Assert.True(await SshServer.EchoesAsync(session, "inside the window", TimeSpan.FromSeconds(5)), session.Output);
        var unknown = await ssh.RunAsync(a, Server4, "true", user: "wk-nobody");
        Assert.Equal(255, unknown.ExitCode);
        Assert.Contains("Permission denied", unknown.Error); // refused by sshd, so the connection was made
        Assert.Equal(255, (await ssh.RunAsync(b, Server4, "true", connectTimeoutSeconds: 3)).ExitCode); // B did not knock
        var inside = opened.Elapsed;
        output.WriteLine($"login, held session, refused user and B's attempt done {inside.TotalSeconds:F1} s after the knock");
        Assert.True(inside < Window, $"the steps inside the window took {inside}");

        var ended = await WaitForWindowEndAsync(gw, a);
        output.WriteLine($"the SSH window of {a.V4} left the kernel {opened.Elapsed.TotalSeconds:F1} s after the knock");
        Assert.InRange(opened.Elapsed, Window - TimeSpan.FromSeconds(1), Window + TimeSpan.FromSeconds(8));

        var late = await ssh.RunAsync(a, Server4, "true", connectTimeoutSeconds: 3);
        Assert.Equal(255, late.ExitCode);
        Assert.Matches("port 22: Connection (timed out|refused)", late.Error); // no connection, so no login to refuse

        // The session in progress stays: keep-alives (every 2 s, 3 unanswered end it) and lines still go both ways.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.False(session.HasExited, $"the held session ended after the window\n{session.Output}");
        Assert.True(await SshServer.EchoesAsync(session, "after the window", TimeSpan.FromSeconds(5)), session.Output);
        output.WriteLine($"the held session still echoed {ended.Elapsed.TotalSeconds:F1} s after the window's end");

        // sshd's log, read by the gateway: two logins of root and the refused user, from A.
        var log = ssh.Log();
        Assert.Equal(2, Regex.Count(log, $@"^Accepted publickey for root from {Regex.Escape(a.V4.ToString())} port \d+", RegexOptions.Multiline));
        Assert.Single(Regex.Matches(log, $@"^Invalid user wk-nobody from {Regex.Escape(a.V4.ToString())} port \d+", RegexOptions.Multiline));
        var counted = await Eventually.WaitAsync(
            () => LoginsOf(gw, a.V4.ToString()) == (2, 1), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500));
        Assert.True(counted is not null, $"the charts' query counts {LoginsOf(gw, a.V4.ToString())} (succeeded, failed) SSH logins for {a.V4}\n{log}\n{gw.Diagnostics}");
        var byUser = Analytics(gw, analytics => analytics.LoginsPerMonth(ThisMonthAndLast(), LoginGrouping.User, "ssh"));
        Assert.Equal([("root", 2L, 0L), ("wk-nobody", 0L, 1L)], byUser.Select(r => (r.Key, r.Succeeded, r.Failed)));
    }

    [SshFact]
    public async Task With_SshKeepEstablished_off_the_window_s_end_cuts_a_held_session()
    {
        await using var ssh = await SshServer.CreateAsync(output);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1, Settings(ssh.LogPath, keepEstablished: false));
        await ssh.StartAsync(gw.Server);
        var a = gw.A;

        // A also uses the webmail, on a kept connection: the end of the SSH window must leave it alone.
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", GatewayScenario.KnockPorts, "--check")).ExitCode);
        var (webmail, _) = await gw.HoldAsync(a);

        var knock = await gw.KnockClientAsync(a, Server4, "--service", "ssh", "--ports", SshKnock);
        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);
        Assert.NotNull(await Eventually.WaitAsync(async () => await IsAllowedAsync(gw, a), TimeSpan.FromSeconds(5)));
        var session = await ssh.HoldSessionAsync(a, Server4);
        Assert.True(await SshServer.EchoesAsync(session, "inside the window", TimeSpan.FromSeconds(5)), session.Output);

        var ended = await WaitForWindowEndAsync(gw, a);

        Assert.False(await SshServer.EchoesAsync(session, "after the window", TimeSpan.FromSeconds(5)), "a line went through the closed window");
        Assert.True(await session.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"the held session still runs\n{session.Output}");
        output.WriteLine($"the held session ended {ended.Elapsed.TotalSeconds:F1} s after the window's end, exit {session.ExitCode}");
        Assert.Equal(255, session.ExitCode);
        // Dropped (the keep-alives went unanswered), or reset where the ruleset answers a closed port with a reset.
        Assert.Matches("not responding|reset by peer", session.Output);
        Assert.Equal(255, (await ssh.RunAsync(a, Server4, "true", connectTimeoutSeconds: 3)).ExitCode);

        var webmailCut = await webmail.WaitForLineAsync("cut ", TimeSpan.FromSeconds(1));
        Assert.True(webmailCut is null, $"the SSH window's end cut the webmail connection: {webmailCut}\n{gw.Diagnostics}");
        Assert.Contains(a.V4, (await gw.AllowedAsync()).Keys);
    }

    private static async Task<bool> IsAllowedAsync(GatewayScenario gw, TestNetwork.Client client)
        => (await gw.ListSetAsync("ssh_allow4")).Any(e => e.Address.Equals(client.V4));

    /// <summary>Waits until the client's SSH window has left the kernel; a watch started then.</summary>
    private static async Task<Stopwatch> WaitForWindowEndAsync(GatewayScenario gw, TestNetwork.Client client)
    {
        var gone = await Eventually.WaitAsync(async () => !await IsAllowedAsync(gw, client), Window + TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        Assert.True(gone is not null, $"the SSH window of {client.V4} was still open after {Window} and 10 s more\n{gw.Diagnostics}");
        return Stopwatch.StartNew();
    }

    /// <summary>nmap -sS of port 22 and <see cref="ClosedPorts"/> from the client: each port's state.</summary>
    private static async Task<Dictionary<int, string>> ScanAsync(GatewayScenario gw, TestNetwork.Client client)
    {
        var ports = string.Join(',', ClosedPorts.Prepend(22));
        var scan = await gw.NmapAsync(client, "-sS", "-Pn", "-n", "-p", ports, "--max-retries", "1", "--max-rtt-timeout", "300ms", "-oG", "-", Server4);
        var states = PortEntry().Matches(scan).ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        Assert.True(states.Count == ClosedPorts.Length + 1, $"nmap listed {states.Count} ports:\n{scan}");
        return states;
    }

    private static (long Succeeded, long Failed) LoginsOf(GatewayScenario gw, string address)
    {
        var rows = Analytics(gw, analytics => analytics.LoginsPerMonth(ThisMonthAndLast(), LoginGrouping.Address, "ssh"));
        return (rows.Where(r => r.Key == address).Sum(r => r.Succeeded), rows.Where(r => r.Key == address).Sum(r => r.Failed));
    }

    /// <summary>Runs one of the admin charts' queries on the gateway's event store.</summary>
    private static T Analytics<T>(GatewayScenario gw, Func<EventAnalytics, T> query)
    {
        using var store = new EventStore(Path.Combine(gw.Directory, "events.db"), NullLogger<EventStore>.Instance);
        try
        {
            return query(new EventAnalytics(store));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    // The test may run across a month's end.
    private static DayRange ThisMonthAndLast()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new DayRange(new DateOnly(today.Year, today.Month, 1).AddMonths(-1), today.AddDays(1));
    }

    [GeneratedRegex(@"(\d+)/(\w+)/tcp/")]
    private static partial Regex PortEntry();
}
