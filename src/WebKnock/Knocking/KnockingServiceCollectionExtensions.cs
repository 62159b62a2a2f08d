using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Knocking.Users;

namespace Microsoft.Extensions.DependencyInjection;

internal static class KnockingServiceCollectionExtensions
{
    /// <summary>
    /// The knock event hub, the in-memory detector that plays the kernel's part for the in-memory
    /// backend, and the firewall chosen by <c>WebKnock:Firewall:Backend</c>.
    /// </summary>
    public static IServiceCollection AddKnocking(this IServiceCollection services)
    {
        services.TryAddSingleton<IKnockEventSink, KnockEventDispatcher>();
        services.AddSingleton<IValidateOptions<KnockUsersOptions>, KnockUsersOptionsValidator>();
        services.AddOptions<KnockUsersOptions>().BindConfiguration(KnockUsersOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton<KnockUserStore>();
        services.TryAddSingleton<KnockUsers>();
        services.TryAddSingleton<IKnockUsers>(sp => sp.GetRequiredService<KnockUsers>());
        services.AddHostedService<KnockUserWatcher>();
        services.TryAddSingleton<InMemoryFirewall>();
        services.TryAddSingleton<WebKnock.Knocking.Totp.TotpKnocks>();
        services.TryAddSingleton<InMemoryKnockSensor>();
        services.AddHostedService<LoopbackKnockListener>();
        services.TryAddSingleton<IFirewall>(sp =>
            sp.GetRequiredService<IOptions<WebKnockOptions>>().Value.Firewall.Backend == "Nftables"
                ? sp.GetRequiredService<NftablesFirewallFactory>().Create(sp)
                : sp.GetRequiredService<InMemoryFirewall>());
        return services;
    }
}
