using Microsoft.Extensions.Options;
using WebKnock.Firewall;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking.Nflog;

namespace Microsoft.Extensions.DependencyInjection;

internal static class NftablesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the nftables firewall (libnftables in-process), the NFLOG reader that turns the kernel's knock
    /// events into <c>KnockEvent</c>s for the registered <c>IKnockEventSink</c>, and the watchdog that reloads
    /// WebKnock's table when something flushed it. They run only when <c>WebKnock:Firewall:Backend</c> is
    /// <c>Nftables</c>. Options: <c>WebKnock:Firewall:Nftables</c>, validated at start. The watchdog puts back the
    /// windows of a <c>Func&lt;IEnumerable&lt;(string Service, IPAddress Address, TimeSpan Remaining)&gt;&gt;</c>
    /// if one is registered, and the blocks of the <c>BlockLedger</c> (scan blocks and knock bans reported by NFLOG,
    /// blocks asked of the firewall).
    /// </summary>
    public static IServiceCollection AddNftablesFirewall(this IServiceCollection services)
    {
        services.AddOptions<NftablesOptions>()
            .BindConfiguration(NftablesOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NftablesOptions>, NftablesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NftWriter>();
        services.TryAddSingleton<BlockLedger>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<WebKnock.Knocking.IKnockEventHandler, BlockLedger>(sp => sp.GetRequiredService<BlockLedger>()));
        services.TryAddSingleton<NftablesFirewall>();
        services.TryAddSingleton(new NftablesFirewallFactory(sp => sp.GetRequiredService<NftablesFirewall>()));
        services.TryAddSingleton<NflogKnockSource>();
        services.TryAddSingleton<TableWatchdog>();
        services.TryAddSingleton<NftablesSetMonitor>();
        services.AddHostedService<NftablesBackgroundServices>();
        return services;
    }
}
