using System.Globalization;
using System.Text.Json;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// /healthz and /metrics of the real gateway, read as a local monitor does: over an extra Kestrel endpoint on the
/// server's loopback (the default operations network), past the kernel rules (loopback is always accepted).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayOperationsTests(ITestOutputHelper output)
{
    private const string Ops = "http://127.0.0.1:9180";
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task Health_reports_the_table_and_the_reader_and_fails_while_the_table_is_missing()
    {
        // The watchdog is slowed down so that the missing table is seen for certain; with the default (2 s) it loads
        // the table again within that time (GatewayRestoreTests), and the check passes again from then on.
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1,
            $"Kestrel:Endpoints:Ops:Url={Ops}", "WebKnock:Firewall:Nftables:WatchdogInterval=00:10:00");

        var (status, health) = await HealthAsync(gw);
        Assert.True(status == 200, $"{status} {health}\n{gw.Diagnostics}");
        var checks = Checks(health);
        Assert.Equal(("ok", $"table inet {gw.Table} present"), checks["firewall"]);
        Assert.Equal("ok", checks["nflog"].Status);
        Assert.StartsWith($"reading NFLOG group {gw.NflogGroup}", checks["nflog"].Detail);
        Assert.Equal("ok", checks["upstream"].Status);
        Assert.Contains($"127.0.0.1:{FixturePort}", checks["upstream"].Detail);
        Assert.Equal("ok", checks["eventstore"].Status);

        // A knock reaches the gateway through NFLOG: the reader's counters and the knock counter move.
        Assert.Equal(0, (await gw.KnockClientAsync(gw.A, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var metrics = "";
        Assert.NotNull(await Eventually.WaitAsync(
            async () => Value(metrics = await MetricsAsync(gw), "webknock_knocks_total{service=\"webmail\",outcome=\"completed\"}") == 1,
            TimeSpan.FromSeconds(5)));
        Assert.True(Value(metrics, "webknock_nflog_messages_total") >= 3, metrics);
        Assert.Equal(1, Value(metrics, "webknock_knocks_total{service=\"webmail\",outcome=\"completed\"}"));
        Assert.Equal(1, Value(metrics, "webknock_windows_open{service=\"webmail\",kind=\"address\"}"));
        Assert.Equal(0, Value(metrics, "webknock_nflog_overruns_total"));
        Assert.Equal(0, Value(metrics, "webknock_nflog_malformed_total"));

        await gw.Server.ExecAsync("nft", "delete", "table", "inet", gw.Table);

        (status, health) = await HealthAsync(gw);
        Assert.Equal(503, status);
        checks = Checks(health);
        Assert.Equal(("failed", $"table inet {gw.Table} missing (the watchdog loads it again)"), checks["firewall"]);
        Assert.Equal("ok", checks["nflog"].Status); // the reader's socket does not depend on the table
        Assert.Equal("ok", checks["upstream"].Status);
        Assert.Equal("ok", checks["eventstore"].Status);
    }

    [NetworkFact]
    public async Task The_endpoints_are_not_served_to_a_client_with_a_window()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1, $"Kestrel:Endpoints:Ops:Url={Ops}");
        Assert.Equal(0, (await gw.KnockClientAsync(gw.A, Server4, "--ports", KnockPorts, "--check")).ExitCode);

        Assert.Equal(404, (await gw.CurlAsync(gw.A, Url("/healthz"))).Status);
        Assert.Equal(404, (await gw.CurlAsync(gw.A, Url("/metrics"))).Status);
        Assert.Equal(200, (await HealthAsync(gw)).Status);
    }

    private static async Task<(int Status, string Body)> HealthAsync(GatewayScenario gw)
    {
        var result = await gw.Server.TryExecAsync("curl", "-s", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", $"{Ops}/healthz");
        var cut = result.Output.LastIndexOf('\n');
        return (int.Parse(result.Output[(cut + 1)..].Trim(), CultureInfo.InvariantCulture), result.Output[..cut]);
    }

    private static async Task<string> MetricsAsync(GatewayScenario gw)
        => (await gw.Server.ExecAsync("curl", "-sf", "--max-time", "10", $"{Ops}/metrics")).Output;

    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, (string Status, string Detail)> Checks(string body)
        => JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("detail").GetString()!));
}
