using System.Text;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// The TOTP sequence knock through the real kernel: SYNs to the range pass the input chain's TOTP jump, are logged to
/// NFLOG and dropped; the gateway matches the user's sequence and opens for the knocker, attributed to the user.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TotpKnockTests(ITestOutputHelper output)
{
    private const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    private static readonly string[] Settings =
    [
        "WebKnock:Webmail:Knock:Totp:Enabled=true",
        "WebKnock:Knock:Users:0:Name=alice",
        $"WebKnock:Knock:Users:0:TotpSecret={Secret}",
    ];

    [NetworkFact]
    public async Task A_TOTP_knock_opens_for_A_as_alice_a_replay_from_B_opens_nothing_and_an_old_step_opens_nothing()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3, Settings);
        var (a, b, c) = (gw.A, gw.B, gw.Network.Clients[2]);

        var now = TotpCode.Counter(DateTimeOffset.UtcNow);
        var sequence = Sequence(now);
        var knock = await gw.KnockClientAsync(a, Server4, "--ports", Ports(sequence), "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + gw.Diagnostics);
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage))).Status);
        var opened = Assert.Single(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", a.V4.ToString())));
        Assert.Equal("alice", opened["User"]);
        Assert.NotEmpty(gw.LogEvents("Window of {Service} opened for {Address}", ("Address", a.V4.ToString()), ("Reason", "TotpKnock")));

        // The same sequence (the same step) from B: a replay, nothing opens.
        var replay = await gw.KnockClientAsync(b, Server4, "--ports", Ports(sequence), "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, replay.ExitCode);
        Assert.DoesNotContain(b.V4, (await gw.AllowedAsync()).Keys);
        IReadOnlyDictionary<string, string>? recorded = null;
        await Eventually.WaitAsync(
            () => (recorded = gw.LogEvents("TOTP knock replay for {Service}", ("Address", b.V4.ToString())).FirstOrDefault()) is not null,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.NotNull(recorded);
        Assert.Equal("alice", recorded["User"]);
        Assert.Equal(a.V4.ToString(), recorded["FirstAddress"]);

        // A step that has left the skew window (t-2): nothing opens, and nothing is taken for a replay either.
        var old = await gw.KnockClientAsync(c, Server4, "--ports", Ports(Sequence(TotpCode.Counter(DateTimeOffset.UtcNow) - 2)), "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, old.ExitCode);
        Assert.DoesNotContain(c.V4, (await gw.AllowedAsync()).Keys);
        Assert.Empty(gw.LogEvents("TOTP knock", ("Address", c.V4.ToString())));
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);
    }

    /// <summary>
    /// A user added with 'webknock users add' (the gateway's database, from the command line beside the running
    /// gateway) knocks with TOTP from A and keeps a connection; 'webknock users disable' closes the window within the
    /// watcher's 2 s, in the kernel too, and the kept connection is cut. The admin UI's Disable calls the same
    /// KnockUsers.SetEnabledAsync (KnockUsersPageTests).
    /// </summary>
    [NetworkFact]
    public async Task Disabling_a_user_closes_the_users_window_and_cuts_its_connection()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, "WebKnock:Webmail:Knock:Totp:Enabled=true");
        var a = gw.A;
        var database = $"--WebKnock:Events:Path={Path.Combine(gw.Directory, "events.db")}";
        var added = await gw.Server.ExecAsync(BuildOutputs.Dotnet, BuildOutputs.Gateway, "users", "add", "bob", database, "--WebKnock:Webmail:Knock:Totp:Enabled=true");
        var link = added.Output.Split('\n').Single(l => l.Contains("#enrol=bob:", StringComparison.Ordinal));
        var secretText = link[(link.IndexOf("#enrol=bob:", StringComparison.Ordinal) + "#enrol=bob:".Length)..].Split('&')[0];
        Base32.TryDecode(secretText, out var secret);
        var pool = new TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]);

        // The gateway's watcher reads the new user within 2 s.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var knock = await gw.KnockClientAsync(a, Server4, "--ports", Ports(TotpSequence.Derive(secret, TotpCode.Counter(DateTimeOffset.UtcNow), pool, 3)), "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + gw.Diagnostics);
        var (hold, _) = await gw.HoldAsync(a);

        await gw.Server.ExecAsync(BuildOutputs.Dotnet, BuildOutputs.Gateway, "users", "disable", "bob", database);
        var disabled = DateTimeOffset.UtcNow;
        var cut = await hold.WaitForLineAsync("cut ", TimeSpan.FromSeconds(10));
        Assert.True(cut is not null, $"the kept connection was not cut\n{hold.Output}\n{gw.Diagnostics}");
        output.WriteLine($"cut {(DateTimeOffset.UtcNow - disabled).TotalMilliseconds:F0} ms after 'webknock users disable' returned: {cut}");
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443)); // a closed port again (ClosedPorts=Reset)
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V4.ToString()), ("Reason", "UserDisabled")));
    }

    private static int[] Sequence(long counter)
    {
        Base32.TryDecode(Secret, out var secret);
        var pool = new TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]);
        return TotpSequence.Derive(secret, counter, pool, 3);
    }

    private static string Ports(int[] ports) => string.Join(',', ports);
}
