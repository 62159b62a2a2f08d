using System.Globalization;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// No TLS for strangers: the real gateway closes a connection from an address without a window before the handshake,
/// also when the kernel lets the connection through (here a rule accepting port 443 put at the top of WebKnock's input
/// chain, as the seconds after a flushed ruleset would). openssl s_client from the client's namespace is the stranger.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayStrangerTlsTests(ITestOutputHelper output)
{
    private const string Ops = "http://127.0.0.1:9181";
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task A_stranger_that_the_kernel_lets_through_gets_no_certificate_and_after_its_knock_it_does()
    {
        // The table is never reloaded behind the test's back: the inserted rule stays.
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1,
            $"Kestrel:Endpoints:Ops:Url={Ops}", "WebKnock:Firewall:Nftables:WatchdogInterval=00:10:00");
        await gw.Server.ExecAsync("nft", "insert", "rule", "inet", gw.Table, "input", "tcp", "dport", "443", "accept");

        foreach (var alpn in new[] { "http/1.1", "h2" })
        {
            var stranger = await HandshakeAsync(gw, alpn);
            Assert.Contains("CONNECTED(", stranger); // the kernel let the SYN through: the refusal is the gateway's
            Assert.Contains("no peer certificate available", stranger);
            Assert.DoesNotContain("BEGIN CERTIFICATE", stranger);
            Assert.Contains("SSL handshake has read 0 bytes", stranger); // not even a ServerHello
        }

        var refused = Value(await MetricsAsync(gw), "webknock_strangers_refused_total");
        Assert.True(refused >= 2, $"webknock_strangers_refused_total {refused}");
        Assert.NotEmpty(gw.LogEvents("Closed a connection from {Address} before TLS", ("Address", gw.A.V4.ToString())));

        Assert.Equal(0, (await gw.KnockClientAsync(gw.A, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        foreach (var (alpn, expected) in new[] { ("http/1.1", "ALPN protocol: http/1.1"), ("h2", "ALPN protocol: h2") })
        {
            var knocked = await HandshakeAsync(gw, alpn);
            Assert.Contains("BEGIN CERTIFICATE", knocked);
            Assert.Contains(expected, knocked);
        }
    }

    /// <summary>openssl s_client from A to the gateway's 443, offering <paramref name="alpn"/>; its whole output.</summary>
    private async Task<string> HandshakeAsync(GatewayScenario gw, string alpn)
    {
        var result = await gw.A.Namespace.TryExecAsync("timeout", "20", "bash", "-c",
            $"openssl s_client -connect {Server4}:443 -servername webmail.test -alpn {alpn} </dev/null 2>&1");
        output.WriteLine($"s_client -alpn {alpn} -> {result.ExitCode}\n{result.Output.TrimEnd()}");
        return result.Output;
    }

    private static async Task<string> MetricsAsync(GatewayScenario gw)
        => (await gw.Server.ExecAsync("curl", "-sf", "--max-time", "10", $"{Ops}/metrics")).Output;

    private static double Value(string metrics, string name)
        => double.Parse(metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
}
