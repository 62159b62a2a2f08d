// TEMPORARY: replaced by the nftables backend from the wip-kernel branch.
using WebKnock.Firewall;

namespace Microsoft.Extensions.DependencyInjection;

internal static class NftablesServiceCollectionExtensions
{
    public static IServiceCollection AddNftablesFirewall(this IServiceCollection services)
    {
        services.TryAddSingleton(new NftablesFirewallFactory(_ => throw new NotSupportedException("The nftables backend is not built yet.")));
        return services;
    }
}
