// TEMPORARY: replaced by the nftables backend from the wip-kernel branch.
namespace Microsoft.Extensions.DependencyInjection;

internal static class NftablesServiceCollectionExtensions
{
    public static IServiceCollection AddNftablesFirewall(this IServiceCollection services) =>
        throw new NotSupportedException("The nftables backend is not built yet.");
}
