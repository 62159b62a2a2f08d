using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Tests.Events;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class NftablesSetMonitorTests
{
    // As nft -j prints "list table inet webknock": a counter, a set without elements, one with 9 of 10, one without a size.
    private const string Listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": "inet", "name": "webknock", "handle": 1}},
        {"counter": {"family": "inet", "name": "mapped_v4", "table": "webknock", "handle": 2, "packets": 7, "bytes": 420}},
        {"counter": {"family": "inet", "name": "prefix_full", "table": "webknock", "handle": 3, "packets": 0, "bytes": 0}},
        {"set": {"family": "inet", "name": "webmail_allow4", "table": "webknock", "type": "ipv4_addr", "handle": 4, "size": 65536, "flags": ["timeout"]}},
        {"set": {"family": "inet", "name": "webmail_k1_4", "table": "webknock", "type": "ipv4_addr", "handle": 5, "size": 10, "flags": ["timeout"],
          "elem": [{"elem": {"val": "192.0.2.1", "timeout": 10, "expires": 9}}, "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9"]}},
        {"set": {"family": "inet", "name": "always4", "table": "webknock", "type": "ipv4_addr", "handle": 6, "flags": ["interval"], "elem": [{"prefix": {"addr": "192.0.2.0", "len": 24}}]}}
        ]}
        """;

    [Fact]
    public void Reads_the_fill_of_every_sized_set_and_the_named_counters()
    {
        var (sets, counters) = NftablesSetMonitor.Parse(Listing);

        Assert.Equal([new NftSetFill("webmail_allow4", 0, 65536), new NftSetFill("webmail_k1_4", 9, 10)], sets);
        Assert.True(sets[1].IsNearlyFull);
        Assert.False(sets[0].IsNearlyFull);
        Assert.Equal(7, counters["mapped_v4"]);
        Assert.Equal(0, counters["prefix_full"]);
    }

    [Fact]
    public void A_nearly_full_set_is_logged_at_most_once_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var logger = new ListLogger<NftablesSetMonitor>();
        var monitor = new NftablesSetMonitor(() => new Listed(), "webknock", TimeSpan.FromSeconds(15), time, logger);
        using var context = new Listed();

        monitor.Read(context);
        time.Advance(TimeSpan.FromSeconds(30));
        monitor.Read(context);
        Assert.Single(logger.WithId(9100));
        time.Advance(TimeSpan.FromSeconds(30));
        monitor.Read(context);

        Assert.Equal(2, logger.WithId(9100).Count);
        Assert.Contains("webmail_k1_4", logger.WithId(9100)[0].Message, StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow(), monitor.LastRead);
    }

    [Fact]
    public async Task A_nearly_full_set_makes_the_health_check_degraded_and_healthz_answers_200_degraded()
    {
        var monitor = new NftablesSetMonitor(() => new Listed(), "webknock", TimeSpan.FromSeconds(15), TimeProvider.System, new ListLogger<NftablesSetMonitor>());
        using var context = new Listed();
        monitor.Read(context);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddSingleton(monitor).BuildServiceProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new WebKnock.Configuration.WebKnockOptions { Firewall = new() { Backend = "Nftables" } });

        var result = await new WebKnock.Operations.FirewallSetsHealthCheck(services, options).CheckHealthAsync(new());
        var body = Microsoft.AspNetCore.Builder.HealthBody.From(new(new Dictionary<string, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReportEntry>
        {
            ["firewall_sets"] = new(result.Status, result.Description, TimeSpan.Zero, null, result.Data),
        }, TimeSpan.Zero));

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, result.Status);
        Assert.Contains("webmail_k1_4 9/10", result.Description, StringComparison.Ordinal);
        Assert.Equal("degraded", body.Status);
        Assert.Equal(9, body.Checks.Single().Data!["webmail_k1_4"]);
    }

    private sealed class Listed : INftRunner
    {
        public string Run(string commands, bool json = false, bool terse = false)
        {
            Assert.Equal("list table inet webknock", commands);
            Assert.True(json);
            return Listing;
        }

        public void Dispose()
        {
        }
    }
}
