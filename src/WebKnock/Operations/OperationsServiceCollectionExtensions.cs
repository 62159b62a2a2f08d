using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.Operations;
using WebKnock.Proxy.Gate;

namespace Microsoft.Extensions.DependencyInjection;

internal static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// The metrics (<see cref="GatewayMetrics"/>, counted where things happen, and <see cref="MetricsScrape"/>), the
    /// health checks (firewall table, NFLOG reader, upstream, event store; each bounded by
    /// <c>WebKnock:Operations:CheckTimeout</c>), the options of <c>WebKnock:Operations</c> validated at start, and the
    /// gate exemptions of the two paths for <c>WebKnock:Operations:Networks</c>.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.SectionName).PostConfigure(o => o.ApplyDefaults()).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MetricsRegistry>();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<MetricsScrape>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IKnockEventHandler, KnockMetrics>());

        foreach (var path in new Func<OperationsOptions, string>[] { o => o.MetricsPath, o => o.HealthPath })
        {
            services.AddSingleton(sp =>
            {
                var o = sp.GetRequiredService<IOptions<OperationsOptions>>().Value;
                // GET only, as the endpoints are mapped: a POST or HEAD has no endpoint here and would go on to the webmail.
                return new GateExemption("operations", path(o), Prefix: false, o.Enabled ? NetworkList.Parse(o.Networks) : NetworkList.Empty, [HttpMethods.Get]);
            });
        }

        // Each check is bounded by the timeout the options give; the builder wants it now, so it is read from the
        // configuration as bound (a bad value is refused at start by the validator anyway).
        services.AddHealthChecks()
            .AddCheck<FirewallHealthCheck>("firewall")
            .AddCheck<FirewallSetsHealthCheck>("firewall_sets")
            .AddCheck<NflogHealthCheck>("nflog")
            .AddCheck<UpstreamHealthCheck>("upstream")
            .AddCheck<EventStoreHealthCheck>("eventstore");
        services.AddOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>()
            .Configure<IOptions<OperationsOptions>>((health, operations) =>
            {
                foreach (var registration in health.Registrations)
                {
                    registration.Timeout = operations.Value.CheckTimeout;
                }
            });
        return services;
    }
}
