using System.Globalization;
using WebKnock.Bench.SlowClients;
using WebKnock.NetworkTests.Gateway;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Load;

/// <summary>
/// A bounded slowloris against the real gateway on loopback: the slow connections must be closed by the server once
/// the header timeout of the shipped appsettings.json has passed, and a normal client must keep getting its pages
/// meanwhile. (bench/load/run.sh runs the same clients with more connections and prints the numbers.)
/// Runs in the whole-gateway collection: one at a time, since it measures times.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlowClientTests(ITestOutputHelper output)
{
    private const int SlowConnections = 200;
    private const double NormalPerSecond = 10;
    private static readonly TimeSpan ByteInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NormalTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Generous, for a shared 2-core machine: Kestrel checks its timeouts once a second, and the machine may be busy.</summary>
    private static readonly TimeSpan CloseSlack = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Slow_header_clients_are_closed_at_the_header_timeout_while_normal_requests_keep_succeeding()
    {
        var headerTimeout = TimeSpan.Parse(LoopbackGateway.ShippedLimits().GetProperty("RequestHeadersTimeout").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(headerTimeout < TimeSpan.FromSeconds(30), $"RequestHeadersTimeout {headerTimeout} is not below Kestrel's default of 30 s: the test would not tell the setting works");
        await using var gateway = await LoopbackGateway.StartAsync(output);
        var url = gateway.Url("/fixture/1k");

        var quiet = ProbeSummary.Of(await NormalProbe.RunAsync(url, TimeSpan.FromSeconds(5), NormalPerSecond, NormalTimeout));
        output.WriteLine($"normal requests, no slow clients: {quiet}");
        Assert.Equal(quiet.Count, quiet.Succeeded);

        // Every slow connection opens in the first 2 s and is never replaced; the attack lasts long enough for each to
        // be closed by the server (header timeout + slack), and is cut off by the client after that.
        var duration = headerTimeout + CloseSlack + TimeSpan.FromSeconds(3);
        var attack = SlowHeaderClients.RunAsync(new SlowClientOptions(url, SlowConnections, duration, ByteInterval, Reconnect: false));
        var probe = NormalProbe.RunAsync(url, duration, NormalPerSecond, NormalTimeout);
        var connections = await attack;
        var loaded = ProbeSummary.Of(await probe);
        var slow = SlowSummary.Of(connections);
        output.WriteLine($"header timeout {headerTimeout.TotalSeconds} s; slow connections: {slow}");
        output.WriteLine($"normal requests, {SlowConnections} slow clients: {loaded}");

        Assert.Equal(SlowConnections, slow.Opened);
        Assert.True(slow.Established == SlowConnections, $"only {slow.Established} of {SlowConnections} slow connections were established: {slow}");
        Assert.True(slow.ClosedByServer == SlowConnections, $"the server closed {slow.ClosedByServer} of {SlowConnections} slow connections within {duration.TotalSeconds} s: {slow}");
        var early = connections.Where(c => c.ClosedByServerAfter < headerTimeout - TimeSpan.FromSeconds(0.5)).ToList();
        Assert.True(early.Count == 0, $"{early.Count} slow connections were closed before the header timeout ({headerTimeout.TotalSeconds} s), the first after {early.FirstOrDefault()?.ClosedByServerAfter}");
        Assert.True(slow.CloseMaxSeconds <= (headerTimeout + CloseSlack).TotalSeconds, $"a slow connection lived {slow.CloseMaxSeconds:F1} s after its first header byte (header timeout {headerTimeout.TotalSeconds} s)");
        Assert.All(connections, c => Assert.StartsWith("HTTP/1.1 408", c.Answer ?? "(no answer)", StringComparison.Ordinal));
        // A slowloris dribbles: after the request line and Host, a byte every 2 s until the server gives up.
        var requestLine = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\n".Length;
        var dribbled = connections.Min(c => c.HeaderBytes) - requestLine;
        Assert.True(dribbled >= 3, $"a slow client sent only {dribbled} header bytes after its request line");

        Assert.True(loaded.Succeeded == loaded.Count, $"normal requests failed while the slow clients were connected: {loaded}");
        Assert.True(loaded.Count >= NormalPerSecond * duration.TotalSeconds * 0.9, $"only {loaded.Count} normal requests were sent");
        Assert.True(loaded.P99Ms < 5000, $"normal requests' p99 {loaded.P99Ms:F0} ms with {SlowConnections} slow clients (without: {quiet.P99Ms:F0} ms)");
    }
}
