using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// The TOTP sequence knock through the real kernel beyond IPv4 webmail (<see cref="TotpKnockTests"/>): over IPv6, and
/// for SSH (<c>WebKnock:Ssh:Knock:Totp</c>, its own range), each opening for the knocker only, attributed to the user,
/// and a replay of the same step's SYNs from another client opening nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TotpKnockServicesTests(ITestOutputHelper output)
{
    private const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();
    private static readonly string Server6 = TestNetwork.ServerV6.ToString();

    // Every port the test gateway serves or knocks on; the ranges below hold none of them anyway.
    private static readonly int[] Excluded = [22, 443, 7000, 7100, 7200, 7300, 8000, 9000];
    private static readonly TotpPortPool WebmailPool = new(20000, 29999, Excluded);
    private static readonly TotpPortPool SshPool = new(30000, 30999, Excluded);

    private static readonly string[] Alice =
    [
        "WebKnock:Knock:Users:0:Name=alice",
        $"WebKnock:Knock:Users:0:TotpSecret={Secret}",
    ];

    [NetworkFact]
    public async Task A_TOTP_knock_over_IPv6_opens_for_A_s_v6_address_as_alice_and_a_replay_from_B_s_v6_address_opens_nothing()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, ["WebKnock:Webmail:Knock:Totp:Enabled=true", .. Alice]);
        var (a, b) = (gw.A, gw.B);

        var sequence = Sequence(WebmailPool, TotpCode.Counter(DateTimeOffset.UtcNow));
        var knock = await gw.KnockClientAsync(a, Server6, "--ports", Ports(sequence), "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + gw.Diagnostics);
        Assert.Equal([a.V6], (await gw.AllowedAsync()).Keys); // A's v6 address only, not its v4 one
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage, v6: true))).Status);
        var opened = Assert.Single(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", a.V6.ToString())));
        Assert.Equal(("webmail", "alice"), (opened["Service"], opened["User"]));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} opened for {Address}", ("Address", a.V6.ToString()), ("Reason", "TotpKnock")));

        // The same SYNs (the same step) from B's v6 address: a replay, nothing opens, and it is recorded.
        var replay = await gw.KnockClientAsync(b, Server6, "--ports", Ports(sequence), "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, replay.ExitCode);
        Assert.Equal([a.V6], (await gw.AllowedAsync()).Keys);
        IReadOnlyDictionary<string, string>? logged = null;
        await Eventually.WaitAsync(
            () => (logged = gw.LogEvents("TOTP knock replay for {Service}", ("Address", b.V6.ToString())).FirstOrDefault()) is not null,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.True(logged is not null, gw.Diagnostics);
        Assert.Equal(("alice", a.V6.ToString()), (logged["User"], logged["FirstAddress"]));

        // The event store: the knock attributed to alice at A's v6 address, the replay at B's.
        List<GatewayEvent> events = [];
        await Eventually.WaitAsync(() => (events = Stored(gw, GatewayEventType.KnockCompleted, GatewayEventType.KnockReplay)).Count >= 2,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
        var completed = Assert.Single(events, e => e.Type == GatewayEventType.KnockCompleted);
        Assert.Equal((a.V6, "alice", "webmail"), (completed.Address, completed.User, completed.Service));
        var replayed = Assert.Single(events, e => e.Type == GatewayEventType.KnockReplay);
        Assert.Equal((b.V6, "alice", "webmail"), (replayed.Address, replayed.User, replayed.Service));
    }

    [SshFact]
    public async Task A_TOTP_knock_for_SSH_opens_22_for_A_as_alice_and_ssh_logs_in_and_a_replay_from_B_opens_nothing()
    {
        await using var ssh = await SshServer.CreateAsync(output);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2,
        [
            "WebKnock:Ssh:Knock:Ports:0=7100",
            "WebKnock:Ssh:Knock:Ports:1=7300",
            "WebKnock:Ssh:Knock:Ports:2=7200",
            "WebKnock:Webmail:Knock:Totp:Enabled=true",
            "WebKnock:Ssh:Knock:Totp:Enabled=true",
            $"WebKnock:Ssh:Knock:Totp:RangeStart={SshPool.Start}",
            $"WebKnock:Ssh:Knock:Totp:RangeEnd={SshPool.End}",
            "WebKnock:Network:AlwaysAllowed:0=198.51.100.0/24", // an administrators' network, none of the test's clients
            .. Alice,
        ]);
        await ssh.StartAsync(gw.Server);
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(255, (await ssh.RunAsync(a, Server4, "true", connectTimeoutSeconds: 3)).ExitCode); // no window yet

        var sequence = Sequence(SshPool, TotpCode.Counter(DateTimeOffset.UtcNow), "ssh");
        var knock = await gw.KnockClientAsync(a, Server4, "--service", "ssh", "--ports", Ports(sequence));
        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);
        var open = await Eventually.WaitAsync(async () => (await SshAllowedAsync(gw)).Contains(a.V4), TimeSpan.FromSeconds(5));
        Assert.True(open is not null, $"the SSH window of {a.V4} is not in the kernel\n{gw.Diagnostics}");
        Assert.Empty(await gw.AllowedAsync()); // SSH's TOTP knock opened SSH only, not the webmail

        var login = await ssh.RunAsync(a, Server4, "echo logged in as $(id -un)");
        Assert.True(login.ExitCode == 0, $"ssh: {login.ExitCode} {login.Error}\n{ssh.Log()}\n{gw.Diagnostics}");
        Assert.Equal("logged in as root", login.Output.Trim());
        var opened = Assert.Single(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", a.V4.ToString())));
        Assert.Equal(("ssh", "alice"), (opened["Service"], opened["User"]));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} opened for {Address}", ("Service", "ssh"), ("Address", a.V4.ToString()), ("Reason", "TotpKnock")));

        // The same SYNs from B: a replay of alice's SSH step; B gets no window and no connection to sshd.
        var replay = await gw.KnockClientAsync(b, Server4, "--service", "ssh", "--ports", Ports(sequence));
        Assert.Equal(0, replay.ExitCode); // the SYNs went out; nothing was checked
        IReadOnlyDictionary<string, string>? logged = null;
        await Eventually.WaitAsync(
            () => (logged = gw.LogEvents("TOTP knock replay for {Service}", ("Address", b.V4.ToString())).FirstOrDefault()) is not null,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.True(logged is not null, gw.Diagnostics);
        Assert.Equal(("ssh", "alice", a.V4.ToString()), (logged["Service"], logged["User"], logged["FirstAddress"]));
        Assert.Equal([a.V4], await SshAllowedAsync(gw));
        Assert.Equal(255, (await ssh.RunAsync(b, Server4, "true", connectTimeoutSeconds: 3)).ExitCode);

        // alice knocks the webmail from A with the next step's sequence, which B sees on the wire. The same step's SSH
        // sequence must not follow from it: were it derived from the same HMAC, the SSH ports would be the webmail
        // ports' places in the pool modulo the SSH pool's size (1,000 of 10,000), and B would open SSH as alice.
        var next = TotpCode.Counter(DateTimeOffset.UtcNow) + 1;
        var webmail = await gw.KnockClientAsync(a, Server4, "--ports", Ports(Sequence(WebmailPool, next)), "--check");
        Assert.True(webmail.ExitCode == 0, webmail.Output + gw.Diagnostics);
        var places = WebmailPool.ToList();
        var guessed = Sequence(WebmailPool, next).Select(p => SshPool[places.IndexOf(p) % SshPool.Count]).ToArray();
        if (TotpSequence.IsMonotonic(guessed))
        {
            (guessed[0], guessed[1]) = (guessed[1], guessed[0]); // as the derivation does (the algorithm is public)
        }

        var guess = await gw.KnockClientAsync(b, Server4, "--service", "ssh", "--ports", Ports(guessed));
        Assert.Equal(0, guess.ExitCode);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the NFLOG report and an open take milliseconds
        Assert.Equal([a.V4], await SshAllowedAsync(gw));
        Assert.Empty(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", b.V4.ToString())));
    }

    /// <summary>alice's sequence of the step for the service (the service's own HMAC message, see TotpSequence).</summary>
    private static int[] Sequence(TotpPortPool pool, long counter, string service = "webmail")
    {
        Base32.TryDecode(Secret, out var secret);
        return TotpSequence.Derive(secret, counter, pool, 3, service);
    }

    private static string Ports(int[] ports) => string.Join(',', ports);

    private static async Task<List<System.Net.IPAddress>> SshAllowedAsync(GatewayScenario gw)
        => [.. (await gw.ListSetAsync("ssh_allow4")).Concat(await gw.ListSetAsync("ssh_allow6")).Select(e => e.Address)];

    /// <summary>The events of the types in the gateway's event store, oldest first.</summary>
    private static List<GatewayEvent> Stored(GatewayScenario gw, params GatewayEventType[] types)
    {
        using var store = new EventStore(Path.Combine(gw.Directory, "events.db"), NullLogger<EventStore>.Instance);
        try
        {
            return [.. EventList.Query(store, new EventQuery { Types = types, PageSize = EventQuery.MaxPageSize }).Items.Select(i => i.Event).Reverse()];
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
