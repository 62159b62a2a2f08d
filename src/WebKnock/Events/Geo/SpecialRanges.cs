using System.Net;
using System.Net.Sockets;

namespace WebKnock.Events.Geo;

/// <summary>
/// The IANA special-purpose ranges (RFC 6890 and successors) that no country database should answer
/// for: private, loopback, link-local, CGNAT, documentation, multicast and the rest of the reserved space.
/// </summary>
internal static class SpecialRanges
{
    private static readonly (IPNetwork Network, string Label)[] V4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressLabels.Reserved),
        (IPNetwork.Parse("10.0.0.0/8"), AddressLabels.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressLabels.SharedAddress),
        (IPNetwork.Parse("127.0.0.0/8"), AddressLabels.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressLabels.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressLabels.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressLabels.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressLabels.Documentation),
        (IPNetwork.Parse("192.88.99.0/24"), AddressLabels.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressLabels.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressLabels.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressLabels.Documentation),
        (IPNetwork.Parse("203.0.113.0/24"), AddressLabels.Documentation),
        (IPNetwork.Parse("224.0.0.0/4"), AddressLabels.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressLabels.Reserved),
    ];

    private static readonly (IPNetwork Network, string Label)[] V6 =
    [
        (IPNetwork.Parse("::/128"), AddressLabels.Reserved),
        (IPNetwork.Parse("::1/128"), AddressLabels.Loopback),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressLabels.Private),
        (IPNetwork.Parse("100::/64"), AddressLabels.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressLabels.Documentation),
        (IPNetwork.Parse("2001::/23"), AddressLabels.Reserved),
        (IPNetwork.Parse("3fff::/20"), AddressLabels.Documentation),
        (IPNetwork.Parse("fc00::/7"), AddressLabels.Private),
        (IPNetwork.Parse("fe80::/10"), AddressLabels.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressLabels.Multicast),
    ];

    // Global unicast: everything else outside it is unassigned or reserved.
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>The label of a special address, or null for an address a country database may know.</summary>
    public static string? Label(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Find(V4, address);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressLabels.Reserved;
        }

        return Find(V6, address) ?? (GlobalUnicast.Contains(address) ? null : AddressLabels.Reserved);
    }

    private static string? Find((IPNetwork Network, string Label)[] ranges, IPAddress address)
    {
        foreach (var (network, label) in ranges)
        {
            if (network.Contains(address))
            {
                return label;
            }
        }

        return null;
    }
}
