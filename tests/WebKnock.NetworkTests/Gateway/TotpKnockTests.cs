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

    private static int[] Sequence(long counter)
    {
        Base32.TryDecode(Secret, out var secret);
        var pool = new TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]);
        return TotpSequence.Derive(secret, counter, pool, 3);
    }

    private static string Ports(int[] ports) => string.Join(',', ports);
}
