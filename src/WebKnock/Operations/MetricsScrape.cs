using System.Text;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking;
using WebKnock.Knocking.Nflog;
using WebKnock.Windows;

namespace WebKnock.Operations;

/// <summary>
/// One scrape of <c>/metrics</c>: the counters of <see cref="GatewayMetrics"/>, and what is read from the parts that
/// keep it: open windows (per service, address and network windows), the NFLOG reader's counters, the event queue's
/// drops and the writer's batches, the watchdog's restores. Registered with the registry once, on the first scrape,
/// so that nothing here is built before it is asked for.
/// </summary>
internal sealed class MetricsScrape(GatewayMetrics metrics, IServiceProvider services, IOptions<WebKnockOptions> options, TimeProvider time)
{
    private readonly Lazy<bool> _observed = new(() => Observe(metrics.Registry, services, options.Value, time));

    public string Scrape()
    {
        _ = _observed.Value;
        var text = new StringBuilder(4096);
        metrics.Registry.WriteTo(text);
        return text.ToString();
    }

    private static bool Observe(MetricsRegistry registry, IServiceProvider services, WebKnockOptions options, TimeProvider time)
    {
        var windows = services.GetRequiredService<AccessWindowManager>();
        var serviceNames = options.GuardedServices();
        registry.Observe("webknock_windows_open", "Windows open now, per service: kind address (one address, from a knock or an administrator) or network (a whole network, from an administrator).",
            MetricsRegistry.MetricType.Gauge, ["service", "kind"], () =>
            {
                var now = time.GetUtcNow();
                var addresses = windows.List().Where(w => w.ExpiresAt > now).ToList();
                var networks = windows.ListNetworks().Where(w => w.ExpiresAt > now).ToList();
                return serviceNames.SelectMany(s => new[]
                {
                    (new[] { s, "address" }, (double)addresses.Count(w => w.Service == s)),
                    ([s, "network"], networks.Count(w => w.Service == s)),
                });
            });

        // The reader exists (unstarted) with the in-memory backend too: its counters stay 0 there.
        var nflog = services.GetRequiredService<NflogKnockSource>();
        Counter(registry, "webknock_nflog_messages_total", "NFLOG packet messages received from the kernel.", () => nflog.Received);
        Counter(registry, "webknock_nflog_overruns_total", "Times the NFLOG socket overflowed (ENOBUFS): events were lost.", () => nflog.Overruns);
        Counter(registry, "webknock_nflog_lost_total", "NFLOG events the kernel logged that never arrived (gaps in its sequence numbers).", () => nflog.Lost);
        Counter(registry, "webknock_nflog_malformed_total", "NFLOG messages that could not be parsed, dropped.", () => nflog.Malformed);

        var recorder = services.GetRequiredService<EventRecorder>();
        var writer = services.GetRequiredService<EventWriter>();
        Counter(registry, "webknock_events_dropped_total", "Events dropped because the event store's queue was full.", () => recorder.Dropped);
        Counter(registry, "webknock_events_written_total", "Events written to the event store.", () => writer.Written);
        Counter(registry, "webknock_events_write_failed_total", "Events lost because the event store refused their batch.", () => writer.Lost);
        registry.Observe("webknock_events_pending", "Events waiting for the event store's writer.", MetricsRegistry.MetricType.Gauge, [],
            () => [([], recorder.Pending)]);

        if (options.Firewall.Backend == "Nftables")
        {
            var watchdog = services.GetRequiredService<TableWatchdog>();
            Counter(registry, "webknock_firewall_table_restores_total", "Times the watchdog found WebKnock's nftables table missing and loaded it again.", () => watchdog.Restores);
            var monitor = services.GetRequiredService<NftablesSetMonitor>();
            registry.Observe("webknock_firewall_set_elements", "Elements in each set of WebKnock's nftables table (read every SetCheckInterval).",
                MetricsRegistry.MetricType.Gauge, ["set"], () => monitor.Sets.Select(s => (new[] { s.Set }, (double)s.Elements)));
            registry.Observe("webknock_firewall_set_size", "The size (most elements) of each set of WebKnock's nftables table.",
                MetricsRegistry.MetricType.Gauge, ["set"], () => monitor.Sets.Select(s => (new[] { s.Set }, (double)s.Size)));
            registry.Observe("webknock_firewall_sets_nearly_full", "Sets of WebKnock's nftables table at least 90 % full (also: /healthz degraded).",
                MetricsRegistry.MetricType.Gauge, [], () => [([], monitor.Sets.Count(s => s.IsNearlyFull))]);
            Counter(registry, "webknock_firewall_mapped_v4_dropped_total", "Packets with an IPv4-mapped IPv6 source (::ffff:0:0/96) the kernel dropped.",
                () => monitor.Counters.GetValueOrDefault(NftNames.MappedCounter));
            Counter(registry, "webknock_firewall_prefix_share_refused_total", "Knock SYNs the kernel turned away because their source prefix (/24, /64) had used its share of a set.",
                () => monitor.Counters.GetValueOrDefault(NftNames.PrefixFullCounter));
        }

        return true;
    }

    private static void Counter(MetricsRegistry registry, string name, string help, Func<long> read)
        => registry.Observe(name, help, MetricsRegistry.MetricType.Counter, [], () => [([], read())]);
}
