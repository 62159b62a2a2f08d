using System.Net;
using System.Security.Cryptography;
using WebKnock.NetworkTests.Gateway;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Knocking.Spa;

/// <summary>Like <see cref="NetworkFactAttribute"/>, and also needs Debian's fwknop client.</summary>
public sealed class FwknopNetworkFactAttribute : FactAttribute
{
    public FwknopNetworkFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason ?? (Shell.Which("fwknop") is null ? "fwknop is not installed (package fwknop-client)." : null);
    }
}

/// <summary>
/// Single-packet authorization through the real kernel and the real gateway, with a client nobody here wrote:
/// Debian's fwknop 2.6.10 sends from client namespace A with alice's keys; its packet, captured, opens nothing again.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SpaGatewayTests(ITestOutputHelper output)
{
    internal static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    internal static readonly string HmacKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    public static string[] Settings =>
    [
        "WebKnock:Spa:Enabled=true",
        "WebKnock:Knock:Users:0:Name=alice",
        $"WebKnock:Knock:Users:0:SpaKey={Key}",
        $"WebKnock:Knock:Users:0:SpaHmacKey={HmacKey}",
    ];

    [FwknopNetworkFact]
    public async Task The_fwknop_client_opens_443_for_A_as_alice_and_its_captured_packet_opens_nothing_again()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, Settings);
        var (a, b) = (gw.A, gw.B);
        Assert.Equal(0, (await gw.CurlAsync(a, Url(LoginPage), maxSeconds: 2)).Status);

        var packet = Path.Combine(gw.Directory, "a.spa");
        await Fwknop(gw, a, Key, HmacKey, "-A", "tcp/443", "-a", a.V4.ToString(), "-D", Host(v6: false), "-B", packet);

        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).ContainsKey(a.V4), TimeSpan.FromSeconds(5)));
        var page = await gw.CurlAsync(a, Url(LoginPage));
        Assert.True(page.Status == 200, $"{page.Status}\n{gw.Diagnostics}");
        Assert.NotEmpty(gw.LogEvents("SPA packet of {User} opened", ("User", "alice"), ("Address", a.V4.ToString()), ("Service", "webmail")));
        Assert.Equal(0, (await gw.CurlAsync(b, Url(LoginPage), maxSeconds: 2)).Status);

        // The same bytes again, from A and from B: refused as replays, nothing opens for B.
        await SendAsync(a, packet, v6: false);
        await SendAsync(b, packet, v6: false);
        Assert.NotNull(await Eventually.WaitAsync(() => Refusals(gw, "replay").Count >= 2, TimeSpan.FromSeconds(5)));
        Assert.Equal([a.V4.ToString(), b.V4.ToString()], Refusals(gw, "replay").Select(e => e["Source"]).Order());
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);

        // A packet made with another key pair opens nothing.
        var stranger = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var strangerHmac = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        await Fwknop(gw, b, stranger, strangerHmac, "-A", "tcp/443", "-a", b.V4.ToString(), "-D", Host(v6: false));
        Assert.NotNull(await Eventually.WaitAsync(() => Refusals(gw, "bad_hmac").Count >= 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, (await gw.CurlAsync(b, Url(LoginPage), maxSeconds: 2)).Status);
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);

        // No key reaches the log.
        var log = string.Join('\n', gw.LogEvents().SelectMany(e => e.Values));
        Assert.DoesNotContain(Key, log, StringComparison.Ordinal);
        Assert.DoesNotContain(HmacKey, log, StringComparison.Ordinal);
    }

    [FwknopNetworkFact]
    public async Task Over_IPv6_a_client_packet_asking_for_its_source_opens_443_for_B()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2, Settings);
        var b = gw.B;

        // fwknop 2.6 neither sends over IPv6 (getaddrinfo is asked for IPv4 only) nor writes an IPv6 address into a
        // packet (its issue 1): the client builds the packet ("-s", 0.0.0.0: the packet's source), a UDP sender
        // carries it from B's IPv6 address, and the gateway opens for that address.
        var packet = Path.Combine(gw.Directory, "b6.spa");
        await Fwknop(gw, b, Key, HmacKey, "-A", "tcp/443", "-s", "-D", Host(v6: false), "--test", "-B", packet);
        await SendAsync(b, packet, v6: true);

        Assert.NotNull(await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).ContainsKey(b.V6), TimeSpan.FromSeconds(5)));
        var page = await gw.CurlAsync(b, Url(LoginPage, v6: true));
        Assert.True(page.Status == 200, $"{page.Status}\n{gw.Diagnostics}");
        Assert.NotEmpty(gw.LogEvents("SPA packet of {User} opened", ("User", "alice"), ("Address", b.V6.ToString())));
        Assert.DoesNotContain(b.V4, (await gw.AllowedAsync()).Keys);

        await SendAsync(gw.A, packet, v6: true);
        Assert.NotNull(await Eventually.WaitAsync(() => Refusals(gw, "replay").Count >= 1, TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain(gw.A.V6, (await gw.AllowedAsync()).Keys);
    }

    /// <summary>Runs Debian's fwknop client in the client's namespace, with a home of its own (it writes ~/.fwknoprc).</summary>
    internal static async Task Fwknop(GatewayScenario gw, TestNetwork.Client client, string key, string hmacKey, params string[] arguments)
    {
        var home = Directory.CreateDirectory(Path.Combine(gw.Directory, "home-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var result = await client.Namespace.TryExecAsync(
            ["env", $"HOME={home}", "fwknop", "--no-save-args", "--use-hmac", "--key-base64-rijndael", key, "--key-base64-hmac", hmacKey, "-U", "alice", .. arguments]);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    /// <summary>Sends a saved packet's text as one UDP datagram to the server's SPA port (bash's /dev/udp).</summary>
    internal static async Task SendAsync(TestNetwork.Client client, string packetFile, bool v6)
    {
        var host = v6 ? TestNetwork.ServerV6.ToString() : TestNetwork.ServerV4.ToString();
        var text = (await File.ReadAllTextAsync(packetFile)).Trim();
        await client.Namespace.ExecAsync("bash", "-c", $"printf '%s' '{text}' > /dev/udp/{host}/62201");
    }

    private static List<IReadOnlyDictionary<string, string>> Refusals(GatewayScenario gw, string reason)
        => [.. gw.LogEvents("SPA packet from {Source} refused", ("Reason", reason))];
}
