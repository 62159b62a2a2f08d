using System.Net;

namespace WebKnock.Firewall;

/// <summary>An address in one of the firewall's sets, with the time it has left (null: no timeout).</summary>
public sealed record FirewallElement(IPAddress Address, TimeSpan? Remaining);

/// <summary>A network in one of the firewall's network sets, with the time it has left (null: no timeout).</summary>
public sealed record FirewallNetwork(IPNetwork Network, TimeSpan? Remaining);

/// <summary>
/// The enforcement point: which addresses may reach a service's protected ports, and which are blocked.
/// Implemented by nftables (the kernel) and in memory (development and tests).
/// </summary>
public interface IFirewall
{
    /// <summary>Creates or verifies the ruleset. Existing windows are kept.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Allows the address to the service's protected ports for <paramref name="timeout"/>; refreshes an existing element.</summary>
    Task OpenAsync(string service, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes the address from the service's allowed set; absent is not an error.</summary>
    Task CloseAsync(string service, IPAddress address, CancellationToken cancellationToken);

    /// <summary>The addresses allowed to the service now, with their remaining time.</summary>
    Task<IReadOnlyList<FirewallElement>> ListAsync(string service, CancellationToken cancellationToken);

    /// <summary>
    /// Allows every address of <paramref name="network"/> to the service's protected ports for <paramref name="timeout"/>;
    /// refreshes the same network's element. A network that overlaps another one of the service's open networks
    /// (without being equal to it) is refused with <see cref="InvalidOperationException"/>, as the kernel refuses it.
    /// </summary>
    Task OpenNetworkAsync(string service, IPNetwork network, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes the network from the service's allowed networks; absent is not an error.</summary>
    Task CloseNetworkAsync(string service, IPNetwork network, CancellationToken cancellationToken);

    /// <summary>The networks allowed to the service now, with their remaining time.</summary>
    Task<IReadOnlyList<FirewallNetwork>> ListNetworksAsync(string service, CancellationToken cancellationToken);

    /// <summary>Blocks the address from everything WebKnock guards, for a while.</summary>
    Task BlockAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Lifts a block; absent is not an error.</summary>
    Task UnblockAsync(IPAddress address, CancellationToken cancellationToken);

    /// <summary>
    /// Lifts every block held against the address, whoever set it and at whatever granularity (the address, its IPv6
    /// prefix, the knock ban): what a credentialed knock (TOTP, SPA) does after it passed a block. Absent is not an error.
    /// </summary>
    Task LiftBlocksAsync(IPAddress address, CancellationToken cancellationToken);

    /// <summary>The blocked addresses with their remaining time.</summary>
    Task<IReadOnlyList<FirewallElement>> ListBlockedAsync(CancellationToken cancellationToken);
}
