using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Events;
using WebKnock.Firewall;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Operations;

/// <summary>/metrics and /healthz in the whole gateway: what they say, and who may read them.</summary>
public sealed class OperationsEndpointsTests : IAsyncLifetime
{
    private const string Loopback = "127.0.0.1";
    private const string A = "192.0.2.10";
    private const string Outsider = "203.0.113.9";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private static async Task<IReadOnlyList<PrometheusText.Sample>> ScrapeAsync(GatewayHarness gw, string from = Loopback)
    {
        using var response = await gw.Client(from).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_parse_line_by_line_and_start_at_zero()
    {
        var metrics = await ScrapeAsync(_gw);

        foreach (var outcome in new[] { "completed", "failed", "flood" })
        {
            Assert.Equal(0, metrics.Value("webknock_knocks_total", ("service", "webmail"), ("outcome", outcome)));
        }

        foreach (var status in new[] { "1xx", "2xx", "3xx", "4xx", "5xx" })
        {
            Assert.Equal(0, metrics.Value("webknock_proxied_requests_total", ("class", status)));
        }

        foreach (var kind in new[] { "scan", "knock_flood", "failed_logins", "administrator" })
        {
            Assert.Equal(0, metrics.Value("webknock_blocks_total", ("kind", kind)));
        }

        Assert.Equal(0, metrics.Value("webknock_logins_total", ("service", "webmail"), ("outcome", "succeeded")));
        Assert.Equal(0, metrics.Value("webknock_windows_open", ("service", "webmail"), ("kind", "address")));
        Assert.Equal(0, metrics.Value("webknock_windows_open", ("service", "webmail"), ("kind", "network")));
        Assert.Equal(0, metrics.Value("webknock_gate_refusals_total"));
        Assert.Equal(0, metrics.Value("webknock_events_dropped_total"));
        Assert.Equal(0, metrics.Value("webknock_nflog_overruns_total"));
        Assert.Equal(0, metrics.Value("webknock_nflog_lost_total"));
        Assert.Equal(0, metrics.Value("webknock_nflog_malformed_total"));

        // No SSH service configured, no SSH series.
        Assert.DoesNotContain(metrics, s => s.Labels.TryGetValue("service", out var service) && service == ServiceNames.Ssh);
    }

    [Fact]
    public async Task Counters_move_with_knocks_logins_proxied_requests_refusals_and_blocks()
    {
        await _gw.KnockAsync(A);
        await _gw.KnockAsync("192.0.2.11", [7000, 8000]); // wrong order: one failed sequence
        Assert.True(await _gw.Client(Outsider).IsRefusedAsync());
        Assert.True(await _gw.Client(Outsider).IsRefusedAsync("/metrics")); // outside the networks, no window: the gate's nothing
        var client = _gw.Client(A);
        (await client.LoginAsync("alice", "wrong")).Dispose();
        (await client.LoginAsync("alice", "alice-pw")).Dispose();
        using (var missing = await client.NavigateAsync(WebmailClient.Base + "no-such-page.php"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // An administrator's block is counted by the action (the firewall does not know who blocks).
        var blocked = await _gw.Services.GetRequiredService<WebKnock.Admin.AdminActions>().BlockAsync("root", IPAddress.Parse("198.51.100.254"), Outsider, "60", null, default);
        Assert.True(blocked.Succeeded, blocked.Message);
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, IPNetwork.Parse("198.51.100.0/24"), TimeSpan.FromHours(1), default);

        var metrics = await ScrapeAsync(_gw);

        Assert.Equal(1, metrics.Value("webknock_knocks_total", ("service", "webmail"), ("outcome", "completed")));
        Assert.Equal(1, metrics.Value("webknock_knocks_total", ("service", "webmail"), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("webknock_logins_total", ("service", "webmail"), ("outcome", "succeeded")));
        Assert.Equal(1, metrics.Value("webknock_logins_total", ("service", "webmail"), ("outcome", "failed")));
        Assert.Equal(2, metrics.Value("webknock_gate_refusals_total"));
        Assert.Equal(1, metrics.Value("webknock_blocks_total", ("kind", "administrator")));
        Assert.Equal(1, metrics.Value("webknock_windows_open", ("service", "webmail"), ("kind", "address")));
        Assert.Equal(1, metrics.Value("webknock_windows_open", ("service", "webmail"), ("kind", "network")));

        // Two login pages and the failed login's answer (200), the successful login's redirect (302), the missing page (404).
        Assert.Equal(3, metrics.Value("webknock_proxied_requests_total", ("class", "2xx")));
        Assert.Equal(1, metrics.Value("webknock_proxied_requests_total", ("class", "3xx")));
        Assert.Equal(1, metrics.Value("webknock_proxied_requests_total", ("class", "4xx")));
        Assert.Equal(0, metrics.Value("webknock_proxied_requests_total", ("class", "5xx")));

        // The window closes on the clock: the gauge follows.
        _gw.Time.Advance(TimeSpan.FromMinutes(31));
        metrics = await ScrapeAsync(_gw);
        Assert.Equal(0, metrics.Value("webknock_windows_open", ("service", "webmail"), ("kind", "address")));
    }

    // Kernel twin: GatewayFloodTests.A_flood_of_50000_SYNs_at_the_knock_ports_neither_delays_A_knock_nor_stops_the_gateway
    // Kernel twin: GatewayKnockTests.A_scan_of_1000_ports_blocks_the_scanner_for_the_configured_time_and_leaves_A_alone
    [Fact]
    public async Task Knock_floods_and_scan_blocks_count_as_bans()
    {
        var handlers = _gw.Services.GetServices<IKnockEventHandler>();
        var now = _gw.Time.GetUtcNow();
        foreach (var handler in handlers.OfType<WebKnock.Operations.KnockMetrics>())
        {
            handler.Handle(new KnockEvent(KnockEventKind.Flood, ServiceNames.Webmail, IPAddress.Parse(Outsider), 7000, 0, now));
            handler.Handle(new KnockEvent(KnockEventKind.ScanBlocked, ServiceNames.Webmail, IPAddress.Parse(Outsider), 81, 0, now));
            handler.Handle(new KnockEvent(KnockEventKind.DroppedAttempt, ServiceNames.Webmail, IPAddress.Parse(Outsider), 443, 0, now));
        }

        var metrics = await ScrapeAsync(_gw);
        Assert.Equal(1, metrics.Value("webknock_knocks_total", ("service", "webmail"), ("outcome", "flood")));
        Assert.Equal(1, metrics.Value("webknock_blocks_total", ("kind", "knock_flood")));
        Assert.Equal(1, metrics.Value("webknock_blocks_total", ("kind", "scan")));
        Assert.Equal(1, metrics.Value("webknock_dropped_attempts_total", ("service", "webmail")));
    }

    // Kernel twin: GatewayFloodTests.A_flood_of_50000_SYNs_at_the_knock_ports_neither_delays_A_knock_nor_stops_the_gateway
    [Fact]
    public async Task A_real_flood_through_the_in_memory_detector_is_counted()
    {
        // 40 SYNs to the first knock port within 40 ms: over 20/s with a burst of 10.
        await _gw.KnockAsync(Outsider, Enumerable.Repeat(7000, 40), gap: TimeSpan.FromMilliseconds(1));

        var metrics = await ScrapeAsync(_gw);
        Assert.Equal(1, metrics.Value("webknock_knocks_total", ("service", "webmail"), ("outcome", "flood")));
        Assert.Equal(1, metrics.Value("webknock_blocks_total", ("kind", "knock_flood")));
    }

    [Fact]
    public async Task An_outsider_with_a_window_gets_404_and_nothing_is_proxied()
    {
        await _gw.KnockAsync(A);
        var before = await ScrapeAsync(_gw);

        foreach (var path in new[] { "/metrics", "/healthz" })
        {
            using var response = await _gw.Client(A).GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsStringAsync());
        }

        var after = await ScrapeAsync(_gw);
        foreach (var status in new[] { "2xx", "4xx" })
        {
            Assert.Equal(before.Value("webknock_proxied_requests_total", ("class", status)), after.Value("webknock_proxied_requests_total", ("class", status)));
        }
    }

    [Fact]
    public async Task The_exemption_is_for_the_two_paths_only()
    {
        Assert.True(await _gw.Client(Loopback).IsRefusedAsync("/metrics/more"));
        Assert.True(await _gw.Client(Loopback).IsRefusedAsync("/squirrelmail/src/login.php"));
        Assert.True(await _gw.Client("::1").IsRefusedAsync("/.webknock/status"));
        using var v6 = await _gw.Client("::1").GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, v6.StatusCode);
    }

    [Fact]
    public async Task Health_is_200_with_every_check_when_all_pass()
    {
        using var response = await _gw.Client(Loopback).GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var checks = Checks(body);
        Assert.Equal(["eventstore", "firewall", "firewall_sets", "nflog", "upstream"], checks.Keys.Order());
        Assert.All(checks.Values, c => Assert.Equal("ok", c.Status));
        Assert.Contains("in-memory", checks["firewall"].Detail);
        Assert.StartsWith("n/a", checks["nflog"].Detail);
        Assert.StartsWith("n/a", checks["firewall_sets"].Detail);
        Assert.Contains($"connected to {_gw.Upstream.BaseUri.Authority}", checks["upstream"].Detail);
        Assert.Contains("takes writes", checks["eventstore"].Detail);
    }

    [Fact]
    public async Task Health_is_503_when_the_event_store_file_is_gone()
    {
        var path = _gw.Services.GetRequiredService<EventStore>().FilePath;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        using var response = await _gw.Client(Loopback).GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var checks = Checks(body);
        Assert.Equal("failed", checks["eventstore"].Status);
        Assert.Contains("does not take writes", checks["eventstore"].Detail);
        Assert.Equal("ok", checks["upstream"].Status);
    }

    [Fact]
    public async Task A_check_that_hangs_fails_at_the_check_timeout()
    {
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Operations:CheckTimeout"] = "00:00:00.3" });
        var registrations = gw.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value.Registrations;
        Assert.All(registrations, r => Assert.Equal(TimeSpan.FromMilliseconds(300), r.Timeout));

        // Another connection holds the store's write lock: the check's write waits (up to its busy timeout of 2 s).
        var path = gw.Services.GetRequiredService<EventStore>().FilePath;
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var transaction = holder.BeginTransaction(deferred: false);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await gw.Client(Loopback).GetAsync("/healthz");

        var elapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = Checks(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        Assert.Equal("failed", checks["eventstore"].Status);
        Assert.Contains("timeout", checks["eventstore"].Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("ok", checks["upstream"].Status);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"answered after {elapsed}");
    }

    [Fact]
    public async Task Health_is_503_when_the_upstream_is_down()
    {
        // A port bound but not listening: held for the whole test (a port freed again could be taken by another test's
        // server meanwhile, and answer), and every connection to it is refused.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Upstream:Url"] = $"http://127.0.0.1:{port}/" });

        using var response = await gw.Client(Loopback).GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = Checks(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        Assert.Equal("failed", checks["upstream"].Status);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", checks["upstream"].Detail);
        Assert.Equal("ok", checks["eventstore"].Status);
    }

    [Fact]
    public async Task Networks_and_paths_come_from_the_configuration()
    {
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
        {
            ["WebKnock:Operations:Networks:0"] = "198.51.100.0/24",
            ["WebKnock:Operations:MetricsPath"] = "/ops/prometheus",
            ["WebKnock:Operations:HealthPath"] = "/ops/health",
        });

        using (var metrics = await gw.Client("198.51.100.7").GetAsync("/ops/prometheus"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());
        }

        using (var health = await gw.Client("198.51.100.7").GetAsync("/ops/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Loopback is not in the list any more, and the old paths are paths like any other.
        Assert.True(await gw.Client(Loopback).IsRefusedAsync("/ops/health"));
        Assert.True(await gw.Client("198.51.100.7").IsRefusedAsync("/metrics"));
    }

    [Fact]
    public async Task A_trusted_proxy_is_not_the_client()
    {
        // Behind a reverse proxy on loopback, the client is who the proxy says: an outsider stays outside.
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Network:TrustedProxies:0"] = "127.0.0.1" });
        var viaProxy = gw.Client(Loopback);
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", Outsider);

        Assert.True(await viaProxy.IsRefusedAsync("/metrics"));

        // The proxy's own request (no X-Forwarded-For) names no client: it fails closed, though loopback is an
        // operations network. A local monitor behind such a proxy is named by the proxy, or scrapes through it.
        Assert.True(await gw.Client(Loopback).IsRefusedAsync("/metrics"));
        var monitor = gw.Client(Loopback);
        monitor.DefaultRequestHeaders.Add("X-Forwarded-For", "::1");
        using var named = await monitor.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
    }

    [Theory]
    [InlineData("HEAD", "/metrics")]
    [InlineData("POST", "/metrics")]
    [InlineData("POST", "/healthz")]
    [InlineData("PUT", "/healthz")]
    public async Task Only_GET_is_exempt_another_method_from_an_operations_network_without_a_window_is_refused_not_proxied(string method, string path)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Upstream:Url"] = upstream.Url });

        using (var get = await gw.Client(Loopback).GetAsync(path))
        {
            Assert.True(get.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"GET {path}: {get.StatusCode}");
        }

        var refused = false;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("x") : null };
            using var response = await gw.Client(Loopback).SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            refused = true;
        }

        Assert.True(refused, $"{method} {path} from loopback without a window was answered");
        Assert.Empty(upstream.Requests);
    }

    private static Dictionary<string, (string Status, string Detail)> Checks(JsonElement body)
        => body.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("detail").GetString()!));
}
