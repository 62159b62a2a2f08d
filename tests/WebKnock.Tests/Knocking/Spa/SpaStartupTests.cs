using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebKnock.Operations;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Knocking.Spa.Tests;

/// <summary>The gateway as configured: SPA settings validated at start, users from WebKnock:Knock:Users, the queue wired.</summary>
public sealed class SpaStartupTests
{
    [Theory]
    [InlineData("WebKnock:Spa:Port", "70000")]
    [InlineData("WebKnock:Spa:Port", "443")]
    [InlineData("WebKnock:Spa:MaxPacketAge", "00:00:01")]
    [InlineData("WebKnock:Spa:RatePerSecond", "0")]
    public async Task Refuses_to_start_naming_the_key(string key, string value)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Spa:Enabled"] = "true", [key] = value });
        });

        Assert.Contains(key, Validation(ex)?.Message ?? "");
    }

    [Fact]
    public async Task A_submitted_packet_opens_a_window_for_its_configured_user_and_is_counted()
    {
        var folder = Directory.CreateTempSubdirectory("wk-spa-");
        try
        {
            await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
            {
                ["WebKnock:Spa:Enabled"] = "true",
                ["WebKnock:Spa:ReplayCachePath"] = Path.Combine(folder.FullName, "digests.db"),
                ["WebKnock:Knock:Users:0:Name"] = "alice",
                ["WebKnock:Knock:Users:0:SpaKey"] = SpaFixtures.Key,
                ["WebKnock:Knock:Users:0:SpaHmacKey"] = SpaFixtures.HmacKey,
            });
            var body = "1234567890123456:" + FwknopBase64.Encode("alice"u8) + ":" + gw.Time.GetUtcNow().ToUnixTimeSeconds() + ":3.0.0:1:"
                + FwknopBase64.Encode(Encoding.ASCII.GetBytes("0.0.0.0,tcp/443"));
            var packet = SpaTestPackets.Seal(body, SpaFixtures.Key, SpaFixtures.HmacKey);
            var sink = gw.Services.GetRequiredService<ISpaPacketSink>();

            Assert.True(sink.Submit(new SpaDatagram(IPAddress.Parse("192.0.2.44"), packet, gw.Time.GetUtcNow())));
            Assert.True(sink.Submit(new SpaDatagram(IPAddress.Parse("192.0.2.45"), packet, gw.Time.GetUtcNow())));

            Assert.True(await Eventually.TrueAsync(() => gw.IsOpen("192.0.2.44")));
            Assert.Equal("alice", gw.Windows.Get("webmail", IPAddress.Parse("192.0.2.44"))!.User);
            var metrics = new StringBuilder();
            Assert.True(await Eventually.TrueAsync(() =>
            {
                metrics.Clear();
                gw.Services.GetRequiredService<MetricsRegistry>().WriteTo(metrics);
                return metrics.ToString().Contains("webknock_spa_packets_total{outcome=\"replay\"} 1", StringComparison.Ordinal);
            }));
            Assert.Contains("webknock_spa_packets_total{outcome=\"accepted\"} 1", metrics.ToString(), StringComparison.Ordinal);
            Assert.False(gw.IsOpen("192.0.2.45"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task In_development_a_packet_to_the_loopback_spa_port_opens_for_loopback()
    {
        var folder = Directory.CreateTempSubdirectory("wk-spa-");
        try
        {
            var port = FreeUdpPort();
            await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
            {
                ["WebKnock:Spa:Enabled"] = "true",
                ["WebKnock:Spa:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["WebKnock:Firewall:LoopbackKnockListener"] = "true",
                ["WebKnock:Spa:ReplayCachePath"] = Path.Combine(folder.FullName, "digests.db"),
                ["WebKnock:Knock:Users:0:Name"] = "alice",
                ["WebKnock:Knock:Users:0:SpaKey"] = SpaFixtures.Key,
                ["WebKnock:Knock:Users:0:SpaHmacKey"] = SpaFixtures.HmacKey,
            });
            var body = "1234567890123456:" + FwknopBase64.Encode("alice"u8) + ":" + gw.Time.GetUtcNow().ToUnixTimeSeconds() + ":3.0.0:1:"
                + FwknopBase64.Encode(Encoding.ASCII.GetBytes("0.0.0.0,tcp/443"));
            var listener = gw.Services.GetRequiredService<LoopbackSpaListener>();
            Assert.True(await Eventually.TrueAsync(() => listener.Port == port));

            using var udp = new System.Net.Sockets.UdpClient();
            await udp.SendAsync(SpaTestPackets.Seal(body, SpaFixtures.Key, SpaFixtures.HmacKey), new IPEndPoint(IPAddress.Loopback, port));

            Assert.True(await Eventually.TrueAsync(() => gw.IsOpen("127.0.0.1")));
            Assert.Equal("alice", gw.Windows.Get("webmail", IPAddress.Loopback)!.User);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private static OptionsValidationException? Validation(Exception? ex) => ex switch
    {
        null => null,
        OptionsValidationException v => v,
        AggregateException a => a.InnerExceptions.Select(Validation).FirstOrDefault(v => v is not null),
        _ => Validation(ex.InnerException),
    };
}
