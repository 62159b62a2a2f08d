using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Knocking.Spa;

namespace Microsoft.Extensions.DependencyInjection;

internal static class SpaServiceCollectionExtensions
{
    /// <summary>
    /// Single-packet authorization (<c>WebKnock:Spa</c>): the policy that turns fwknop packets into windows
    /// (<see cref="ISpaPacketSink"/>, fed by the NFLOG reader), its replay cache and its metrics. Options are
    /// validated at start; when SPA is disabled the kernel passes no packet and nothing is ever submitted.
    /// </summary>
    public static IServiceCollection AddSpa(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebKnockOptions>, SpaOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var spa = sp.GetRequiredService<IOptions<WebKnockOptions>>().Value.Spa;
            var path = string.IsNullOrWhiteSpace(spa.ReplayCachePath)
                ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sp.GetRequiredService<IOptions<EventStoreOptions>>().Value.Path))!, "spa-digests.db")
                : spa.ReplayCachePath;
            return new SpaReplayCache(path, spa.MaxPacketAge);
        });
        services.TryAddSingleton<SpaMetrics>();
        services.TryAddSingleton<SpaKnockHandler>();
        services.TryAddSingleton<ISpaPacketSink>(sp => sp.GetRequiredService<SpaKnockHandler>());
        services.AddHostedService(sp => sp.GetRequiredService<SpaKnockHandler>());
        services.TryAddSingleton<LoopbackSpaListener>();
        services.AddHostedService(sp => sp.GetRequiredService<LoopbackSpaListener>());
        return services;
    }
}
