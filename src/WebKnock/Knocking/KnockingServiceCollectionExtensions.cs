using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;

namespace Microsoft.Extensions.DependencyInjection;

internal static class KnockingServiceCollectionExtensions
{
    /// <summary>The knock event hub, and for the in-memory backend the detector that plays the kernel's part.</summary>
    public static IServiceCollection AddKnocking(this IServiceCollection services, WebKnockOptions options)
    {
        services.TryAddSingleton<IKnockEventSink, KnockEventDispatcher>();
        if (options.Firewall.Backend == "InMemory")
        {
            services.TryAddSingleton<InMemoryFirewall>();
            services.TryAddSingleton<IFirewall>(sp => sp.GetRequiredService<InMemoryFirewall>());
            services.TryAddSingleton<InMemoryKnockSensor>();
            if (options.Firewall.LoopbackKnockListener)
            {
                services.AddHostedService<LoopbackKnockListener>();
            }
        }

        return services;
    }
}
