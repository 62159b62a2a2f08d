namespace WebKnock.Firewall;

/// <summary>Builds the nftables firewall when the configuration asks for it (registered by AddNftablesFirewall).</summary>
internal sealed class NftablesFirewallFactory(Func<IServiceProvider, IFirewall> create)
{
    public IFirewall Create(IServiceProvider services) => create(services);
}
